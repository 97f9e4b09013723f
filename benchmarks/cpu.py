"""Where the CPU went during a stretch of a benchmark: the server, its children, us, and everyone else.

On a shared machine a latency figure means little without this. :func:`sample` reads the server's
CPU time (``/proc/<pid>/stat``: its own, and its waited-for children's such as a finished load
worker), this process's, and the whole machine's busy time (``/proc/stat``); :func:`between` turns two
samples into seconds of each and the machine's busy cores, with ``others_core_s`` — CPU seconds
spent by processes that are none of ours. When ``others_core_s / wall_s`` approaches the core count,
the server was waiting for a core, not for itself.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass

__all__ = ["CpuSample", "between", "sample"]

_TICK = os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True)
class CpuSample:
    at: float
    server_s: float  # the server process's user + system time
    server_children_s: float  # its children's, once they have been waited for (load workers)
    self_s: float  # this benchmark process (the load generator)
    machine_busy_s: float  # all cores, every non-idle state
    machine_total_s: float
    load_average: tuple[float, float, float]


def _proc_times(pid: int) -> tuple[float, float]:
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as handle:
            fields = handle.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0, 0.0
    # after the command: state(0) ppid … utime(11) stime(12) cutime(13) cstime(14)
    utime, stime, cutime, cstime = (int(fields[i]) / _TICK for i in (11, 12, 13, 14))
    return utime + stime, cutime + cstime


def _machine() -> tuple[float, float]:
    with open("/proc/stat", encoding="ascii") as handle:
        values = [int(v) for v in handle.readline().split()[1:]]
    idle = values[3] + (values[4] if len(values) > 4 else 0)  # idle + iowait
    total = sum(values[:8])  # guest time is already inside user
    return (total - idle) / _TICK, total / _TICK


def sample(server_pid: int) -> CpuSample:
    own, children = _proc_times(server_pid)
    times = os.times()
    busy, total = _machine()
    return CpuSample(time.perf_counter(), own, children, times.user + times.system, busy, total, os.getloadavg())


def between(a: CpuSample, b: CpuSample) -> dict[str, float | list[float]]:
    wall = b.at - a.at
    server = b.server_s - a.server_s
    children = b.server_children_s - a.server_children_s
    own = b.self_s - a.self_s
    busy = b.machine_busy_s - a.machine_busy_s
    cores = os.cpu_count() or 1
    return {
        "wall_s": round(wall, 1),
        "server_cpu_s": round(server, 1),
        "worker_cpu_s": round(children, 1),
        "bench_cpu_s": round(own, 1),
        "machine_busy_cores": round(busy / wall, 2) if wall else 0.0,
        "others_core_s": round(max(busy - server - children - own, 0.0), 1),
        "others_cores": round(max(busy - server - children - own, 0.0) / wall, 2) if wall else 0.0,
        "cores": cores,
        "load_average_end": [round(x, 2) for x in b.load_average],
    }
