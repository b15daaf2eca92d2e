#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Instructions per op of bench_ring_mempool's one-core cases, prt against
DPDK, counted by valgrind's callgrind: independent of the machine's load and
of code alignment, which move the cycle figures on a shared VM.

    bench/callgrind_ring_mempool.py BUILD/bench/bench_ring_mempool [FILTER...]

prints, per case,
    case=<name> prt_ir=<instructions/op> dpdk_ir=<...> ratio=<dpdk/prt>

Each filter (default: every 1-core and 1-lcore case) is one valgrind run of
the bench with --reps 1 --no-huge; the bench's measured loops are functions of
their own (bench_ring_1core_<side>_<mode>, bench_mempool_<side>[_const<n>],
bench_mbuf_<side>), whose inclusive counts callgrind_annotate gives. Valgrind
has no AVX-512: build the bench with -Dmarch=x86-64-v3 (the measured loops are
compiled for DPDK's -march=corei7 in any build, so they are the same code).
"""
import os
import re
import subprocess
import sys
import tempfile

FILTERS = [
    "single_1core", "burst8_1core", "burst32_1core",
    "mempool_cache_bulk1_1lcore", "mempool_cache_bulk8_1lcore",
    "mempool_cache_bulk32_1lcore", "mempool_nocache_bulk1_1lcore",
    "mempool_nocache_bulk8_1lcore", "mempool_nocache_bulk32_1lcore",
    "mbuf_alloc_free",
]


def function_of(case, side):
    """The bench function that runs @case's loop for @side ('prt', 'dpdk')."""
    m = re.match(r"ring_(sp_sc|mp_mc)_(single|burst)", case)
    if m:
        return f"bench_ring_1core_{side}_{m.group(1)}_{m.group(2)}"
    m = re.match(r"mempool_\w+_bulk(\d+)_1lcore(_const)?$", case)
    if m:
        return f"bench_mempool_{side}" + (f"_const{m.group(1)}" if m.group(2) else "")
    return f"bench_mbuf_{side}"


def run(bench, flt):
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "callgrind.out")
        res = subprocess.run(
            ["valgrind", "--tool=callgrind", "--collect-atstart=no",
             "--toggle-collect=bench_*", f"--callgrind-out-file={out}",
             bench, "--no-huge", "--reps", "1", "--case", flt],
            capture_output=True, text=True, check=True)
        ann = subprocess.run(["callgrind_annotate", "--inclusive=yes", out],
                             capture_output=True, text=True, check=True).stdout
    counts = {}
    for line in ann.splitlines():
        m = re.match(r"\s*([\d,]+) \([^)]*\)\s+\S*:(bench_\w+) ", line)
        if m:
            counts[m.group(2)] = int(m.group(1).replace(",", ""))
    for line in res.stdout.splitlines():
        m = re.match(r"case=(\S+) .* ops=(\d+)", line)
        if not m or "2cores" in m.group(1) or "2lcores" in m.group(1):
            continue
        case, ops = m.group(1), int(m.group(2))
        prt = counts.get(function_of(case, "prt"), 0) / ops
        dpdk = counts.get(function_of(case, "dpdk"), 0) / ops
        ratio = dpdk / prt if prt else 0
        print(f"case={case} prt_ir={prt:.2f} dpdk_ir={dpdk:.2f} ratio={ratio:.2f}",
              flush=True)


def main():
    if len(sys.argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    for flt in sys.argv[2:] or FILTERS:
        run(sys.argv[1], flt)
    return 0


if __name__ == "__main__":
    sys.exit(main())
