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



def _cpu_list(text):
    """The CPUs of a sysfs list such as "0-3,8"."""
    out = set()
    for part in text.split(","):
        lo, _, hi = part.partition("-")
        if lo.isdigit():
            out.update(range(int(lo), int(hi or lo) + 1))
    return out


def topology_line(roles):
    """Where a bench's lcores run, after cpu_line() in the script benches:
    'topology online=.. sockets=.. cores=.. threads/core=..' then, for each
    role -> CPU number of @roles, '<role>=cpuN(pkg P core C siblings S)'
    from sysfs: two lcores on SMT siblings of one core share its caches and
    execution units, on two cores only the L3 (or nothing)."""
    pkgs, cores, threads = set(), set(), 1
    for cpu in Path("/sys/devices/system/cpu").glob("cpu[0-9]*"):
        t = cpu / "topology"
        if not t.is_dir():
            continue
        pkg = _read(t / "physical_package_id")
        pkgs.add(pkg)
        cores.add((pkg, _read(t / "core_id")))
        threads = max(threads, len(_cpu_list(_read(t / "thread_siblings_list"))))
    parts = [f"topology online={_read('/sys/devices/system/cpu/online')} "
             f"sockets={len(pkgs) or '?'} cores={len(cores) or '?'} threads/core={threads}"]
    for role, n in roles.items():
        t = Path(f"/sys/devices/system/cpu/cpu{n}/topology")
        parts.append(f"{role}=cpu{n}(pkg {_read(t / 'physical_package_id')} "
                     f"core {_read(t / 'core_id')} "
                     f"siblings {_read(t / 'thread_siblings_list')})")
    return " ".join(parts)
