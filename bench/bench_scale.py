"""Validation and reasoning as the graph grows: the fast paths (powkg.fastshacl, powkg.rules) beside plain
pyshacl and owlrl (powkg.validation, powkg.reasoning), on graphs of this domain.

    python bench/bench_scale.py                          # 10k and 100k triples, synthetic
    python bench/bench_scale.py --sizes 10k,100k,1m      # up to a million triples
    python bench/bench_scale.py --corpus 1,10 --sizes '' # the development corpus, once and replicated x10
    python bench/bench_scale.py --sizes 1m --no-baselines --repeats 1

For each graph, in a fresh process each (so that peak memory is the run's own):
- full reasoning: powkg.rules.infer_all, and owlrl's closure (powkg.reasoning.infer, what pipeline.reason runs);
- full validation: powkg.fastshacl.validate_store, and pyshacl as pipeline.validate_store runs it
  (every article graph with the ontology, then the union); the two reports are compared when both finish;
- one-article ingest, the median over --ingests new articles, as `powkg ingest` does it (pipeline.extend):
  check (the article shapes on the new graph), store (replace_graph), reason (powkg.rules.infer_article),
  validate what it touches (the check gave the article shapes' results; fastshacl.validate_cross on the
  nodes the article states something about); beside it the baseline's parts: pyshacl's check of
  the article and owlrl's full reasoning (pipeline.reason recomputes everything).
Baselines run under --baseline-timeout seconds and are reported as "> N s" when they do not finish.
Times are medians of --repeats runs; memory is the peak resident set of the process (store included).
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))

import scale_data as data  # noqa: E402

from powkg.iris import Iris  # noqa: E402

IRIS = Iris()
INGESTS = 5
TRIPLES_PER_ARTICLE = 300          # what a synthetic article weighs (scale_data.synthetic)


def parse_size(text: str) -> int:
    text = text.strip().lower()
    factor = 1_000_000 if text.endswith("m") else 1_000 if text.endswith("k") else 1
    return int(float(text.rstrip("mk")) * factor)


# -- datasets ------------------------------------------------------------------------------------------

NEW_ARTICLES = 10                  # articles generated beside each graph for the ingest timings


def synthetic_dataset(triples: int) -> tuple[Path, Path, str]:
    articles = max(3, triples // TRIPLES_PER_ARTICLE)
    ingests = NEW_ARTICLES
    base = data.CACHE / f"synthetic-{articles}-{ingests}"
    graphs, new = base.with_suffix(".nq"), base.with_name(base.name + "-new.nq")
    if not graphs.exists() or not new.exists():
        from powkg.vocabulary import load_gazetteer

        gazetteer = load_gazetteer(REPO / "ontology")
        pairs = list(data.synthetic(articles + ingests))
        data.write_nquads(new, data.article_graphs(iter(pairs[articles:]), gazetteer, IRIS))
        data.write_nquads(graphs, data.article_graphs(iter(pairs[:articles]), gazetteer, IRIS))
    return graphs, new, f"synthetic, {articles} articles"


def corpus_dataset(copies: int) -> tuple[Path, Path, str]:
    ingests = NEW_ARTICLES
    one = data.CACHE / "corpus-1.nq"
    if not one.exists():
        data.write_nquads(one, corpus_graphs())
    graphs = data.CACHE / f"corpus-{copies}.nq"
    new = data.CACHE / f"corpus-{copies}-new.nq"
    if not graphs.exists():
        data.replicate(one, copies, graphs)
    if not new.exists():
        tmp = data.CACHE / f"corpus-{copies + 1}.nq"
        data.replicate(one, copies + 1, tmp)
        # the last copy is new to the store: its first articles are the ones to ingest
        lines = tmp.read_bytes().splitlines(keepends=True)[graphs.read_bytes().count(b"\n"):]
        by_graph: dict[bytes, list[bytes]] = {}
        for line in lines:
            by_graph.setdefault(line.rsplit(b" ", 2)[-2], []).append(line)
        new.write_bytes(b"".join(b"".join(v) for v in list(by_graph.values())[:ingests]))
        tmp.unlink()
    return graphs, new, f"development corpus x{copies}"


def corpus_graphs():  # noqa: ANN201
    """The development corpus (data/sample) read, extracted and mapped as the pipeline does."""
    from powkg.extraction import extract_facts
    from powkg.mapping import to_graph
    from powkg.pipeline import article_files
    from powkg.reading import read_articles
    from powkg.vocabulary import load_gazetteer

    gazetteer = load_gazetteer(REPO / "ontology")
    for path in article_files([REPO / "data" / "sample"]):
        for article in read_articles(path):
            facts = extract_facts(article, gazetteer)
            yield IRIS.article_graph(article.digest), to_graph(facts, article, gazetteer=gazetteer, iris=IRIS,
                                                               extracted_at=data.EXTRACTED_AT)


# -- the measurements (each in a child process) -----------------------------------------------------------

def load_store(path: Path):  # noqa: ANN201
    from powkg.store import open_store
    from powkg.vocabulary import load_ontology

    store = open_store("memory:")
    ontology = load_ontology(REPO / "ontology")
    store.replace_graph(IRIS.ontology_graph, ontology)
    for name, lines in data.read_nquads_by_graph(path).items():
        if hasattr(store, "bulk_load"):
            store.bulk_load(name, iter([b"".join(lines)]))
        else:
            from rdflib import Graph

            store.replace_graph(name, Graph().parse(data=b"".join(lines).decode(), format="nt"))
    return store, ontology


def new_graphs(path: Path):  # noqa: ANN201
    from rdflib import Graph

    return [(name, Graph().parse(data=b"".join(lines).decode(), format="nt"))
            for name, lines in data.read_nquads_by_graph(path).items()]


def shapes():  # noqa: ANN201
    from powkg.validation import ARTICLE_SHAPES, GRAPH_SHAPES, load_shapes

    return load_shapes(REPO / "shapes", ARTICLE_SHAPES), load_shapes(REPO / "shapes", GRAPH_SHAPES)


def timed(fn, repeats: int):  # noqa: ANN001,ANN201
    times, value = [], None
    for _ in range(repeats):
        start = time.perf_counter()
        value = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), value


def child_fast(path: Path, new: Path, repeats: int) -> dict:
    from powkg import fastshacl, rules

    store, ontology = load_store(path)
    triples = sum(len(r) for r in [store.query("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }").rows])
    count = int(store.query("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }").rows[0]["n"])
    article_shapes, graph_shapes = shapes()
    out: dict = {"triples": count, "articles": len([g for g in store.graph_names() if IRIS.is_article_graph(g)])}
    del triples
    out["reason_s"], out["inferred"] = timed(
        lambda: rules.infer_all(store, IRIS.ontology_graph, IRIS.inferred_graph), repeats)
    out["validate_s"], report = timed(
        lambda: fastshacl.validate_store(store, article_shapes, graph_shapes, with_turtle=False), repeats)
    out["results"] = len(report.results)
    out["report"] = sorted(json.dumps(_key(r)) for r in report.results)
    start = time.perf_counter()
    checker = fastshacl.ArticleChecker(article_shapes, ontology)
    out["checker_setup_s"] = time.perf_counter() - start
    schema = rules.schema_of(ontology)      # read once, as pipeline.Project.rules is
    parts: dict[str, list[float]] = {"check": [], "store": [], "reason": [], "validate": [], "total": []}
    for name, graph in new_graphs(new)[:INGESTS]:
        t0 = time.perf_counter()
        checker.check(graph, with_turtle=False)
        t1 = time.perf_counter()
        store.replace_graph(name, graph)
        t2 = time.perf_counter()
        rules.infer_article(store, IRIS.ontology_graph, name, IRIS.inferred_graph, schema=schema)
        t3 = time.perf_counter()
        fastshacl.validate_cross(store, graph_shapes, fastshacl.stated_nodes(store, [name]), with_turtle=False)
        t4 = time.perf_counter()
        for key, value in (("check", t1 - t0), ("store", t2 - t1), ("reason", t3 - t2), ("validate", t4 - t3),
                           ("total", t4 - t0)):
            parts[key].append(value)
    out["ingest"] = {k: statistics.median(v) for k, v in parts.items() if v}
    out["peak_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return out


def child_owlrl(path: Path, repeats: int) -> dict:
    from rdflib import Graph

    from powkg.reasoning import infer

    store, ontology = load_store(path)
    union = Graph()
    for name in store.graph_names():
        if IRIS.is_article_graph(name):
            union += store.graph(name)
    seconds, inferred = timed(lambda: infer(union, store.graph(IRIS.ontology_graph)), repeats)
    return {"reason_s": seconds, "inferred": len(inferred),
            "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def child_pyshacl(path: Path, new: Path, repeats: int) -> dict:
    from rdflib import Graph

    from powkg.validation import merge, validate

    store, ontology = load_store(path)
    article_shapes, graph_shapes = shapes()
    onto = store.graph(IRIS.ontology_graph)
    names = [n for n in store.graph_names() if IRIS.is_article_graph(n)]

    def run():  # noqa: ANN202  (pipeline.validate_store, on the triples as the store holds them)
        reports = []
        union = Graph()
        union += onto
        for name in names:
            graph = store.graph(name)
            reports.append(validate(onto + graph, article_shapes, iris=IRIS))
            union += graph
        reports.append(validate(union, graph_shapes, iris=IRIS))
        return merge(reports)

    out: dict = {}
    name, graph = new_graphs(new)[0]
    start = time.perf_counter()
    validate(onto + graph, article_shapes, iris=IRIS)
    out["check_s"] = time.perf_counter() - start
    out["validate_s"], report = timed(run, repeats)
    out["results"] = len(report.results)
    out["report"] = sorted(json.dumps(_key(r)) for r in report.results)
    out["peak_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return out


def _key(result) -> list:  # noqa: ANN001
    """A result without blank node identifiers (they differ between stores)."""
    def plain(text: str | None) -> str | None:
        return None if text is None else ("_:b" if len(text) == 32 and text.isalnum() and "/" not in text else text)
    return [result.severity, plain(result.focus_node), result.constraint, result.path, plain(result.value),
            result.message, list(result.articles)]


# -- the parent ----------------------------------------------------------------------------------------

def run_child(kind: str, path: Path, new: Path, repeats: int, timeout: float | None) -> dict | None:
    command = [sys.executable, __file__, "--child", kind, "--data", str(path), "--new", str(new),
               "--repeats", str(repeats), "--ingests", str(INGESTS)]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        return None
    if done.returncode != 0:
        raise RuntimeError(f"{kind} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def fmt(seconds: float | None, timeout: float) -> str:
    return f"> {timeout:.0f} s" if seconds is None else f"{seconds:.3f} s" if seconds < 10 else f"{seconds:.1f} s"


def ratio(slow: float | None, fast: float, timeout: float) -> str:
    return f"> {timeout / fast:.0f}x" if slow is None else f"{slow / fast:.0f}x"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="10k,100k", help="synthetic graph sizes, e.g. 10k,100k,1m ('' for none)")
    parser.add_argument("--corpus", default="", help="replica counts of the development corpus, e.g. 1,10,100")
    parser.add_argument("--repeats", type=int, default=3, help="runs per measurement (median)")
    parser.add_argument("--ingests", type=int, default=5, help="new articles ingested one by one (median)")
    parser.add_argument("--baseline-timeout", type=float, default=120.0, help="seconds before a baseline is stopped")
    parser.add_argument("--no-baselines", action="store_true", help="skip pyshacl and owlrl")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--data", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--new", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    global INGESTS
    INGESTS = args.ingests
    if args.child:
        handler = {"fast": lambda: child_fast(args.data, args.new, args.repeats),
                   "owlrl": lambda: child_owlrl(args.data, args.repeats),
                   "pyshacl": lambda: child_pyshacl(args.data, args.new, args.repeats)}[args.child]
        print(json.dumps(handler()))
        return 0
    datasets = [synthetic_dataset(parse_size(s)) for s in args.sizes.split(",") if s.strip()]
    datasets += [corpus_dataset(int(c)) for c in args.corpus.split(",") if c.strip()]
    rows = []
    for path, new, label in datasets:
        fast = run_child("fast", path, new, args.repeats, None)
        assert fast is not None
        owl = shacl = None
        if not args.no_baselines:
            owl = run_child("owlrl", path, new, 1, args.baseline_timeout)
            shacl = run_child("pyshacl", path, new, 1, args.baseline_timeout)
        rows.append(report(label, fast, owl, shacl, args.baseline_timeout, args.no_baselines))
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2))
    return 0


def report(label: str, fast: dict, owl: dict | None, shacl: dict | None, timeout: float, skipped: bool) -> dict:
    t = timeout
    ingest = fast["ingest"]
    print(f"\n## {label}: {fast['triples']:,} triples, {fast['articles']} article graphs")
    print(f"fast: reasoning {fmt(fast['reason_s'], t)} ({fast['inferred']:,} inferred), "
          f"validation {fmt(fast['validate_s'], t)} ({fast['results']} results), "
          f"one-article ingest {fmt(ingest['total'], t)} (check {ingest['check']:.3f}, store {ingest['store']:.3f}, "
          f"reason {ingest['reason']:.3f}, validate {ingest['validate']:.3f}), peak {fast['peak_mib']:.0f} MiB")
    row = {"label": label, "fast": {k: v for k, v in fast.items() if k != "report"}}
    if skipped:
        return row
    owl_s = owl["reason_s"] if owl else None
    shacl_s = shacl["validate_s"] if shacl else None
    same = None if shacl is None else shacl["report"] == fast["report"]
    same_inferred = None if owl is None else owl["inferred"] == fast["inferred"]
    print(f"owlrl: reasoning {fmt(owl_s, t)} ({ratio(owl_s, fast['reason_s'], t)} the fast path)"
          + (f", {owl['inferred']:,} inferred (same count: {same_inferred}), peak {owl['peak_mib']:.0f} MiB"
             if owl else ""))
    print(f"pyshacl: validation {fmt(shacl_s, t)} ({ratio(shacl_s, fast['validate_s'], t)} the fast path)"
          + (f", {shacl['results']} results (same report: {same}), check of one article {shacl['check_s']:.3f} s, "
             f"peak {shacl['peak_mib']:.0f} MiB" if shacl else ""))
    baseline_ingest = None if (owl is None or shacl is None) else shacl["check_s"] + owl["reason_s"]
    print(f"baseline ingest (pyshacl check + owlrl full reasoning, before any whole-graph validation): "
          f"{fmt(baseline_ingest, t)}")
    row.update(owlrl={k: v for k, v in (owl or {}).items()}, pyshacl={k: v for k, v in (shacl or {}).items()
                                                                      if k != "report"},
               same_report=same, same_inferred_count=same_inferred)
    return row


if __name__ == "__main__":
    raise SystemExit(main())
