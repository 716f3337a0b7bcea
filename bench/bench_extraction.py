"""Read + extract + map over the development corpus replicated to 10,000 articles; and the build.

    python bench/bench_extraction.py                      # 10,000 articles: one process, then two
    python bench/bench_extraction.py --articles 20000 --workers 4
    python bench/bench_extraction.py --build 10000        # also build them into an on-disk store
    python bench/bench_extraction.py --build 300          # ... or a part of them, and extrapolate
    python bench/bench_extraction.py --build 10000 --build-only

The corpus is the bundled sample (data/sample, 31 articles in three languages), copied until there are
``--articles`` files. Each copy ends with a sentence of its own ('Archived by the benchmark as copy
qbxa.', letters only, so no number, date or name changes its facts): every copy is a new article with
a digest of its own, as 10,000 real articles would be.

1. One process: every file is read (``read_article``), its facts extracted (``extract_facts``) and
   mapped to the triples of its named graph (``to_triples``, as the pipeline does). Articles per second
   of wall time, the CPU milliseconds each stage takes per article, and the peak resident memory.
2. ``--workers`` processes (fork), each taking files in chunks: articles per second of wall time,
   from the first file to the last graph, and the peak resident memory of a worker.
3. With ``--build N``: ``powkg.pipeline.build`` of N of the files into an embedded on-disk store
   (Oxigraph) with ``--workers`` processes for the pure stages: read, extract, map, then the
   per-article SHACL check, store, reasoning and whole-graph validation, as ``powkg build`` runs
   them. With N below ``--articles``, the time for all of them is extrapolated from the rate.

Numbers depend on the machine and on what else runs on it: the report prints the load average and
the CPU count. The first use of each language loads its analyzer and inflects the gazetteer (about a
second for Ukrainian and Russian); that warm-up is timed apart and not counted in the rates.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import resource
import shutil
import string
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from powkg.extraction import extract_facts  # noqa: E402
from powkg.mapping import to_triples  # noqa: E402
from powkg.pipeline import Project, build  # noqa: E402
from powkg.reading import read_article  # noqa: E402
from powkg.settings import load_settings  # noqa: E402
from powkg.store import open_store  # noqa: E402

_PROJECT: Project | None = None


def copy_name(index: int) -> str:
    """'qbxa': a word of letters for copy ``index`` (digits would be read as a count)."""
    letters, word = string.ascii_lowercase, ""
    index += 26 ** 3
    while index:
        index, rest = divmod(index, 26)
        word = letters[rest] + word
    return word


def replicate(sample: Path, folder: Path, count: int) -> list[Path]:
    sources = sorted(p for p in sample.iterdir() if p.suffix == ".txt")
    texts = [(p.stem, p.read_text(encoding="utf-8").rstrip("\n")) for p in sources]
    paths = []
    for index in range(count):
        stem, text = texts[index % len(texts)]
        path = folder / f"{index:06d}-{stem}.txt"
        path.write_text(f"{text}\n\nArchived by the benchmark as copy {copy_name(index)}.\n", encoding="utf-8")
        paths.append(path)
    return paths


def process(path: Path, project: Project) -> tuple[float, float, float]:
    """CPU seconds of read, extract and map for one article."""
    start = time.process_time()
    article = read_article(path)
    read = time.process_time()
    facts = extract_facts(article, project.gazetteer)
    extracted = time.process_time()
    to_triples(facts, article, gazetteer=project.gazetteer, iris=project.iris)
    return read - start, extracted - read, time.process_time() - extracted


def warm_up(project: Project, sample: Path) -> float:
    """Analyzers and inflected gazetteers of the three languages, loaded once."""
    start = time.perf_counter()
    for path in sorted(sample.glob("*.txt")):
        process(path, project)
    return time.perf_counter() - start


def _worker_start(sample: str) -> None:
    assert _PROJECT is not None
    warm_up(_PROJECT, Path(sample))


def _worker_chunk(paths: list[Path]) -> int:
    assert _PROJECT is not None
    for path in paths:
        process(path, _PROJECT)
    return len(paths)


def peak_mb(who: int) -> float:
    return resource.getrusage(who).ru_maxrss / 1024   # kilobytes on Linux


def single(paths: list[Path], project: Project) -> None:
    started = time.perf_counter()
    cpu = [0.0, 0.0, 0.0]
    for path in paths:
        for stage, seconds in enumerate(process(path, project)):
            cpu[stage] += seconds
    wall = time.perf_counter() - started
    n = len(paths)
    print(f"one process     {n / wall:8.0f} articles/s   ({n} articles in {wall:.1f} s wall)")
    print(f"                CPU per article: read {cpu[0] / n * 1000:.2f} ms, extract {cpu[1] / n * 1000:.2f} ms, "
          f"map {cpu[2] / n * 1000:.2f} ms: {n / sum(cpu):.0f} articles/s of one core's CPU time")
    print(f"                peak memory {peak_mb(resource.RUSAGE_SELF):.0f} MB (resident, this process)")


def parallel(paths: list[Path], project: Project, workers: int, sample: Path) -> None:
    global _PROJECT
    if "fork" not in mp.get_all_start_methods():
        print("parallel        skipped: this platform cannot fork")
        return
    _PROJECT = project
    chunk = 50
    jobs = [paths[i:i + chunk] for i in range(0, len(paths), chunk)]
    context = mp.get_context("fork")
    with context.Pool(workers, initializer=_worker_start, initargs=(str(sample),)) as pool:
        pool.map(_worker_chunk, [[]] * workers)   # every worker warmed up before the clock starts
        started = time.perf_counter()
        done = sum(pool.imap_unordered(_worker_chunk, jobs))
        wall = time.perf_counter() - started
    print(f"{workers} processes     {done / wall:8.0f} articles/s   ({done} articles in {wall:.1f} s wall)")
    print(f"                peak memory of a worker {peak_mb(resource.RUSAGE_CHILDREN):.0f} MB (resident)")


def build_store(paths: list[Path], project: Project, count: int, workers: int, total: int) -> None:
    with tempfile.TemporaryDirectory(prefix="powkg-bench-build-") as work:
        folder = Path(work) / "articles"
        folder.mkdir()
        for path in paths[:count]:
            os.link(path, folder / path.name)
        store = open_store(f"oxigraph:{Path(work) / 'store'}")
        started = time.perf_counter()
        result = build([folder], store, project, workers=workers)
        wall = time.perf_counter() - started
        store.close()
    kept = sum(1 for o in result.outcomes if o.status in ("stored", "unchanged"))
    print(f"build           {count / wall:8.1f} articles/s   ({count} articles in {wall:.1f} s wall, {kept} stored, "
          f"{count - kept} quarantined or refused; {result.inferred} inferred triples)")
    print("                " + ", ".join(f"{stage} {seconds:.1f} s" for stage, seconds in result.seconds)
          + f"; {len(result.report.results)} validation results")
    if count < total:
        print(f"                all {total} articles at this rate: about {total / count * wall / 60:.0f} min")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=10_000, help="articles in the replicated corpus")
    parser.add_argument("--workers", type=int, default=2, help="processes for the parallel run and the build")
    parser.add_argument("--build", type=int, default=0, metavar="N",
                        help="also build N of the articles into an on-disk store (0: skip the build)")
    parser.add_argument("--build-only", action="store_true", help="skip the read + extract + map runs")
    parser.add_argument("--sample", type=Path, default=REPO / "data" / "sample")
    parser.add_argument("--work", type=Path, help="folder for the replicated corpus (default: a temporary one)")
    args = parser.parse_args(argv)

    print(f"{os.cpu_count()} CPUs, load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}, "
          f"Python {sys.version.split()[0]}")
    project = Project.load(load_settings({"store": "memory:"}))
    work = Path(tempfile.mkdtemp(prefix="powkg-bench-")) if args.work is None else args.work
    work.mkdir(parents=True, exist_ok=True)
    try:
        paths = replicate(args.sample, work, args.articles)
        print(f"corpus          {len(paths)} articles in {work} ({sum(p.stat().st_size for p in paths) >> 20} MB)")
        print(f"warm-up         {warm_up(project, args.sample):.2f} s (analyzers, inflected gazetteers)")
        if not args.build_only:
            single(paths, project)
            if args.workers > 1:
                parallel(paths, project, args.workers, args.sample)
        if args.build:
            build_store(paths, project, min(args.build, len(paths)), args.workers, len(paths))
    finally:
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
