"""Where extraction runs: this process, a pool of local processes, or a Dask cluster.

Extraction is a pure map from a paper to its `PaperPart`, so every engine is the same loop:
cut the stream of papers into chunks, keep a bounded number of chunks in flight, and hand the
parts back in input order. Memory stays bounded whatever the corpus size.
"""

from __future__ import annotations

import itertools
import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from typing import Any

from kg.config import DataPaths
from kg.errors import KgError
from kg.extract import Extractor
from kg.graph.parts import PaperPart, paper_part
from kg.schema import Paper
from kg.sources import RawLine, Skipped

ENGINES = ("local", "dask")
CHUNK = 200  # papers per task: large enough to hide the cost of shipping a task
# The default (`workers=None`) extracts an input of up to this many papers in this process:
# starting workers, each loading the vocabulary and the model, costs more than they would save.
SMALL_INPUT = 2 * CHUNK
# ... and a larger one with one worker per core, at most this many: the main process reads the
# records and merges what the workers send back at about 2,300 papers/s, which about eight
# workers, each extracting some 300 papers/s, already keep busy (README, Performance).
MAX_DEFAULT_WORKERS = 8


Item = Paper | Skipped | RawLine  # what readers give: a paper, a bad record, or a line to parse


# The extractor of this process, made by its first task: a worker loads the data files once.
_worker_extractor: tuple[DataPaths, Extractor] | None = None


def worker_extractor(paths: DataPaths) -> Extractor:
    global _worker_extractor
    if _worker_extractor is None or _worker_extractor[0] != paths:
        _worker_extractor = (paths, Extractor.load(paths))
    return _worker_extractor[1]


def extract_chunk(items: list[Item], paths: DataPaths) -> list[PaperPart | Skipped]:
    """The task every engine runs: parse and extract a chunk of papers in one worker."""
    extractor = worker_extractor(paths)
    return [_extract(item, extractor) for item in items]


def _extract(item: Item, extractor: Extractor) -> PaperPart | Skipped:
    if isinstance(item, RawLine):
        item = item.parse()
    if isinstance(item, Skipped):
        return item
    return paper_part(extractor.extract(item))


def default_workers() -> int:
    """One worker per core this process may run on, at most `MAX_DEFAULT_WORKERS`; none beside
    this process inside a daemonic one (a worker of a `multiprocessing` pool), which may not start
    processes of its own."""
    if multiprocessing.current_process().daemon:
        return 1
    try:
        cores = len(os.sched_getaffinity(0))  # the cores `taskset` or a cpuset leaves this process
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    return max(1, min(cores, MAX_DEFAULT_WORKERS))


def plan_workers(papers: Iterable[Item], workers: int | None, engine: str) -> tuple[Iterator[Item], int]:
    """How many workers extract `papers` (`None`: this process alone for a small local input, else
    `default_workers()`), and the same stream of papers: the plan reads ahead to count them."""
    if workers is not None:
        return iter(papers), workers
    if engine != "local":
        return iter(papers), default_workers()
    iterator = iter(papers)
    head = list(itertools.islice(iterator, SMALL_INPUT + 1))
    return itertools.chain(head, iterator), 1 if len(head) <= SMALL_INPUT else default_workers()


def extract_parts(
    papers: Iterable[Item],
    paths: DataPaths,
    workers: int | None = None,
    engine: str = "local",
    scheduler: str | None = None,
) -> Iterator[PaperPart | Skipped]:
    """Each paper's part (or the reason its record was skipped), in input order, extracted by
    `workers` processes (`None`: see `plan_workers`)."""
    if engine not in ENGINES:
        raise KgError(f"unknown engine {engine!r} (known: {', '.join(ENGINES)})")
    papers, workers = plan_workers(papers, workers, engine)
    if engine == "dask":
        yield from _dask(papers, paths, workers, scheduler)
    elif workers <= 1:
        extractor = Extractor.load(paths)
        for item in papers:
            yield _extract(item, extractor)
    else:
        with ProcessPoolExecutor(workers) as pool:
            submit = lambda chunk: pool.submit(extract_chunk, chunk, paths)  # noqa: E731
            yield from _in_order(submit, papers, 2 * workers + 2)


def _in_order(
    submit: Callable[[list[Item]], Any], papers: Iterable[Item], window: int
) -> Iterator[PaperPart | Skipped]:
    """Submit chunks with at most `window` in flight; yield their results in order."""
    pending: deque = deque()
    iterator = iter(papers)
    while chunk := list(itertools.islice(iterator, CHUNK)):
        pending.append(submit(chunk))
        if len(pending) >= window:
            yield from pending.popleft().result()
    while pending:
        yield from pending.popleft().result()


def _dask(
    papers: Iterable[Item], paths: DataPaths, workers: int, scheduler: str | None
) -> Iterator[PaperPart | Skipped]:
    try:
        from dask.distributed import Client, LocalCluster
    except ImportError:
        raise KgError("the dask engine needs the dask extra: pip install 'mlkg[dask]'") from None
    cluster = None
    try:
        if scheduler:
            client = Client(scheduler, timeout="30s")
        else:
            cluster = LocalCluster(
                n_workers=max(workers, 1), threads_per_worker=1, processes=True, dashboard_address=None
            )
            client = Client(cluster)
    except OSError as e:
        raise KgError(f"cannot reach the Dask scheduler at {scheduler}: {e}") from None
    try:
        n = max(len(client.scheduler_info().get("workers", {})), 1)
        yield from _in_order(
            lambda chunk: client.submit(extract_chunk, chunk, paths, pure=False), papers, 2 * n + 2
        )
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
