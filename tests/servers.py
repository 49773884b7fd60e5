"""pytest plugin, loaded with `-p tests.servers` before Django reads its settings.

Starts a throwaway PostgreSQL cluster and a redis-server on free loopback ports (unless DATABASE_URL or
REDIS_URL are already set), points the settings at them through the environment, and stops both when the
run ends, whatever its outcome. As root, PostgreSQL's tools run as the `postgres` user (initdb and pg_ctl
refuse to run as root).
"""

import atexit
import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

_stops = []


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _pg_bindir() -> Path:
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(p.split("/")[-2]))
    if not candidates:
        raise RuntimeError("PostgreSQL is not installed (no /usr/lib/postgresql/*/bin); run `make test`.")
    return Path(candidates[-1])


def _start_postgres() -> str:
    bindir = _pg_bindir()
    workdir = Path(tempfile.mkdtemp(prefix="bra-pg-"))
    prefix = []
    if os.geteuid() == 0:
        shutil.chown(workdir, user="postgres", group="postgres")
        prefix = ["runuser", "-u", "postgres", "--"]
    port = _free_port()
    subprocess.run(
        [
            *prefix,
            bindir / "initdb",
            "-D",
            workdir / "data",
            "-U",
            "postgres",
            "--auth=trust",
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
            "--no-sync",
        ],
        check=True,
        capture_output=True,
    )
    options = (
        f"-k {workdir} -p {port} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off "
        "-c full_page_writes=off -c max_connections=60"
    )
    subprocess.run(
        [*prefix, bindir / "pg_ctl", "-D", workdir / "data", "-l", workdir / "pg.log", "-w", "-o", options, "start"],
        check=True,
        capture_output=True,
    )

    def stop():
        subprocess.run(
            [*prefix, bindir / "pg_ctl", "-D", workdir / "data", "-m", "immediate", "-w", "stop"],
            capture_output=True,
        )
        shutil.rmtree(workdir, ignore_errors=True)

    _stops.append(stop)
    return f"postgres://postgres@127.0.0.1:{port}/bra_portal"


def _start_redis() -> str:
    binary = shutil.which("redis-server")
    if binary is None:
        raise RuntimeError("redis-server is not installed; run `make test`, which installs it.")
    port = _free_port()
    proc = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2) as sock:
                sock.sendall(b"PING\r\n")
                if sock.recv(16).startswith(b"+PONG"):
                    break
        except OSError:
            time.sleep(0.05)
    else:
        proc.kill()
        raise RuntimeError("redis-server did not answer within 10 s")

    def stop():
        proc.terminate()
        try:
            proc.wait(5)
        except subprocess.TimeoutExpired:
            proc.kill()

    _stops.append(stop)
    return f"redis://127.0.0.1:{port}/0"


def stop_servers():
    while _stops:
        _stops.pop()()


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
