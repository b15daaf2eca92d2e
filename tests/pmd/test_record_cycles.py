#!/usr/bin/env python3
"""testpmd-lite --record-core-cycles: the forwarding lcores' busy cycles
per packet in dpdk-testpmd's words (what bench/bench_common.py's cycles()
reads from either program), over net_null ports.

    test_record_cycles.py TESTPMD_LITE

io      two ports: the line counts RX packets, the same number the
        "forward:" line gives (io sends what it receives), and a positive
        number of busy cycles no larger than the run's TSC cycles;
txonly  one port: TX packets, as many as the "forward:" line;
without the option no such line.
"""
import re
import subprocess
import sys

from testpmd_test import fail, lcores

CYCLES = re.compile(r"^  CPU cycles/packet=([\d.]+) \(busy cycles=(\d+) / total (RX|TX) "
                    r"packets=(\d+)\) at (\d+) MHz Clock$", re.M)
FORWARD = re.compile(r"^forward: mode \S+, (\d+) packets in ([\d.]+) s", re.M)
RUN_TIME = 1


def run(testpmd, vdevs, mode, record):
    cmd = [testpmd, "--no-huge", "-m", "64", "--lcores", lcores()]
    for v in vdevs:
        cmd += ["--vdev", v]
    cmd += ["--", f"--forward-mode={mode}", f"--run-time={RUN_TIME}"]
    if record:
        cmd.append("--record-core-cycles")
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
    out = r.stdout + r.stderr
    if r.returncode != 0:
        fail(f"{' '.join(cmd)} exited {r.returncode}", out)
    return out


def check(testpmd, vdevs, mode, direction):
    out = run(testpmd, vdevs, mode, True)
    m, f = CYCLES.search(out), FORWARD.search(out)
    if not m or not f:
        fail(f"{mode}: no cycles line, or no forward line", out)
    per_pkt, busy, dirn, packets, mhz = (float(m[1]), int(m[2]), m[3], int(m[4]), int(m[5]))
    if dirn != direction or packets != int(f[1]) or packets == 0:
        fail(f"{mode}: counts {dirn} packets={packets}, forward line {f[1]}: "
             f"want {direction} and the same non-zero number", out)
    # Busy cycles: some, and no more than the run's own (one forwarding lcore).
    limit = float(f[2]) * mhz * 1e6 * 1.05
    if busy == 0 or busy > limit:
        fail(f"{mode}: busy cycles {busy}, outside (0, {limit:.0f}]", out)
    if abs(per_pkt - busy / packets) > 0.01:
        fail(f"{mode}: cycles/packet {per_pkt} is not {busy} / {packets}", out)
    print(f"{mode}: {m[0].strip()}")


def main():
    testpmd = sys.argv[1]
    check(testpmd, ["net_null0", "net_null1"], "io", "RX")
    check(testpmd, ["net_null0"], "txonly", "TX")
    out = run(testpmd, ["net_null0", "net_null1"], "io", False)
    if "CPU cycles/packet" in out:
        fail("a cycles line without --record-core-cycles", out)
    print("ok")


if __name__ == "__main__":
    main()
