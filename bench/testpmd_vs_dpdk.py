#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Forwarding rate of testpmd-lite against dpdk-testpmd (DPDK 22.11, Debian's
dpdk-dev), same options, same lcores, in the same run: the main lcore on the
first CPU, one forwarding lcore on the second, burst 32, 1024 descriptors.

Each side runs SECONDS seconds with --stats-period=1; the figure is the
median of the per-second rates after the first (warm-up) second, summed over
the ports: frames sent (io, macswap, txonly) or received (rxonly), in Mpps.
Prints one line per case:

    case=io_null prt=<Mpps> dpdk=<Mpps> ratio=<prt/dpdk>

usage: testpmd_vs_dpdk.py TESTPMD_LITE [SECONDS] [CASE...]
"""
import os
import re
import signal
import statistics
import subprocess
import sys

from bench_cpu import cpu_line

DPDK_TESTPMD = "/usr/bin/dpdk-testpmd"

# name: (vdevs, testpmd options, what is counted)
CASES = {
    "io_null": (["net_null0", "net_null1"], ["--forward-mode=io"], "tx"),
    "macswap_ring": (["net_ring0", "net_ring1"], ["--forward-mode=macswap", "--tx-first"], "tx"),
    "txonly_null": (["net_null0", "net_null1"], ["--forward-mode=txonly"], "tx"),
    "rxonly_null": (["net_null0", "net_null1"], ["--forward-mode=rxonly"], "rx"),
}
COMMON = ["--burst=32", "--nb-cores=1", "--rxd=1024", "--txd=1024", "--stats-period=1"]


def lcores():
    cpus = sorted(os.sched_getaffinity(0))
    if len(cpus) < 2:
        return None
    return f"{cpus[0]},{cpus[1]}"


def run(cmd, seconds):
    """Runs @cmd for @seconds, then SIGINT; returns its output."""
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                         stdin=subprocess.PIPE, text=True)
    try:
        out, _ = p.communicate(timeout=seconds)
    except subprocess.TimeoutExpired:
        p.send_signal(signal.SIGINT)
        out, _ = p.communicate(timeout=30)
    if p.returncode not in (0, -signal.SIGINT):
        sys.stderr.write(out[-3000:])
        raise SystemExit(f"{cmd[0]} failed (exit {p.returncode})")
    return out


# testpmd-lite writes rates with the prefix that fits: "37 pps", "12.4 Kpps", "1.2 Mpps".
SCALE = {"": 1, "K": 1e3, "M": 1e6, "G": 1e9, "T": 1e12}


def median_mpps(per_second):
    """Median of the per-second totals after the first second, in Mpps."""
    rates = per_second[1:] or per_second
    if not rates:
        raise SystemExit("no periodic statistics were printed")
    return statistics.median(rates) / 1e6


def prt_mpps(out, what):
    """testpmd-lite's rate in @out (its "total:" lines): rx or tx, in Mpps."""
    key = 1 if what == "rx" else 3
    totals = [float(m.group(key)) * SCALE[m.group(key + 1)]
              for m in re.finditer(r"^total:\s+rx ([\d.]+) ([KMGT]?)pps .*, tx ([\d.]+) ([KMGT]?)pps",
                                   out, re.M)]
    return median_mpps(totals)


def dpdk_mpps(out, what, nports):
    """dpdk-testpmd's rate in @out (its Rx-pps/Tx-pps lines, @nports a period), in Mpps."""
    label = "Rx-pps" if what == "rx" else "Tx-pps"
    values = [int(v) for v in re.findall(label + r":\s+(\d+)", out)]
    # One line per port per period: add the ports of each period.
    totals = [sum(values[i:i + nports]) for i in range(0, len(values) - nports + 1, nports)]
    # testpmd prints a first period before forwarding has begun: drop zeros at the start.
    while totals and totals[0] == 0:
        totals.pop(0)
    return median_mpps(totals)


def prt_rate(testpmd, cpus, case, seconds):
    vdevs, opts, what = CASES[case]
    cmd = [testpmd, "-l", cpus]
    for v in vdevs:
        cmd += ["--vdev", v]
    cmd += ["--"] + COMMON + opts + [f"--run-time={seconds}"]
    return prt_mpps(run(cmd, seconds + 30), what)


def dpdk_rate(cpus, case, seconds, nports):
    vdevs, opts, what = CASES[case]
    cmd = [DPDK_TESTPMD, "-l", cpus, "--in-memory", "--no-pci"]
    for v in vdevs:
        cmd += ["--vdev", v]
    cmd += ["--"] + COMMON + opts
    return dpdk_mpps(run(cmd, seconds), what, nports)


def main():
    if len(sys.argv) < 2:
        raise SystemExit(__doc__)
    testpmd = sys.argv[1]
    seconds = int(sys.argv[2]) if len(sys.argv) > 2 else 6
    cases = sys.argv[3:] or list(CASES)
    cpus = lcores()
    if cpus is None:
        print("SKIP: the forwarding bench needs two CPUs (main and forwarding lcore)")
        return 77
    if not os.access(DPDK_TESTPMD, os.X_OK):
        print(f"SKIP: {DPDK_TESTPMD} missing (apt-get install dpdk-dev; tools/setup-debian)")
        return 77
    print(cpu_line(), flush=True)
    for case in cases:
        prt = prt_rate(testpmd, cpus, case, seconds)
        dpdk = dpdk_rate(cpus, case, seconds, len(CASES[case][0]))
        print(f"case={case} prt={prt:.2f} dpdk={dpdk:.2f} ratio={prt / dpdk:.2f}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
