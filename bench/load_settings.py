"""Settings for bench/load.py: the benchmark's settings (the project's, plus the minimal
view), with allauth's sign-in limit raised out of reach.

Every simulated visitor comes from 127.0.0.1, and allauth allows 30 sign-ins a minute
from one address ("login": "30/m/ip" by default): past that the load test would measure
429 answers. Failed sign-ins keep their limits (``LOGIN_FAILED_RATE_LIMIT``): the bench
signs in with the right password only.
"""

from bench.settings import *  # noqa: F403
from bench.settings import ACCOUNT_RATE_LIMITS

ACCOUNT_RATE_LIMITS = {**ACCOUNT_RATE_LIMITS, "login": "1000000/m/ip"}
