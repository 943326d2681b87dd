"""gunicorn settings for the directory benchmark's API runs (``--config python:…``)."""

import os


def post_worker_init(worker):
    # By default every timed search pays its text match, as one nobody made before would:
    # the worker remembers none (bench/directory_search.py --warm-text lets it).
    if os.environ.get("BENCH_FORGET_TEXT") == "true":
        from commons.directory import facet_index

        facet_index.TEXT_CACHE_SIZE = 0
