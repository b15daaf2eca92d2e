#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""prt's net_virtio_user against DPDK's own (DPDK 22.11, dpdk-testpmd as the
front-end), both talking to the same DPDK vhost backend (dpdk-testpmd
--vdev net_vhost0), with the same options, on the same lcores: the
backend's forwarding lcore on one CPU, the front-end's on the other; burst
32, 64-byte frames, queue_size=256, one queue pair, split and packed rings.

  txonly  the front-end sends (txonly), the backend receives (rxonly)
  txchain the same with frames of four 64-byte segments (--txpkts=64,64,64,64):
          chained tx, through indirect tables where the device offers them
  rxonly  the backend sends (txonly), the front-end receives (rxonly)
  io      a loop: the front-end starts with one burst and forwards what comes
          back (io, --tx-first), the backend forwards it back (io)

Each run starts a fresh backend, so neither side inherits the other's ring
or mbuf state. A case runs REPS pairs of runs, prt first in even pairs and
DPDK first in odd ones, so that a load that drifts during the case weighs
on both sides alike.

Two figures per run, both taken at the backend, the same way for either
front-end:
  Mpps     the median of the backend's per-second rate (--stats-period=1;
           Rx-pps, or Tx-pps for rxonly: frames the front-end's ring took),
           first and last second left out;
  cyc/pkt  the backend's forwarding TSC cycles per packet
           (--record-core-cycles; polls that found nothing are not counted).
           In txonly this is what it costs the backend to drain the
           front-end's ring, the bottleneck of that mode; it is less sensitive
           to the machine's load than Mpps, not immune (a preemption in the
           middle of a burst counts).

Prints, per case, the ratio of the paired runs' medians and their spread:

    case=virtio_user_<mode>_<split|packed> prt=<Mpps> dpdk=<Mpps> ratio=<prt/dpdk>
      runs prt=[..] dpdk=[..] ratio min..max; backend cyc/pkt prt=.. dpdk=..; load ..

usage: virtio_user.py TESTPMD_LITE [SECONDS] [--reps N] [CASE...]   (root, hugepages)
"""
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from bench_common import (COMMON, DPDK_TESTPMD, cpus, cycles, dpdk_dropped, dpdk_eal, fmt,
                          median_rate, paired, parse_args, preflight, ratios, run_bounded, stop,
                          vhost_backend)
from bench_cpu import cpu_line, topology_line

# mode: (front-end options, backend options, the backend's counter)
MODES = {
    "txonly": (["--forward-mode=txonly"], ["--forward-mode=rxonly"], "Rx-pps"),
    "rxonly": (["--forward-mode=rxonly"], ["--forward-mode=txonly"], "Tx-pps"),
    "txchain": (["--forward-mode=txonly", "--txpkts=64,64,64,64"],
                ["--forward-mode=rxonly"], "Rx-pps"),
    "io": (["--forward-mode=io", "--port-topology=loop", "--tx-first"],
           ["--forward-mode=io", "--port-topology=loop"], "Rx-pps"),
}
CASES = [f"{m}_{r}" for m in MODES for r in ("split", "packed")]


def backend(sock, log, mode, cpu_main, cpu_fwd):
    opts = COMMON + MODES[mode][1] + ["--stats-period=1", "--total-num-mbufs=16384",
                                      "--record-core-cycles"]
    return vhost_backend("dpdk", None, [sock], log, opts, cpu_main, cpu_fwd, "vhb")


def frontend(side, testpmd, sock, log, mode, packed, cpu_main, cpu_fwd, seconds):
    vdev = f"net_virtio_user0,path={sock},packed_vq={packed},queue_size=256"
    lcores = f"0@{cpu_main},1@{cpu_fwd}"
    if side == "prt":
        cmd = [testpmd, "--lcores", lcores, "--no-pci", "-m", "256", "--vdev", vdev, "--"] + \
            COMMON + MODES[mode][0] + [f"--run-time={seconds}"]
    else:
        cmd = [DPDK_TESTPMD, "--lcores", lcores] + dpdk_eal("vhf") + \
            ["--vdev", vdev, "--"] + COMMON + MODES[mode][0] + ["--stats-period=100"]
    status, out = run_bounded(cmd, log, seconds + (30 if side == "prt" else 3))
    if side == "prt" and status != 0:
        raise SystemExit(f"testpmd-lite failed (exit {status}):\n{out[-2000:]}")
    return out


def run(side, testpmd, mode, ring, c, seconds):
    """One front-end run against a fresh backend: its figures (Mpps, the
    backend's cycles/packet and the share of frames it could not hand over:
    in rxonly, how often the front-end's rx ring was full)."""
    with tempfile.TemporaryDirectory(prefix="prt_vubench_") as wd:
        sock, log = Path(wd) / "vhost.sock", Path(wd) / "backend.log"
        be = backend(sock, log, mode, c[0], c[1])
        try:
            frontend(side, testpmd, sock, Path(wd) / "frontend.log", mode,
                     int(ring == "packed"), c[1], c[0], seconds)
            time.sleep(1.5)  # the backend's last period of this run
        finally:
            stop(be)
            sock.unlink(missing_ok=True)
        text = log.read_text(errors="replace")
    return {"mpps": median_rate(text, MODES[mode][2]), "cyc": cycles(text),
            "drop": dpdk_dropped(text)}


def main():
    a = parse_args(__doc__, CASES)
    status = preflight("a forwarding lcore for each side")
    if status is not None:
        return status
    c = cpus()
    print(cpu_line(), flush=True)
    print(topology_line({"backend": c[1], "front-end": c[0]}), flush=True)
    for case in a.cases:
        mode, ring = case.split("_")
        load = os.getloadavg()[0]
        res, pairs = paired(a.reps, lambda side: run(side, a.program, mode, ring, c, a.seconds))
        r = ratios(pairs, "mpps")
        mpps = {s: [x["mpps"] for x in v] for s, v in res.items()}
        prt, dpdk = statistics.median(mpps["prt"]), statistics.median(mpps["dpdk"])
        print(f"case=virtio_user_{case} prt={prt:.3f} dpdk={dpdk:.3f} "
              f"ratio={statistics.median(r):.2f}", flush=True)
        cyc = {s: [x["cyc"] for x in v if x["cyc"] is not None] for s, v in res.items()}
        drop = {s: [x["drop"] for x in v if x["drop"] is not None] for s, v in res.items()}
        cpp = " ".join(f"{s}={statistics.median(v):.0f}" for s, v in cyc.items() if v)
        drp = " ".join(f"{s}={100 * statistics.median(v):.1f}%" for s, v in drop.items() if v)
        print(f"  runs prt={fmt(mpps['prt'])} dpdk={fmt(mpps['dpdk'])} "
              f"ratio {min(r):.2f}..{max(r):.2f}; backend cyc/pkt {cpp or 'n/a'}; "
              f"backend tx dropped {drp or 'n/a'}; "
              f"load {load:.1f}..{os.getloadavg()[0]:.1f}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
