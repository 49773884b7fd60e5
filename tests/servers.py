"""pytest plugin, loaded with `-p tests.servers` before Django reads its settings.

Starts a throwaway PostgreSQL cluster and a redis-server on free loopback ports (unless DATABASE_URL or
REDIS_URL are already set), points the settings at them through the environment, and stops both when the
run ends, whatever its outcome. As root, PostgreSQL's tools run as the `postgres` user (initdb and pg_ctl
refuse to run as root). The servers themselves are started and stopped by `core/testservers.py`, which `make
bench` shares; this module only decides, at import, to start them.
"""

import atexit
import os

from core.testservers import start_postgres as _start_postgres
from core.testservers import start_redis as _start_redis
from core.testservers import stop_servers


def _configure_environment():
    if not os.environ.get("DATABASE_URL"):
        os.environ["DATABASE_URL"] = _start_postgres()
    if not os.environ.get("REDIS_URL"):
        os.environ["REDIS_URL"] = _start_redis()
    os.environ.setdefault("CELERY_BROKER_URL", os.environ["REDIS_URL"])
    os.environ.setdefault("SECRET_KEY", "test-secret-key-not-for-production-" + "x" * 20)
    os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
    os.environ.setdefault("STATICFILES_STORAGE", "django.contrib.staticfiles.storage.StaticFilesStorage")
    os.environ.setdefault("CONN_MAX_AGE", "0")
    os.environ.setdefault("WHITENOISE_USE_FINDERS", "true")
    # Playwright's sync API runs an event loop in the test thread; Django's live server is a real thread.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


atexit.register(stop_servers)
_configure_environment()


def pytest_unconfigure(config):
    stop_servers()
