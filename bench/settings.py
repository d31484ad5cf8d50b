"""Benchmark settings: the product's, plus Django's admin and a baseline app (never in production).

DATABASE_URL is set by bench.run to the benchmark database before Django starts.
"""

from bench import signing_key_default

signing_key_default()

from config.settings import *  # noqa: E402, F403
from config.settings import CACHES, INSTALLED_APPS  # noqa: E402

INSTALLED_APPS = [*INSTALLED_APPS, "django.contrib.admin", "bench"]
ROOT_URLCONF = "bench.urls"
# The benchmark database reuses account ids of the development database: keep the cached
# entitlements and menus (and sessions) of the two apart when they share a Redis.
CACHES = {"default": {**CACHES["default"], "KEY_PREFIX": "auditdesk-bench"}}
