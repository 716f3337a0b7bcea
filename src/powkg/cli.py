"""The ``powkg`` command: parse, call one core function, print, exit.

Exit codes: 0 ran and found nothing wrong; 1 ran and found violations (or inputs it could not keep);
2 could not run (a bad setting, a malformed query, a store that cannot be opened).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from contextlib import contextmanager
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any, TextIO

import yaml

from . import __version__
from .errors import ConfigError, PowkgError
from .evaluation import evaluate, format_table
from .facts import FactsReader
from .formats import RDF_FORMATS, RESULT_FORMATS, rdf_format, result_format
from .model import IngestOutcome, Report
from .pipeline import Project, build, extend, ingest, reason, validate_store
from .queries import load_queries, resolve
from .settings import SECRET_SETTINGS, SETTINGS, Settings, load_settings
from .store import QueryResult, Store, open_store

EXIT_OK, EXIT_FOUND, EXIT_ERROR = 0, 1, 2


def main(argv: Sequence[str] | None = None) -> int:
    parser = make_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "command", None):
        parser.print_help()
        return EXIT_ERROR
    try:
        settings = load_settings({s.name: getattr(args, s.name, None) for s in SETTINGS})
        return int(args.run(args, settings))
    except PowkgError as exc:
        print(f"powkg: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("powkg: interrupted", file=sys.stderr)
        return EXIT_ERROR


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="powkg", description="A knowledge graph of the prisoner-of-war exchanges between Ukraine and Russia.")
    parser.add_argument("--version", action="version", version=f"powkg {__version__}")
    for setting in SETTINGS:
        if setting.name not in SECRET_SETTINGS:
            parser.add_argument(setting.flag, dest=setting.name, metavar=setting.name.upper(),
                                help=f"{setting.help} (env {setting.env})")
    commands = parser.add_subparsers(title="commands", metavar="COMMAND")

    def command(name: str, run: Any, help_text: str) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=help_text, description=help_text)
        sub.set_defaults(run=run, command=name)
        return sub

    sub = command("build", cmd_build, "Ingest articles (files or folders), reason, and validate the whole graph")
    sub.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    sub.add_argument("--report", type=Path, help="also write the SHACL report (Turtle) to this file")
    add_metadata_flags(sub)
    sub = command("ingest", cmd_ingest, "Add articles to the graph: check and store each (its graph replaced whole), "
                  "reason over what they add, validate what they touch")
    sub.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    add_metadata_flags(sub)
    command("reason", cmd_reason, "Recompute the inferred graph (OWL 2 RL) from the ontology and the facts")
    sub = command("validate", cmd_validate, "Validate the whole graph with the SHACL shapes; exit 1 on violations")
    sub.add_argument("-o", "--output", type=Path, default=Path("validation-report.ttl"),
                     help="where to write the SHACL report as Turtle ('-' for standard output)")
    sub = command("query", cmd_query, "Run a curated query by name, or a .rq file")
    sub.add_argument("query", nargs="?", help="a curated query's name or a .rq file (omit to list them)")
    sub.add_argument("-p", "--param", action="append", default=[], metavar="NAME=VALUE")
    sub.add_argument("-f", "--format", default="table",
                     help="table (for people), " + ", ".join(f.name for f in RESULT_FORMATS + RDF_FORMATS))
    sub = command("export", cmd_export, "Write the graph as Turtle, N-Triples, TriG or JSON-LD")
    sub.add_argument("-f", "--format", default="turtle", help=", ".join(f.name for f in RDF_FORMATS))
    sub.add_argument("-o", "--output", type=Path, help="file to write (default: standard output)")
    sub.add_argument("--ontology", action="store_true", help="include the ontology and vocabulary")
    sub.add_argument("--inferred", action="store_true", help="include the inferred triples")
    sub = command("facts", cmd_facts, "Print the graph's exchanges as JSON (the schema of the gold files)")
    sub.add_argument("--by-article", action="store_true", help="one entry per article, from its own graph")
    sub.add_argument("-o", "--output", type=Path, help="file to write (default: standard output)")
    sub = command("eval", cmd_eval, "Build a graph from articles in memory and measure its facts against a gold file")
    sub.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    sub.add_argument("--gold", type=Path, required=True, help="gold YAML in the schema of data/sample-gold.yaml")
    sub.add_argument("--json", action="store_true", help="print the scores as JSON")
    sub.add_argument("--fail-under", type=float, metavar="F1",
                     help="exit 1 when any field's F1 is below this")
    sub = command("serve", cmd_serve, "Serve the graph over HTTP (SPARQL endpoint, linked data, curated queries, "
                                      "exports, validation); builds it from the bundled articles if the store has none")
    # The same settings as the global --host/--port, accepted after the command too; SUPPRESS keeps an
    # absent flag from overwriting a global one.
    sub.add_argument("--host", dest="host", default=argparse.SUPPRESS, metavar="HOST",
                     help="address to listen on (env POWKG_HOST, default 127.0.0.1)")
    sub.add_argument("--port", dest="port", default=argparse.SUPPRESS, metavar="PORT",
                     help="port to listen on (env POWKG_PORT, default 8000)")
    return parser


METADATA_FLAGS = {
    "language": "the articles' language (en, uk, ru); detected when not given",
    "published": "publication date, YYYY-MM-DD",
    "publisher": "the outlet",
    "author": "the author",
    "url": "where the article was published",
    "title": "the headline",
}


def add_metadata_flags(sub: argparse.ArgumentParser) -> None:
    group = sub.add_argument_group("metadata (wins over what is read from the articles)")
    for name, help_text in METADATA_FLAGS.items():
        group.add_argument(f"--{name}", help=help_text)


def metadata(args: argparse.Namespace) -> dict[str, Any]:
    values: dict[str, Any] = {name: getattr(args, name) for name in METADATA_FLAGS if getattr(args, name)}
    if "published" in values:
        try:
            values["published"] = date.fromisoformat(values["published"])
        except ValueError:
            raise ConfigError(f"--published {values['published']!r}: expected YYYY-MM-DD") from None
    return values


@contextmanager
def opened(settings: Settings):  # type: ignore[no-untyped-def]
    store = open_store(settings.store, settings=settings)   # a remote store takes its credentials and timeout
    try:
        yield store
    finally:
        store.close()


# -- commands -----------------------------------------------------------------------------------
def cmd_build(args: argparse.Namespace, settings: Settings) -> int:
    project = Project.load(settings)
    with opened(settings) as store:
        result = build(args.paths, store, project, progress=print_outcome, workers=settings.workers,
                       overrides=metadata(args), with_turtle=args.report is not None)
        print_ingest_summary(result.outcomes, store)
        print(f"reasoning: {result.inferred} inferred triples")
        print_report(result.report)
        print("time: " + ", ".join(f"{stage} {seconds:.1f} s" for stage, seconds in result.seconds))
        if args.report:
            args.report.write_text(result.report.turtle, encoding="utf-8")
            print(f"SHACL report written to {args.report}")
        print(f"store: {settings.store}")
    kept = all(o.status in ("stored", "unchanged") for o in result.outcomes)
    return EXIT_OK if result.report.conforms and kept else EXIT_FOUND


def cmd_ingest(args: argparse.Namespace, settings: Settings) -> int:
    project = Project.load(settings)
    with opened(settings) as store:
        result = extend(args.paths, store, project, progress=print_outcome, workers=settings.workers,
                        overrides=metadata(args))
        print_ingest_summary(result.outcomes, store)
        print(f"reasoning: {result.inferred} triples inferred anew")
        print_report(result.report, scope="what the stored articles touch")
    kept = all(o.status in ("stored", "unchanged") for o in result.outcomes)
    return EXIT_OK if result.report.conforms and kept else EXIT_FOUND


def cmd_reason(args: argparse.Namespace, settings: Settings) -> int:
    project = Project.load(settings)
    with opened(settings) as store:
        print(f"reasoning: {reason(store, project)} inferred triples")
    return EXIT_OK


def cmd_validate(args: argparse.Namespace, settings: Settings) -> int:
    project = Project.load(settings)
    with opened(settings) as store:
        report = validate_store(store, project)
    if str(args.output) == "-":
        sys.stdout.write(report.turtle)
        print_report(report, out=sys.stderr)
    else:
        args.output.write_text(report.turtle, encoding="utf-8")
        print_report(report)
        print(f"SHACL report written to {args.output}")
    return EXIT_OK if report.conforms else EXIT_FOUND


def cmd_query(args: argparse.Namespace, settings: Settings) -> int:
    if not args.query:
        for name, curated in load_queries(settings.queries_dir).items():
            params = " ".join(f"{p.name}={p.type}{'' if p.required else '?'}" for p in curated.parameters)
            print(f"{name:28} {curated.title}" + (f"  [{params}]" if params else ""))
        return EXIT_OK
    curated = resolve(args.query, settings.queries_dir)
    values = dict(_pair(p) for p in args.param)
    sparql = curated.bind(values)
    with opened(settings) as store:
        if args.format == "table":
            print_table(store.query(sparql))
        else:
            fmt = _answer_format(args.format)
            _, body = store.query_to(sparql, fmt)
            sys.stdout.buffer.write(body)
    return EXIT_OK


def cmd_export(args: argparse.Namespace, settings: Settings) -> int:
    project = Project.load(settings)
    fmt = rdf_format(args.format)
    with opened(settings) as store:
        graphs = [g for g in store.graph_names() if project.iris.is_article_graph(g)]
        if args.ontology:
            graphs.insert(0, project.iris.ontology_graph)
        if args.inferred:
            graphs.append(project.iris.inferred_graph)
        if args.output:
            with args.output.open("wb") as out:
                store.export(out, fmt, graphs)
            print(f"{len(graphs)} graphs written to {args.output} as {fmt.name}", file=sys.stderr)
        else:
            store.export(sys.stdout.buffer, fmt, graphs)
    return EXIT_OK


def cmd_facts(args: argparse.Namespace, settings: Settings) -> int:
    iris = Project.load(settings).iris
    with opened(settings) as store:
        reader = FactsReader(store, iris)
        data = reader.article_facts() if args.by_article else reader.exchange_facts()
    text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    if args.output:
        args.output.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return EXIT_OK


def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    from .api import serve

    project = Project.load(settings)
    with opened(settings) as store:
        if not any(project.iris.is_article_graph(g) for g in store.graph_names()):
            sample = settings.home_path / "data" / "sample"
            print(f"the store holds no article yet: building the graph from {sample}", file=sys.stderr)
            result = build([sample], store, project, progress=print_outcome)
            print_ingest_summary(result.outcomes, store)
        serve(settings, store, project=project)
    return EXIT_OK


def cmd_eval(args: argparse.Namespace, settings: Settings) -> int:
    # Always a fresh in-memory store: measuring must neither read nor change the user's graph.
    settings = replace(settings, store="memory:")
    project = Project.load(settings)
    gold = yaml.safe_load(args.gold.read_text(encoding="utf-8"))
    with opened(settings) as store:
        outcomes = ingest(args.paths, store, project)
        predicted = FactsReader(store, project.iris).article_facts()
    result = evaluate(predicted, gold)
    result.errors.extend(f"{o.source}: {o.status}: {o.reason}" for o in outcomes
                         if o.status not in ("stored", "unchanged"))
    print(json.dumps(result.as_json(), indent=2) if args.json else format_table(result))
    if args.fail_under is not None:
        low = [name for name, score in result.fields.items()
               if score.f1 is not None and score.f1 < args.fail_under]
        if low or result.errors:
            print(f"below {args.fail_under}: {', '.join(low) or 'none'}; errors: {len(result.errors)}",
                  file=sys.stderr)
            return EXIT_FOUND
    return EXIT_OK


# -- printing -----------------------------------------------------------------------------------
def _pair(text: str) -> tuple[str, str]:
    name, sep, value = text.partition("=")
    if not sep:
        raise PowkgError(f"--param {text!r}: expected NAME=VALUE")
    return name, value


def _answer_format(name: str):  # type: ignore[no-untyped-def]
    try:
        return result_format(name)
    except PowkgError:
        return rdf_format(name)


def print_outcome(outcome: IngestOutcome) -> None:
    line = f"{outcome.status:12} {outcome.source}"
    if outcome.status in ("stored", "quarantined"):
        line += f"  ({outcome.exchanges} exchanges, {outcome.triples} triples)"
    if outcome.reason:
        line += f"  -- {outcome.reason}"
    print(line, file=sys.stderr)


def print_ingest_summary(outcomes: Sequence[IngestOutcome], store: Store) -> None:
    by_status: dict[str, int] = {}
    for outcome in outcomes:
        by_status[outcome.status] = by_status.get(outcome.status, 0) + 1
    counts = ", ".join(f"{n} {status}" for status, n in sorted(by_status.items())) or "nothing"
    exchanges = sum(o.exchanges for o in outcomes if o.status == "stored")
    print(f"articles: {len(outcomes)} read: {counts}; {exchanges} exchange reports stored")


def print_report(report: Report, out: TextIO | None = None, *, scope: str = "") -> None:
    out = out or sys.stdout
    verdict = "conforms" if report.conforms else "does NOT conform"
    print(f"validation{f' of {scope}' if scope else ''}: {verdict}: {report.count('Violation')} violations, "
          f"{report.count('Warning')} warnings, {report.count('Info')} notes", file=out)
    for r in report.results:
        sources = f"  [{', '.join(r.articles)}]" if r.articles else ""
        print(f"  {r.severity:9} {r.focus_node}\n            {r.message}{sources}", file=out)


def print_table(result: QueryResult) -> None:
    if result.kind == "ask":
        print("yes" if result.boolean else "no")
        return
    if result.kind == "graph":
        assert result.graph is not None
        sys.stdout.write(result.graph.serialize(format="turtle"))
        return
    columns = list(result.variables)
    rows = [[_cell(row.get(c)) for c in columns] for row in result.rows]
    widths = [min(60, max([len(c)] + [len(r[i]) for r in rows])) for i, c in enumerate(columns)]
    print("  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True)))
    print("  ".join("-" * w for w in widths))
    for row in rows:
        print("  ".join(v[:w].ljust(w) for v, w in zip(row, widths, strict=True)))
    print(f"({len(rows)} rows)")


def _cell(value: Any) -> str:
    if value is None:
        return ""
    text = str(value)
    for prefix, namespace in (("id:", "https://w3id.org/powkg/id/"), ("pow:", "https://w3id.org/powkg/ontology#")):
        if text.startswith(namespace):
            return prefix + text[len(namespace):]
    return text


if __name__ == "__main__":
    raise SystemExit(main())
