"""The embedded default of `make run` (SQLite, the filesystem broker, demo data) serves every page it links to.

The rest of the suite runs on PostgreSQL; this test catches SQL that only PostgreSQL understands reaching a
page (the analysis page did once). A fresh SQLite database is migrated and seeded as `make run` does, then
tests/embedded_crawl.py follows the links of the public and staff pages as four kinds of visitor.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _manage(env, *args, timeout=300):
    result = subprocess.run([sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-4000:]
    return result.stdout


def test_make_runs_default_serves_every_linked_page_without_a_server_error(tmp_path):
    env = {
        **os.environ,
        "DEBUG": "true",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "BROKER_DIR": str(tmp_path / "broker"),
        "MEDIA_ROOT": str(tmp_path / "media"),
        "CACHE_URL": "locmemcache://",
        "DJANGO_SETTINGS_MODULE": "bra_portal.settings",
        "PYTHONPATH": str(ROOT),
    }
    env.pop("CELERY_BROKER_URL", None)
    _manage(env, "manage.py", "migrate", "--noinput", "-v0")
    _manage(env, "manage.py", "seed_demo")
    report = json.loads(_manage(env, "tests/embedded_crawl.py").strip().splitlines()[-1])
    for visitor, outcome in report.items():
        assert outcome["pages"] > 10, f"{visitor} reached only {outcome['pages']} pages"
        assert not outcome["errors"], f"{visitor} met server errors: {outcome['errors']}"
    assert report["police"]["pages"] > 50
