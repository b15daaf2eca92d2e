# SPDX-License-Identifier: BSD-3-Clause
"""What the vhost-user benches share (virtio_user.py, vhost_backend.py,
latency_vhost.py): the checks before a run, starting and stopping the
testpmds in sessions of their own with bounded waits, reading their
per-second rates and final statistics, a vhost-user back-end (prt's or
DPDK's), the command line of a paired bench and the pairing itself (prt and
DPDK alternately, the side that goes first swapping every pair), and how a
case's figures are printed."""
import argparse
import os
import re
import signal
import statistics
import subprocess
import time
from pathlib import Path

DPDK_TESTPMD = "/usr/bin/dpdk-testpmd"
SKIP = 77  # meson's exit status for a skipped test or benchmark

# The options both testpmds get in every vhost-user bench: burst 32, one
# forwarding lcore, rings of 256.
COMMON = ["--burst=32", "--nb-cores=1", "--rxd=256", "--txd=256"]


def cpus():
    """The first two CPUs this process may run on, or None with fewer."""
    c = sorted(os.sched_getaffinity(0))
    return (c[0], c[1]) if len(c) > 1 else None


def preflight(why_two_cpus):
    """None when the bench can run here; else prints SKIP and why, and
    returns the status to exit with (SKIP)."""
    if cpus() is None:
        print(f"SKIP: needs two CPUs ({why_two_cpus})")
        return SKIP
    if os.geteuid() != 0 or not os.access(DPDK_TESTPMD, os.X_OK):
        print("SKIP: needs root and dpdk-testpmd (tools/setup-debian)")
        return SKIP
    return None


def dpdk_eal(prefix):
    """dpdk-testpmd's EAL options beside the lcores: no PCI, 256 MiB of
    hugepages kept in memory (no files, so runs never share a prefix's
    state), the file prefix made unique by this process's id."""
    return ["--no-pci", "--in-memory", "--single-file-segments", "-m", "256",
            "--file-prefix", f"{prefix}{os.getpid()}"]


def start(cmd, log):
    """Starts @cmd in a session of its own (stop() can kill its whole group),
    stdin closed, stdout and stderr into the file @log."""
    with open(log, "w") as f:
        return subprocess.Popen(cmd, stdout=f, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, start_new_session=True)


def stop(p, timeout=20):
    """SIGINT (both testpmds then print their final statistics), SIGKILL to
    the session after @timeout seconds."""
    if p.poll() is None:
        p.send_signal(signal.SIGINT)
        try:
            p.wait(timeout)
        except subprocess.TimeoutExpired:
            os.killpg(p.pid, signal.SIGKILL)
            p.wait()


def run_bounded(cmd, log, timeout):
    """Runs @cmd as start() does and waits for its exit, at most @timeout
    seconds, then stops it (stop()). Returns (exit status, its output)."""
    p = start(cmd, log)
    try:
        p.wait(timeout)
    except subprocess.TimeoutExpired:
        stop(p)
    return p.returncode, Path(log).read_text(errors="replace")


def tail(log, n=2000):
    try:
        return Path(log).read_text(errors="replace")[-n:]
    except OSError:
        return ""


def wait_paths(p, paths, log, what, timeout=30):
    """Waits until every path in @paths exists (a back-end's sockets); on
    @p's exit or after @timeout seconds stops it and fails with its log."""
    deadline = time.time() + timeout
    while not all(Path(s).exists() for s in paths):
        if p.poll() is not None or time.time() > deadline:
            stop(p)
            raise SystemExit(f"{what} did not start:\n" + tail(log))
        time.sleep(0.1)


def vhost_backend(side, testpmd, socks, log, opts, cpu_main, cpu_fwd, prefix, wrap=()):
    """Starts a vhost-user back-end with one port per path of @socks
    (net_vhost0, net_vhost1, .. listening there, one queue pair each):
    prt's (testpmd-lite, the program @testpmd) when @side is "prt", else
    DPDK's (dpdk-testpmd, EAL file prefix @prefix); its main lcore on
    @cpu_main, its forwarding lcore on @cpu_fwd, the testpmd options @opts,
    run under the command @wrap if any (strace). Returns the process once
    every socket exists (wait_paths())."""
    vdevs = []
    for i, sock in enumerate(socks):
        vdevs += ["--vdev", f"net_vhost{i},iface={sock},queues=1"]
    lcores = ["--lcores", f"0@{cpu_main},1@{cpu_fwd}"]
    if side == "prt":
        cmd = [testpmd] + lcores + ["--no-pci", "--in-memory", "-m", "256"] + vdevs
    else:
        cmd = [DPDK_TESTPMD] + lcores + dpdk_eal(prefix) + vdevs
    p = start(list(wrap) + cmd + ["--"] + opts, log)
    wait_paths(p, [str(s) for s in socks], log, f"{side}'s vhost back-end")
    return p


