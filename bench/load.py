"""Load with wrk: a warm-up, then a timed run whose figures wrk_report.lua prints as JSON.

One URL, or several paths of one server taken in turn by every connection (the mixed load of `make bench`).
"""

import contextlib
import json
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

WRK_SCRIPT = Path(__file__).with_name("wrk_report.lua")
MARKER = "BENCH_JSON "


@dataclass(frozen=True)
class LoadSettings:
    duration: float = 10.0
    warmup: float = 2.0
    threads: int = 1
    connections: int = 4
    timeout: float = 5.0


def wrk_binary() -> str:
    binary = shutil.which("wrk")
    if binary is None:
        raise RuntimeError("wrk is not installed: `apt-get install -y wrk` (make bench does it when run as root)")
    return binary


def wrk_version() -> str:
    """E.g. "wrk debian/4.1.0-3+b2" (wrk prints it with its event loop and copyright)."""
    result = subprocess.run([wrk_binary(), "--version"], capture_output=True, text=True)
    return (result.stdout + result.stderr).splitlines()[0].split(" [")[0].strip()


def parse_wrk_output(output: str) -> dict:
    """The figures of one wrk run, from the line wrk_report.lua writes."""
    for line in output.splitlines():
        if line.startswith(MARKER):
            raw = json.loads(line[len(MARKER) :])
            break
    else:
        raise RuntimeError(f"wrk printed no figures:\n{output}")
    seconds = raw["duration_us"] / 1e6
    latency = raw["latency_us"]
    return {
        "requests": raw["requests"],
        "seconds": round(seconds, 3),
        "rps": round(raw["requests"] / seconds, 1) if seconds else 0.0,
        "p50_ms": round(latency["p50"] / 1000, 2),
        "p90_ms": round(latency["p90"] / 1000, 2),
        "p99_ms": round(latency["p99"] / 1000, 2),
        "mean_ms": round(latency["mean"] / 1000, 2),
        "max_ms": round(latency["max"] / 1000, 2),
        "bytes": raw["bytes"],
        "errors": raw["errors"],
        "error_total": sum(raw["errors"].values()),
    }


def _wrk(url: str, seconds: float, settings: LoadSettings, paths: tuple[str, ...] = ()) -> str:
    host = urlsplit(url).hostname
    if host not in ("127.0.0.1", "localhost", "::1"):
        raise ValueError(f"The benchmark only loads loopback addresses, not {host}")
    command = [
        wrk_binary(),
        f"--threads={settings.threads}",
        f"--connections={settings.connections}",
        f"--duration={max(1, round(seconds))}s",
        f"--timeout={max(1, round(settings.timeout))}s",
        f"--script={WRK_SCRIPT}",
        url,
        *(["--", *paths] if paths else []),
    ]
    result = subprocess.run(command, capture_output=True, text=True, timeout=seconds + settings.timeout + 30)
    if result.returncode != 0:
        raise RuntimeError(f"wrk failed ({result.returncode}): {result.stderr or result.stdout}")
    return result.stdout


def measure(url: str, settings: LoadSettings, around=contextlib.nullcontext, paths: tuple[str, ...] = ()) -> dict:
    """Warm up, then measure: requests/s and latency percentiles over `settings.duration` seconds.

    `around` is a context manager factory entered for the measured run only (not the warm-up). With `paths`,
    the requests go to those paths of `url`'s server in turn instead of to `url` itself.
    """
    if settings.warmup > 0:
        _wrk(url, settings.warmup, settings, paths)
    with around():
        output = _wrk(url, settings.duration, settings, paths)
    return parse_wrk_output(output)
