# SPDX-License-Identifier: BSD-3-Clause
"""The machine a benchmark ran on, as bench_cpu.c prints it for the C benches:
one line before the figures, since figures from two CPU families differ."""
import os
from pathlib import Path


def _read(path, default="?"):
    try:
        return Path(path).read_text().strip()
    except OSError:
        return default


def cpu_line():
    """cpu="<model>" cpus=N l1d=.. l2=.. l3=.. load=<1-min load average>"""
    model = "?"
    for line in _read("/proc/cpuinfo", "").splitlines():
        if line.startswith("model name"):
            model = line.split(":", 1)[1].strip()
            break
    caches = {}
    for index in sorted(Path("/sys/devices/system/cpu/cpu0/cache").glob("index*")):
        level, kind = _read(index / "level"), _read(index / "type")
        name = {("1", "Data"): "l1d", ("2", "Unified"): "l2", ("3", "Unified"): "l3"}.get(
            (level, kind))
        if name:
            caches[name] = _read(index / "size")
    load = _read("/proc/loadavg").split(" ")[0]
    return (f'cpu="{model}" cpus={os.cpu_count()} l1d={caches.get("l1d", "?")} '
            f'l2={caches.get("l2", "?")} l3={caches.get("l3", "?")} load={load}')
