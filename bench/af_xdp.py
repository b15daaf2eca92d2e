#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""net_af_xdp: prt's against DPDK's (Debian's DPDK 22.11), on the same veth
pair in a network namespace made here, in the same run.

veth1 carries the AF_XDP port under test (one queue, each driver's default
busy_budget of 64, 2048 descriptors: the rings both drivers make by
default); a traffic source on veth0 (testpmd-lite txonly on net_af_packet
with qdisc_bypass, 64-byte frames) sends as fast as it can, with its lcores
on the first CPU; the port's forwarding lcore is on the second. Cases:
rxonly (frames received) and io (frames received and sent back out of
veth1, counted as sent). Each side runs SECONDS seconds with
--stats-period=1; the figure is the median of the per-second rates after
the first, in Mpps, of REPS runs alternating which side goes first; the
ratio is prt/dpdk. The source and the kernel's veth and XDP work share the
machine with the port, so the figures are of the whole path, the same for
both sides. Prints the CPU first, then one line per case:

    case=af_xdp_rxonly prt=<Mpps> dpdk=<Mpps> ratio=<prt/dpdk>

usage: af_xdp.py TESTPMD_LITE [SECONDS] [REPS]
"""
import os
import statistics
import subprocess
import sys
import time

from bench_cpu import cpu_line
from testpmd_vs_dpdk import DPDK_TESTPMD, dpdk_mpps, prt_mpps, run

MODES = {"rxonly": "rx", "io": "tx"}
COMMON = ["--burst=32", "--nb-cores=1", "--rxd=2048", "--txd=2048", "--stats-period=1"]
NS = f"prt-afxdp-bench-{os.getpid()}"


def sh(*cmd):
    subprocess.run(["ip", "netns", "exec", NS] + list(cmd), check=True)


def source(testpmd, cpu, seconds):
    """The traffic source on veth0, running @seconds."""
    cmd = ["ip", "netns", "exec", NS, testpmd, "--lcores", f"0@{cpu},1@{cpu}", "--no-huge",
           "--vdev", "net_af_packet0,iface=veth0,qdisc_bypass=1", "--",
           "--forward-mode=txonly", f"--run-time={seconds}"]
    return subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def dut(side, testpmd, cpus, mode, seconds):
    lcores = f"0@{cpus[0]},1@{cpus[1]}"
    vdev = "net_af_xdp0,iface=veth1"
    netns = ["ip", "netns", "exec", NS]
    if side == "prt":
        cmd = netns + [testpmd, "--lcores", lcores, "-m", "256", "--vdev", vdev, "--"] + \
            COMMON + [f"--forward-mode={mode}", f"--run-time={seconds}"]
        return prt_mpps(run(cmd, seconds + 30), MODES[mode])
    cmd = netns + [DPDK_TESTPMD, "--lcores", lcores, "--in-memory", "--no-pci", "-m", "256",
                   "--file-prefix", f"afxdp{os.getpid()}", "--vdev", vdev, "--"] + \
        COMMON + [f"--forward-mode={mode}"]
    return dpdk_mpps(run(cmd, seconds), MODES[mode], 1)


def one(side, testpmd, cpus, mode, seconds):
    src = source(testpmd, cpus[0], seconds + 4)
    try:
        time.sleep(1)
        return dut(side, testpmd, cpus, mode, seconds)
    finally:
        src.wait(timeout=60)


def main():
    if len(sys.argv) < 2:
        raise SystemExit(__doc__)
    testpmd = sys.argv[1]
    seconds = int(sys.argv[2]) if len(sys.argv) > 2 else 6
    reps = int(sys.argv[3]) if len(sys.argv) > 3 else 3
    cpus = sorted(os.sched_getaffinity(0))
    if len(cpus) < 2:
        print("SKIP: needs two CPUs (the source's and the port's forwarding lcore)")
        return 77
    if os.geteuid() != 0 or not os.access(DPDK_TESTPMD, os.X_OK):
        print(f"SKIP: needs root and {DPDK_TESTPMD} (tools/setup-debian)")
        return 77
    if subprocess.run(["ip", "netns", "add", NS]).returncode != 0:
        print("SKIP: cannot make a network namespace")
        return 77
    try:
        sh("ip", "link", "add", "veth0", "type", "veth", "peer", "name", "veth1")
        for i in ("veth0", "veth1"):
            sh("ip", "link", "set", i, "up")
        print(cpu_line(), flush=True)
        for mode in MODES:
            res = {"prt": [], "dpdk": []}
            for rep in range(reps):
                for side in ("prt", "dpdk") if rep % 2 == 0 else ("dpdk", "prt"):
                    res[side].append(one(side, testpmd, cpus, mode, seconds))
            prt, dpdk = statistics.median(res["prt"]), statistics.median(res["dpdk"])
            print(f"case=af_xdp_{mode} prt={prt:.3f} dpdk={dpdk:.3f} ratio={prt / dpdk:.2f}",
                  flush=True)
            print("  runs " + " ".join(f"{s}=[{' '.join(f'{v:.3f}' for v in r)}]"
                                       for s, r in res.items()), flush=True)
    finally:
        subprocess.run(["ip", "netns", "del", NS])
    return 0


if __name__ == "__main__":
    sys.exit(main())
