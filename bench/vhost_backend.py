#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""prt's vhost-user back-end (testpmd-lite --vdev net_vhost0) against DPDK's
own (DPDK 22.11, dpdk-testpmd --vdev net_vhost0), both serving the same
front-end, DPDK's net_virtio_user (dpdk-testpmd), with the same options, on
the same lcores: the back-end's forwarding lcore on one CPU, the
front-end's on the other; burst 32, 64-byte frames, queue_size=256, one
queue pair, split and packed rings (packed_vq=1).

  rxonly  the back-end sends (txonly), the front-end receives (rxonly)
  txonly  the front-end sends (txonly), the back-end receives (rxonly)
  io      a loop: the front-end starts with one burst and forwards what comes
          back (io, --tx-first), the back-end forwards it back (io)

Each run starts a fresh back-end, then the front-end. A case runs REPS
pairs of runs, prt first in even pairs and DPDK first in odd ones.

Figures per run; the rate is taken at the front-end, the side that is the
same program in both runs:
  Mpps     the median of the front-end's per-second rate (--stats-period=1;
           Rx-pps, or Tx-pps for txonly: frames the back-end took from its
           ring), first and last second left out;
  fe cyc/pkt  the front-end's forwarding TSC cycles per packet
           (--record-core-cycles; rx polls that found nothing are not
           counted, txonly bursts the ring refused are): what serving this
           back-end costs the front-end (the cache lines the back-end writes
           and the front-end then reads come in here);
  be cyc/pkt  the back-end's own forwarding TSC cycles per packet, counted
           the same way by both (--record-core-cycles: dpdk-testpmd's, and
           testpmd-lite's since 2026-12-08);
  fe/be tx dropped  the share of the frames the sending side generated
           that the ring did not take (rxonly: the back-end finding the
           front-end's rx ring full, so the front-end limits the run;
           txonly: the other way round).
The features the front-end negotiated are read from its log (DPDK's
"features after negotiate", pmd.net.virtio.init at debug level): a packed
case where a back-end did not take VIRTIO_F_RING_PACKED ran split rings, and
is reported as such; no ratio compares a split run with a packed one.

Prints, per case:

    case=vhost_backend_<mode>_<split|packed> prt=<Mpps> dpdk=<Mpps> ratio=<prt/dpdk>
      runs prt=[..] dpdk=[..] ratio min..max; fe cyc/pkt prt=.. dpdk=..; be cyc/pkt ..; ...
      features prt=0x.. (..) dpdk=0x.. (..)

Exit status 1 when a back-end could not run a case (a fall-back to split
rings is reported, not a failure), 77 when the machine cannot run it.

usage: vhost_backend.py TESTPMD_LITE [SECONDS] [--reps N] [--frontend-args K=V,..] [CASE...]
       (root, hugepages)
"""
import os
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

from bench_common import (COMMON, DPDK_TESTPMD, cpus, cycles, dpdk_dropped, dpdk_eal, fmt, med,
                          median_rate, paired, parse_args, per_second, preflight, ratios, start,
                          stop, tail, vhost_backend, wait_text)
from bench_cpu import cpu_line, topology_line

# mode: (front-end options, back-end options, the front-end's counter)
MODES = {
    "rxonly": (["--forward-mode=rxonly"], ["--forward-mode=txonly"], "Rx-pps"),
    "txonly": (["--forward-mode=txonly"], ["--forward-mode=rxonly"], "Tx-pps"),
    "io": (["--forward-mode=io", "--port-topology=loop", "--tx-first"],
           ["--forward-mode=io", "--port-topology=loop"], "Rx-pps"),
}
CASES = [f"{m}_{r}" for m in MODES for r in ("split", "packed")]

# virtio 1.2 feature bits worth naming in the report (5.1.3, 6).
FEATURES = {15: "MRG_RXBUF", 16: "STATUS", 29: "EVENT_IDX", 28: "INDIRECT",
            32: "VERSION_1", 34: "RING_PACKED", 35: "IN_ORDER"}
RING_PACKED = 34
# dpdk-testpmd writes this once its forwarding lcores run.
FORWARDING = r"Logical Core \d+ \(socket \d+\) forwards packets"


def backend(side, testpmd, sock, log, mode, cpu_main, cpu_fwd):
    """The back-end under test, listening on @sock: its main lcore on
    @cpu_main, its forwarding lcore on @cpu_fwd."""
    opts = COMMON + MODES[mode][1] + ["--stats-period=1", "--total-num-mbufs=16384",
                                      "--record-core-cycles"]
    return vhost_backend(side, testpmd, [sock], log, opts, cpu_main, cpu_fwd, "vbb")


def frontend(sock, log, mode, packed, cpu_main, cpu_fwd, seconds, fe_args=""):
    """DPDK's virtio-user front-end on @sock, forwarding on @cpu_fwd until
    its log holds @seconds + 2 busy per-second rates (the first and last are
    left out), at most 30 s more. False when it never started forwarding
    or stopped moving frames (its log says why)."""
    vdev = f"net_virtio_user0,path={sock},queue_size=256,packed_vq={packed}" + \
        (f",{fe_args}" if fe_args else "")
    cmd = [DPDK_TESTPMD, "--lcores", f"0@{cpu_main},1@{cpu_fwd}"] + dpdk_eal("vbf") + \
        ["--log-level=pmd.net.virtio.init:debug", "--vdev", vdev, "--"] + COMMON + \
        MODES[mode][0] + ["--stats-period=1", "--total-num-mbufs=16384",
                          "--record-core-cycles"]
    p = start(cmd, log)
    deadline = time.time() + seconds + 30
    try:
        if not wait_text(p, log, FORWARDING, timeout=30):
            return False
        while time.time() < deadline and p.poll() is None:
            text = Path(log).read_text(errors="replace")
            if sum(v > 0 for v in per_second(text, MODES[mode][2])) >= seconds + 2:
                return True
            time.sleep(0.2)
        return False
    finally:
        stop(p)


def negotiated(text):
    """The features DPDK's front-end settled on (its last negotiation), or None."""
    m = re.findall(r"features after negotiate = ([0-9a-fA-F]+)", text)
    return int(m[-1], 16) if m else None


def prt_dropped(text):
    """testpmd-lite's share of frames not taken by tx, from its final
    'forward: mode M, N packets in S s = R, D dropped' line, or None."""
    m = re.findall(r"forward: mode \w+, (\d+) packets in .*?, (\d+) dropped", text)
    if not m or int(m[-1][0]) + int(m[-1][1]) == 0:
        return None
    sent, drop = int(m[-1][0]), int(m[-1][1])
    return drop / (sent + drop)


def run(side, testpmd, mode, ring, c, seconds, fe_args=""):
    """One front-end run against a fresh back-end of @side: its figures, or
    a dict with "error" when it could not run."""
    with tempfile.TemporaryDirectory(prefix="prt_vbbench_") as wd:
        sock, be_log, fe_log = Path(wd) / "vhost.sock", Path(wd) / "be.log", Path(wd) / "fe.log"
        try:
            be = backend(side, testpmd, sock, be_log, mode, c[0], c[1])
        except SystemExit as e:
            return {"error": str(e), "features": None}
        try:
            ok = frontend(sock, fe_log, mode, int(ring == "packed"), c[1], c[0], seconds,
                          fe_args)
        finally:
            stop(be)
            sock.unlink(missing_ok=True)
        fe, bet = fe_log.read_text(errors="replace"), be_log.read_text(errors="replace")
        feats = negotiated(fe)
        if not ok:
            return {"error": "the front-end did not forward:\n" + tail(fe_log, 1500) +
                    f"\n{side}'s back-end:\n" + tail(be_log, 1500), "features": feats}
        rings = None if feats is None else "packed" if feats >> RING_PACKED & 1 else "split"
        try:
            mpps = median_rate(fe, MODES[mode][2], "the front-end")
        except SystemExit as e:
            return {"error": f"{e}\n{side}'s back-end:\n" + tail(be_log, 1500),
                    "features": feats}
        return {"mpps": mpps, "fe_cyc": cycles(fe), "be_cyc": cycles(bet),
                "be_drop": prt_dropped(bet) if side == "prt" else dpdk_dropped(bet),
                "fe_drop": dpdk_dropped(fe),
                "features": feats, "rings": rings, "paths": paths(fe)}


def paths(text):
    """The rx and tx functions DPDK's front-end chose (they follow the
    features: in-order paths with IN_ORDER), e.g. "mergeable buffer Rx, standard Tx"."""
    return ", ".join(dict.fromkeys(re.findall(r"virtio: using (.*?) path on port", text)))


def describe(feats):
    if feats is None:
        return "? (not in the front-end's log)"
    names = [n for b, n in sorted(FEATURES.items()) if feats >> b & 1]
    return f"0x{feats:x} ({' '.join(names)})"


def report(case, ring, res, pairs, load):
    """Prints a case's lines. A side whose runs failed or negotiated other
    rings than the case asked for has no figure in a ratio. Returns whether
    a side could not run (a fall-back to split rings is not a failure)."""
    ok = {}
    notes = []
    for side, runs in res.items():
        err = [r for r in runs if "error" in r]
        wrong = [r for r in runs if "error" not in r and r["rings"] != ring]
        if err:
            notes.append(f"{side}'s back-end could not run this case: "
                         f"{err[0]['error'].strip()}")
        elif wrong:
            notes.append(f"{side}'s back-end did not take {ring} rings: the front-end "
                         f"negotiated {describe(wrong[0]['features'])}, so it ran "
                         f"{wrong[0]['rings'] or '?'} rings; no ratio against {ring}")
        ok[side] = not err and not wrong
    mpps = {s: [r["mpps"] for r in v if "mpps" in r] for s, v in res.items()}
    fig = {s: (f"{statistics.median(mpps[s]):.3f}" if ok[s] else "n/a") for s in res}
    good = [p for p in pairs if all(ok.values())]
    r = ratios(good, "mpps")
    ratio = f"{statistics.median(r):.2f}" if r else "n/a"
    print(f"case=vhost_backend_{case} prt={fig['prt']} dpdk={fig['dpdk']} ratio={ratio}",
          flush=True)
    spread = f"ratio {min(r):.2f}..{max(r):.2f}; " if r else ""

    def label(s):  # a side's figures from other rings than the case's say so
        return "" if ok[s] or not mpps[s] else f" ({res[s][0].get('rings')} rings)"
    fe_cyc = " ".join(f"{s}={med([x.get('fe_cyc') for x in v])}{label(s)}"
                      for s, v in res.items())
    be_cyc = " ".join(f"{s}={med([x.get('be_cyc') for x in v])}{label(s)}"
                      for s, v in res.items())
    drop = "; ".join(f"{who} tx dropped " + " ".join(
        f"{s}={med([x.get(key) for x in v], '.1f', 100, '%')}" for s, v in res.items())
        for who, key in (("fe", "fe_drop"), ("be", "be_drop"))
        if any(x.get(key) is not None for v in res.values() for x in v))
    runs = " ".join(f"{s}={fmt(mpps[s])}{label(s)}" for s in res)
    print(f"  runs {runs} {spread}"
          f"fe cyc/pkt {fe_cyc}; be cyc/pkt {be_cyc}; {drop + '; ' if drop else ''}"
          f"load {load:.1f}..{os.getloadavg()[0]:.1f}", flush=True)
    feats = " ".join(f"{s}={describe(v[0]['features'])}" for s, v in res.items() if v)
    print(f"  features {feats}", flush=True)
    fe_paths = "; ".join(f"{s}: {v[0].get('paths') or '?'}" for s, v in res.items() if v)
    print(f"  front-end paths {fe_paths}", flush=True)
    for n in notes:
        print("  NOTE: " + n.replace("\n", "\n    "), flush=True)
    return any(not ok[s] and any("error" in r for r in res[s]) for s in res)


def main():
    a = parse_args(__doc__, CASES, add_options=lambda ap: ap.add_argument(
        "--frontend-args", default="", metavar="KEY=V[,..]",
        help="more devargs for the front-end's net_virtio_user, both runs alike "
             "(in_order=0: neither back-end gets IN_ORDER)"))
    status = preflight("the back-end's forwarding lcore and the front-end's")
    if status is not None:
        return status
    c = cpus()
    print(cpu_line(), flush=True)
    print(topology_line({"back-end": c[1], "front-end": c[0]}), flush=True)
    if a.frontend_args:
        print(f"front-end devargs +{a.frontend_args} (both runs)", flush=True)
    failed = False
    for case in a.cases:
        mode, ring = case.split("_")
        load = os.getloadavg()[0]
        stuck = set()

        def one(side):
            # A back-end that could not run, or fell back to split rings, is
            # not run again in this case: its figure would not be compared.
            if side in stuck:
                return None
            r = run(side, a.program, mode, ring, c, a.seconds, a.frontend_args)
            if "error" in r or r["rings"] != ring:
                stuck.add(side)
            return r
        res, pairs = paired(a.reps, one)
        failed |= report(case, ring, res, pairs, load)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
