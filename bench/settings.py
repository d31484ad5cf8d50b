"""Benchmark settings: the product's, plus Django's admin and a baseline app (never in production).

DATABASE_URL is set by bench.run to the benchmark database before Django starts.
"""

import copy
import os

from config.settings import *  # noqa: F403
from config.settings import CACHES, INSTALLED_APPS, TEMPLATES

INSTALLED_APPS = [*INSTALLED_APPS, "django.contrib.admin", "bench"]
ROOT_URLCONF = "bench.urls"
# The benchmark database reuses account ids of the development database: keep the cached
# entitlements and menus (and sessions) of the two apart when they share a Redis.
CACHES = {"default": {**CACHES["default"], "KEY_PREFIX": "auditdesk-bench"}}

if os.environ.get("BENCH_CACHED_TEMPLATES") == "1":
    # `--cached-templates`: what the page costs once compiled templates are kept between
    # requests (the product's loaders parse every template on every request).
    TEMPLATES = copy.deepcopy(TEMPLATES)
    for _loader, _children in TEMPLATES[0]["OPTIONS"]["loaders"]:
        _children[:] = [("django.template.loaders.cached.Loader", list(_children))]
