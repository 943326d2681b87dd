"""A progress bar for management commands that report ``progress(done, total)``."""

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from tqdm import tqdm


@contextmanager
def progress_bar(command, *, unit: str) -> Iterator[Callable[[int, int | None], None]]:
    """A ``progress(done, total)`` callback drawing a bar on the command's standard
    error. The bar is made at the first call, once the total is known (None: unknown),
    stays silent when not on a terminal, and is closed when the block ends."""
    stream = getattr(command.stderr, "_out", sys.stderr)
    bars: list[tqdm] = []

    def progress(done: int, total: int | None) -> None:
        if not bars:
            bars.append(tqdm(total=total, unit=unit, file=stream, disable=None))
        bars[0].update(done - bars[0].n)

    try:
        yield progress
    finally:
        for bar in bars:
            bar.close()
