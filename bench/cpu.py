"""How much CPU work other than the benchmark's own the machine did while a figure was measured (Linux /proc).

The benchmark shares its cores with whatever else runs on the machine; a figure measured while a test suite
or a browser ran beside it is lower than the machine can do, and the report says so.

Other CPU = the whole machine's user + nice + system time (/proc/stat) minus the benchmark's own: this process
and its descendants (gunicorn and its workers, wrk, the PDF process) plus the throwaway PostgreSQL's postmaster
and backends (pg_ctl detaches the postmaster, so it is found by its port). Each process's own time
(utime + stime) and that of its children it has reaped (cutime + cstime, e.g. a finished wrk) is counted.
Short-lived processes of others are included, since /proc/stat counts every tick. Steal time (a virtual
machine's CPUs given to other machines by the hypervisor) is reported apart.
"""

import os
import time
from dataclasses import dataclass, field
from pathlib import Path

PROC = Path("/proc")


@dataclass(frozen=True)
class Process:
    ppid: int
    ticks: int  # utime + stime
    child_ticks: int  # cutime + cstime of reaped children
    cmdline: str


@dataclass(frozen=True)
class Snapshot:
    busy_ticks: int = 0  # user + nice + system of all CPUs
    steal_ticks: int = 0  # time the hypervisor gave this machine's CPUs to other machines
    processes: dict[int, Process] = field(default_factory=dict)


def _cpu_ticks() -> tuple[int, int]:
    """(user + nice + system, steal) of all CPUs, from the first line of /proc/stat."""
    fields = (PROC / "stat").read_text().splitlines()[0].split()
    return int(fields[1]) + int(fields[2]) + int(fields[3]), int(fields[8]) if len(fields) > 8 else 0


def snapshot() -> Snapshot:
    if not (PROC / "stat").is_file():
        return Snapshot()
    processes = {}
    for entry in PROC.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()  # state ppid ... utime(11) stime(12) cutime(13) cstime(14)
        processes[int(entry.name)] = Process(
            ppid=int(fields[1]),
            ticks=int(fields[11]) + int(fields[12]),
            child_ticks=int(fields[13]) + int(fields[14]),
            cmdline=cmdline,
        )
    busy, steal = _cpu_ticks()
    return Snapshot(busy_ticks=busy, steal_ticks=steal, processes=processes)


def roots(postgres_port: int | None) -> set[int]:
    """This process, and the postmaster listening on `postgres_port` (the throwaway one), if any."""
    found = {os.getpid()}
    if postgres_port:
        for pid, process in snapshot().processes.items():
            if "postgres" in process.cmdline and f"-p {postgres_port} " in process.cmdline + " ":
                found.add(pid)
    return found


def _descendants(processes: dict[int, Process], roots: set[int]) -> set[int]:
    ours = set()
    for pid in processes:
        seen, current = set(), pid
        while current and current not in seen:
            if current in roots:
                ours.add(pid)
                break
            seen.add(current)
            current = processes[current].ppid if current in processes else 0
    return ours


def foreign_cores(before: Snapshot, after: Snapshot, seconds: float, roots: set[int]) -> float:
    """Cores' worth of CPU the machine spent on other work between the two snapshots (1.0 = one busy core)."""
    if not after.processes or seconds <= 0:
        return 0.0
    ours = 0
    for pid in _descendants(after.processes, roots):
        now, then = after.processes[pid], before.processes.get(pid)
        ours += now.ticks + now.child_ticks - ((then.ticks + then.child_ticks) if then else 0)
    other = after.busy_ticks - before.busy_ticks - ours
    return round(max(other, 0) / os.sysconf("SC_CLK_TCK") / seconds, 2)


def steal_cores(before: Snapshot, after: Snapshot, seconds: float) -> float:
    """Cores' worth of CPU the hypervisor took away (steal time) between the two snapshots."""
    if seconds <= 0:
        return 0.0
    return round(max(after.steal_ticks - before.steal_ticks, 0) / os.sysconf("SC_CLK_TCK") / seconds, 2)


PROBE_LOOPS = 2_000_000


def probe_seconds(repeat: int = 3) -> float:
    """Best of `repeat` timings of a fixed pure-Python loop: how fast a core of this machine is right now.

    Virtual machines' cores vary in speed with their neighbours' load, not always visible as steal time;
    comparing this probe between runs tells whether a change in the figures is the code's or the machine's.
    """
    best = float("inf")
    for _ in range(repeat):
        start, total = time.perf_counter(), 0
        for i in range(PROBE_LOOPS):
            total += i
        best = min(best, time.perf_counter() - start)
    return round(best, 3)
