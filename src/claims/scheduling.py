"""Handing a stream of pages to tagging tasks in chunks, without piling pages up.

The flow fetches pages as a stream and tags them in chunks on its task runner. Chunks are
sent as pages arrive, at most ``CHUNKS_PER_SLOT`` per slot that can run one at a time, and
the next goes out as soon as any chunk is done (not the oldest: a worker whose chunks were
small would otherwise wait for another's big one). While enough chunks are in flight the
page stream is not read, so fetching pauses too.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Iterator
from itertools import islice
from queue import SimpleQueue
from typing import Protocol, TypeVar

#: Most articles per task, by runner. A Dask task costs a few hundred milliseconds of
#: Prefect and Dask bookkeeping (a client, API calls, serialised settings), so Dask chunks
#: are large; threads in one process pay little per task but contend for the GIL, and
#: smaller chunks measured faster there (the README's performance section has the figures).
CHUNK_SIZE = {"local": 20, "dask": 200}
#: Chunks shrink towards the end of a run, each at most 1/(GUIDED_SHARE x slots) of what
#: is left ("guided" scheduling), so the workers finish together instead of one tagging
#: a last big chunk alone; never below MIN_CHUNK articles.
GUIDED_SHARE = 2
MIN_CHUNK = 10
#: Chunks handed to the runner per slot that can run one: enough that a slot never waits
#: for the next chunk, few enough that fetched pages do not pile up in memory.
CHUNKS_PER_SLOT = 2

Page = TypeVar("Page")
Result = TypeVar("Result")


class Pending(Protocol):
    """What a task runner returns for a submitted chunk (a Prefect or concurrent future)."""

    def add_done_callback(self, fn: Callable) -> None: ...


def chunks(pages: Iterable[Page], total: int, most: int, slots: int) -> Iterator[list[Page]]:
    """Consecutive chunks of at most ``most`` of ``total`` pages, shrinking as the run
    nears its end (see ``GUIDED_SHARE``)."""
    iterator, done = iter(pages), 0
    while True:
        size = max(min(MIN_CHUNK, most), min(most, math.ceil((total - done) / (GUIDED_SHARE * slots))))
        chunk = list(islice(iterator, size))
        if not chunk:
            return
        yield chunk
        done += len(chunk)


def run_in_chunks(
    pages: Iterable[Page],
    total: int,
    most: int,
    slots: Callable[[], int],
    submit: Callable[[int, int, list[Page]], Pending],
    collect: Callable[[Pending, int, list[Page]], Result],
    remember: Callable[[list[Page]], list[Page]] = lambda chunk: chunk,
    stop: Callable[[list[Pending]], None] = lambda pending: None,
) -> list[Result]:
    """Submit ``chunks`` of ``pages`` as (index, first page's position, chunk) and collect
    each as it finishes; returns what ``collect`` made of each, in finishing order.

    ``slots`` is asked again before each chunk (a cluster may grow or shrink). ``remember``
    keeps what ``collect`` needs of a chunk once it is sent (say, the pages without their
    text), so sent pages are not held here. If anything raises (the run is cancelled),
    ``stop`` gets the chunks still in flight before the exception goes on.
    """
    in_flight: dict[Pending, tuple[int, list[Page]]] = {}
    finished: SimpleQueue[Pending] = SimpleQueue()  # holds a future only until collected
    results: list[Result] = []

    def collect_next() -> None:
        done = finished.get()
        results.append(collect(done, *in_flight.pop(done)))

    first = 0
    try:
        for index, chunk in enumerate(chunks(pages, total, most, slots())):
            while len(in_flight) >= CHUNKS_PER_SLOT * slots():
                collect_next()
            future = submit(index, first, chunk)
            future.add_done_callback(finished.put)
            in_flight[future] = (index, remember(chunk))
            first += len(chunk)
        while in_flight:
            collect_next()
    except BaseException:
        stop(list(in_flight))
        raise
    return results
