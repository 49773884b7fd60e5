"""Throwaway PostgreSQL and redis-server on free loopback ports, for the test run and `make bench`.

Importing this module starts nothing: call `start_postgres()` / `start_redis()` (each returns a URL) and
`stop_servers()` when done; every server started is stopped by `stop_servers()`, most recent first. As root,
PostgreSQL's tools run as the `postgres` user (initdb and pg_ctl refuse to run as root).
"""

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

_stops = []


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def pg_bindir() -> Path:
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(p.split("/")[-2]))
    if not candidates:
        raise RuntimeError("PostgreSQL is not installed (no /usr/lib/postgresql/*/bin); run `make test`.")
    return Path(candidates[-1])


def start_postgres() -> str:
    bindir = pg_bindir()
    workdir = Path(tempfile.mkdtemp(prefix="bra-pg-"))
    prefix = []
    if os.geteuid() == 0:
        shutil.chown(workdir, user="postgres", group="postgres")
        prefix = ["runuser", "-u", "postgres", "--"]
    port = free_port()
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


def start_redis() -> str:
    binary = shutil.which("redis-server")
    if binary is None:
        raise RuntimeError("redis-server is not installed; run `make test`, which installs it.")
    port = free_port()
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