def wait_text(p, log, pattern, timeout=30):
    """Waits until @log holds a match of the regex @pattern; False when @p
    exited first or @timeout seconds passed (@p is left running)."""
    deadline = time.time() + timeout
    rx = re.compile(pattern)
    while time.time() < deadline:
        if rx.search(Path(log).read_text(errors="replace")):
            return True
        if p.poll() is not None:
            return False
        time.sleep(0.1)
    return False


def per_second(text, counter):
    """dpdk-testpmd's per-second rates (--stats-period=1): the values of
    "<counter>: N" (Rx-pps, Tx-pps) in order."""
    return [int(v) for v in re.findall(counter + r":\s+(\d+)", text)]


def median_rate(text, counter, who="the backend"):
    """Median per-second rate in Mpps, leaving out idle seconds and the first
    and last busy one (partial)."""
    busy = [v for v in per_second(text, counter) if v > 0][1:-1]
    if not busy:
        raise SystemExit(f"{who} reported no {counter} during the run")
    return statistics.median(busy) / 1e6


def cycles(text):
    """dpdk-testpmd's forwarding cycles per packet (--record-core-cycles;
    polls that found nothing are not counted), or None."""
    m = re.search(r"CPU cycles/packet=([\d.]+)", text)
    return float(m.group(1)) if m else None


def dpdk_dropped(text):
    """Share of the frames dpdk-testpmd could not send (its TX-dropped of
    TX-total, from the final statistics), or None when it sent nothing."""
    m = re.findall(r"TX-dropped:\s+(\d+)\s+TX-total:\s+(\d+)", text)
    if not m or int(m[-1][1]) == 0:
        return None
    return int(m[-1][0]) / int(m[-1][1])


def parse_args(doc, cases, default_seconds=5, default_reps=3, add_options=None):
    """The command line of a paired bench: PROGRAM [SECONDS] [--reps N]
    [CASE...] (usage from the end of @doc), and the bench's own options if
    @add_options(parser) adds some. Returns the namespace with .program,
    .seconds, .reps and .cases (all of @cases when none is named); an
    unknown case is an error."""
    ap = argparse.ArgumentParser(usage=doc.rsplit("usage: ", 1)[1])
    ap.add_argument("program")
    ap.add_argument("--reps", type=int, default=default_reps,
                    help=f"pairs of runs per case ({default_reps})")
    if add_options:
        add_options(ap)
    ap.add_argument("rest", nargs="*", metavar="[SECONDS] [CASE...]")
    a = ap.parse_intermixed_args()
    a.seconds = int(a.rest.pop(0)) if a.rest and a.rest[0].isdigit() else default_seconds
    a.cases = a.rest or list(cases)
    unknown = [c for c in a.cases if c not in cases]
    if unknown:
        ap.error(f"unknown case {' '.join(unknown)}; cases: {' '.join(cases)}")
    if a.reps < 1 or a.seconds < 1:
        ap.error("--reps and SECONDS must be at least 1")
    return a


def paired(reps, run, sides=("prt", "dpdk")):
    """@reps pairs of runs, sides[0] first in even pairs and sides[1] first in
    odd ones, so that a load that drifts during a case weighs on both alike.
    run(side) returns a run's figures (a dict), or None to leave that side
    out of the pairs that follow. Returns {side: [figures, ...]} and the
    list of complete pairs, each {side: figures}."""
    res = {s: [] for s in sides}
    pairs, dropped = [], set()
    for rep in range(reps):
        pair = {}
        for side in sides if rep % 2 == 0 else sides[::-1]:
            if side in dropped:
                continue
            r = run(side)
            if r is None:
                dropped.add(side)
                continue
            res[side].append(r)
            pair[side] = r
        if len(pair) == len(sides):
            pairs.append(pair)
    return res, pairs


def fmt(values):
    return "[" + " ".join(f"{v:.2f}" for v in values) + "]"


def ratios(pairs, key, a="prt", b="dpdk"):
    """Each complete pair's @a/@b of the figure @key."""
    return [p[a][key] / p[b][key] for p in pairs if p[b][key]]


def med(values, spec=".0f", scale=1, unit=""):
    """The median of the @values that are not None, times @scale, formatted
    with @spec and @unit; n/a when there is none."""
    v = [x for x in values if x is not None]
    return format(scale * statistics.median(v), spec) + unit if v else "n/a"
