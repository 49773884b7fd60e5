"""The portal's own settings, with the benchmark's urlconf (the portal's URLs plus the bare "hello" view).

Only `make bench` uses this module (DJANGO_SETTINGS_MODULE=bench.settings); production URLs are untouched.
"""

from bra_portal.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
