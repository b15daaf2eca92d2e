#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Round-trip latency over vhost-user (bench/latency_vhost.c) against each
back-end: DPDK's (dpdk-testpmd --vdev net_vhost) and prt's (testpmd-lite
--vdev net_vhost), the same way: two ports (net_vhost0 for prt's front-end,
net_vhost1 for DPDK's), io forwarding with port topology loop, so that each
frame goes back out of the port it came in; the back-end's forwarding lcore
on the second CPU, the front-ends' on the first. Runs the poll case, then
the rx-interrupt case, each with a fresh back-end per back-end, the
back-ends' order swapped between the two cases; prt's and DPDK's
front-ends alternate in blocks inside each run.

Prints the bench's lines with the back-end named (backend=prt|dpdk), the
load average before and after each run, and per case the end-to-end
figures: prt's front-end against prt's back-end beside DPDK's front-end
against DPDK's back-end (two runs, one after the other, not one).

--syscalls measures instead of timing: the system calls per round trip of
each front-end (the bench's --side) and of the back-end serving it, poll
and rx interrupts, counted by strace -f -c over two runs of SHORT and LONG
round trips, their difference divided by LONG - SHORT, so that start-up
and exit cancel out (what a process does per second, a testpmd's main
loop, does not quite: it shows as a few hundredths).

usage: latency_vhost.py BENCH_LATENCY_VHOST [--testpmd-lite PATH] [--backend dpdk|prt|both]
       [--trips N] [--intr-trips N] [--no-intr] [--syscalls] [--prt-rx-free-thresh N]
       (root, hugepages, two CPUs, dpdk-testpmd; --testpmd-lite for prt's back-end;
       strace for --syscalls)
"""
import argparse
import os
import re
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

from bench_common import COMMON, cpus, preflight, stop, tail, vhost_backend
from bench_cpu import cpu_line, topology_line

# Both back-ends alike; --stats-period keeps dpdk-testpmd from reading its
# closed stdin as "press enter to exit" (testpmd-lite just prints then).
BACKEND_OPTS = COMMON + ["--forward-mode=io", "--port-topology=loop", "--stats-period=100"]
FIGURE = re.compile(r"^case=vhost_latency_(\w+) side=(\w+) trips=(\d+) p10=(\d+) p50=(\d+) "
                    r"p90=(\d+) p99=(\d+) p999=(\d+) max=(\d+) waits=(\d+) switches=(\d+)$")


def run(bench, testpmd, side, trips, intr, cpu_main, cpu_fwd, extra=()):
    """One run of the bench against a fresh back-end of @side: its figures,
    {front-end: {trips, p10, p50, p90, p99, p999, max, waits, switches}},
    or None (the output said why)."""
    with tempfile.TemporaryDirectory(prefix="prt-lat-") as d:
        log = Path(d) / "backend.log"
        socks = [Path(d) / "prt.sock", Path(d) / "dpdk.sock"]
        load = os.getloadavg()[0]
        p = vhost_backend(side, testpmd, socks, log, BACKEND_OPTS, cpu_main, cpu_fwd, "lat")
        try:
            cmd = ["taskset", "-c", str(cpu_main), bench, "--prt-sock", str(socks[0]),
                   "--dpdk-sock", str(socks[1]), "--trips", str(trips)] + \
                (["--intr"] if intr else []) + list(extra)
            r = subprocess.run(cmd, capture_output=True, text=True, timeout=1200)
        finally:
            stop(p)
        print(f"backend={side} load {load:.2f}..{os.getloadavg()[0]:.2f}", flush=True)
        fig = {}
        for line in r.stdout.splitlines():
            if line.startswith("cpu=") or line.startswith("tsc_hz="):
                continue
            print(re.sub(r"^(case=\S+) ", rf"\1 backend={side} ", line), flush=True)
            m = FIGURE.match(line)
            if m:
                fig[m.group(2)] = dict(zip(("trips", "p10", "p50", "p90", "p99", "p999", "max",
                                            "waits", "switches"),
                                           map(int, m.groups()[2:])))
        if r.returncode != 0 or len(fig) != 2:
            print(f"  FAILED (exit {r.returncode}): {r.stderr[-2000:]}\n"
                  f"  {side}'s back-end:\n{tail(log)}", flush=True)
            return None
        return fig


SHORT, LONG = 10000, 30000  # --syscalls: round trips of the two runs


def strace_counts(path):
    """{system call: calls} from strace -c's table in the file @path."""
    c = {}
    for line in Path(path).read_text().splitlines():
        m = re.match(r"\s*[\d.]+\s+[\d.]+\s+\d+\s+(\d+)\s+(?:\d+\s+)?(\w+)$", line)
        if m and m.group(2) != "total":
            c[m.group(2)] = int(m.group(1))
    return c


def traced_run(bench, testpmd, side, fe, trips, intr, cpu_main, cpu_fwd):
    """One run of front-end @fe's @trips round trips against @side's
    back-end, both under strace -f -c: their counts (front-end, back-end)."""
    with tempfile.TemporaryDirectory(prefix="prt-lat-") as d:
        socks = [Path(d) / "prt.sock", Path(d) / "dpdk.sock"]
        be_out, fe_out = Path(d) / "be.strace", Path(d) / "fe.strace"
        p = vhost_backend(side, testpmd, socks, Path(d) / "backend.log", BACKEND_OPTS,
                          cpu_main, cpu_fwd, "lat", ["strace", "-f", "-c", "-o", str(be_out)])
        try:
            cmd = ["taskset", "-c", str(cpu_main), "strace", "-f", "-c", "-o", str(fe_out),
                   bench, "--prt-sock", str(socks[0]), "--dpdk-sock", str(socks[1]),
                   "--trips", str(trips), "--side", fe] + (["--intr"] if intr else [])
            r = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
        finally:
            # strace and the back-end both: strace writes its table once the back-end ended.
            os.killpg(p.pid, signal.SIGINT)
            stop(p)
        if r.returncode != 0:
            raise SystemExit(f"the bench failed under strace:\n{r.stderr[-2000:]}")
        return strace_counts(fe_out), strace_counts(be_out)


def syscalls(bench, testpmd, backends, c):
    """Prints, per back-end, front-end and mode, the system calls per round trip."""
    for side in backends:
        for fe in ("prt", "dpdk"):
            for mode in ("poll", "intr"):
                runs = [traced_run(bench, testpmd, side, fe, n, mode == "intr", c[0], c[1])
                        for n in (SHORT, LONG)]
                line = f"syscalls_{mode} backend={side} side={fe}"
                for k, who in enumerate(("front-end", "back-end")):
                    a, b = runs[0][k], runs[1][k]
                    per = {n: (b.get(n, 0) - a.get(n, 0)) / (LONG - SHORT)
                           for n in set(a) | set(b)}
                    calls = " ".join(f"{n}={v:.2f}" for n, v in sorted(per.items())
                                     if abs(v) >= 0.005)
                    line += f"; {who}: {calls or 'none'}"
                print(line, flush=True)


def end_to_end(mode, res):
    """prt's front-end on prt's back-end against DPDK's on DPDK's."""
    if "prt" not in res or "dpdk" not in res:
        return
    a, b = res["prt"]["prt"], res["dpdk"]["dpdk"]
    print(f"case=vhost_latency_{mode}_e2e prt={a['p99']} dpdk={b['p99']} "
          f"ratio={b['p99'] / a['p99']:.2f} (p99 ns, dpdk/prt: above 1 prt is faster)\n"
          "  " + "; ".join(f"{q} prt={a[k]} dpdk={b[k]}" for q, k in (
              ("p10", "p10"), ("p50", "p50"), ("p90", "p90"), ("p99.9", "p999"),
              ("max", "max"))) +
          f"; sleeps/trip prt={a['switches'] / a['trips']:.2f} "
          f"dpdk={b['switches'] / b['trips']:.2f}", flush=True)


def main():
    ap = argparse.ArgumentParser(usage=__doc__.rsplit("usage: ", 1)[1])
    ap.add_argument("bench")
    ap.add_argument("--testpmd-lite", help="testpmd-lite, prt's back-end (needed for prt)")
    ap.add_argument("--backend", choices=("dpdk", "prt", "both"), default="both")
    ap.add_argument("--trips", type=int, default=1000000, help="round trips per side, polling")
    ap.add_argument("--intr-trips", type=int, default=1000000,
                    help="round trips per side with rx interrupts")
    ap.add_argument("--no-intr", action="store_true", help="the poll case only")
    ap.add_argument("--prt-rx-free-thresh", type=int, metavar="N",
                    help="prt's rx_free_thresh (the driver's default: 32; 1 refills at every "
                         "frame, as DPDK's virtio rx does at every burst)")
    ap.add_argument("--syscalls", action="store_true",
                    help="system calls per round trip (strace) instead of latencies")
    a = ap.parse_args()
    backends = ["dpdk", "prt"] if a.backend == "both" else [a.backend]
    if "prt" in backends and not (a.testpmd_lite and os.access(a.testpmd_lite, os.X_OK)):
        ap.error("prt's back-end needs --testpmd-lite PATH (apps/testpmd-lite/testpmd-lite)")
    status = preflight("the back-end's forwarding lcore and the front-ends'")
    if status is not None:
        return status
    c = cpus()
    print(cpu_line(), flush=True)
    print(topology_line({"back-end": c[1], "front-ends": c[0]}), flush=True)
    if a.syscalls:
        syscalls(a.bench, a.testpmd_lite, backends, c)
        return 0
    extra = ["--prt-rx-free-thresh", str(a.prt_rx_free_thresh)] if a.prt_rx_free_thresh else []
    if extra:
        print(f"prt's rx_free_thresh={a.prt_rx_free_thresh}", flush=True)
    modes = [("poll", a.trips)] + ([] if a.no_intr else [("intr", a.intr_trips)])
    failed = False
    for k, (mode, trips) in enumerate(modes):
        res = {}
        for side in backends if k % 2 == 0 else backends[::-1]:
            fig = run(a.bench, a.testpmd_lite, side, trips, mode == "intr", c[0], c[1], extra)
            if fig is None:
                failed = True
            else:
                res[side] = fig
        end_to_end(mode, res)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
