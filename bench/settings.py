"""Settings for the benchmark: the project's own, with a URLconf that adds a minimal view."""

from commons.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
