#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Round-trip latency over vhost-user (bench/latency_vhost.c): one dpdk-testpmd
vhost backend with two ports (net_vhost0 for prt's front-end, net_vhost1 for
DPDK's), io forwarding with port topology loop, so that each frame goes back
out of the port it came in; its forwarding lcore on the second CPU, the
front-ends' on the first. Runs the poll case, then the rx-interrupt case,
each with a fresh backend; prt and DPDK alternate in blocks inside one run.

usage: latency_vhost.py BENCH_LATENCY_VHOST [--trips N] [--intr-trips N] [--no-intr]
       (root, hugepages, two CPUs, dpdk-testpmd)
"""
import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

from bench_common import DPDK_TESTPMD, cpus, dpdk_eal, preflight, start, stop, wait_paths


def backend(d, cpu_main, cpu_fwd):
    log = Path(d) / "backend.log"
    socks = [str(Path(d) / "prt.sock"), str(Path(d) / "dpdk.sock")]
    cmd = [DPDK_TESTPMD, "-l", f"{cpu_main},{cpu_fwd}", "--main-lcore", str(cpu_main)] + \
        dpdk_eal("lat") + [
            "--vdev", f"net_vhost0,iface={socks[0]},queues=1",
            "--vdev", f"net_vhost1,iface={socks[1]},queues=1", "--",
            "--forward-mode=io", "--port-topology=loop", "--nb-cores=1", "--rxd=256",
            "--txd=256", "--burst=32", "--stats-period=100"]
    p = start(cmd, log)
    wait_paths(p, socks, log, "the vhost backend")
    return p, socks


def run(bench, trips, intr, cpu_main, cpu_fwd):
    with tempfile.TemporaryDirectory(prefix="prt-lat-") as d:
        p, socks = backend(d, cpu_main, cpu_fwd)
        try:
            cmd = ["taskset", "-c", str(cpu_main), bench, "--prt-sock", socks[0],
                   "--dpdk-sock", socks[1], "--trips", str(trips)] + (["--intr"] if intr else [])
            r = subprocess.run(cmd, capture_output=True, text=True, timeout=1200)
        finally:
            stop(p)
        sys.stdout.write(r.stdout)
        if r.returncode != 0:
            sys.stdout.write(r.stderr[-2000:])
        return r.returncode


def main():
    ap = argparse.ArgumentParser(usage=__doc__.rsplit("usage: ", 1)[1])
    ap.add_argument("bench")
    ap.add_argument("--trips", type=int, default=1000000, help="round trips per side, polling")
    ap.add_argument("--intr-trips", type=int, default=1000000,
                    help="round trips per side with rx interrupts")
    ap.add_argument("--no-intr", action="store_true", help="the poll case only")
    a = ap.parse_args()
    status = preflight("the backend's forwarding lcore and the front-ends'")
    if status is not None:
        return status
    c = cpus()
    status = run(a.bench, a.trips, False, c[0], c[1])
    if status == 0 and not a.no_intr:
        status = run(a.bench, a.intr_trips, True, c[0], c[1])
    return status


if __name__ == "__main__":
    sys.exit(main())
