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
import argparse
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench_cpu import cpu_line

DPDK_TESTPMD = "/usr/bin/dpdk-testpmd"

# mode: (front-end options, backend options, the backend's counter)
MODES = {
    "txonly": (["--forward-mode=txonly"], ["--forward-mode=rxonly"], "Rx-pps"),
    "rxonly": (["--forward-mode=rxonly"], ["--forward-mode=txonly"], "Tx-pps"),
    "txchain": (["--forward-mode=txonly", "--txpkts=64,64,64,64"],
                ["--forward-mode=rxonly"], "Rx-pps"),
    "io": (["--forward-mode=io", "--port-topology=loop", "--tx-first"],
           ["--forward-mode=io", "--port-topology=loop"], "Rx-pps"),
}
COMMON = ["--burst=32", "--nb-cores=1", "--rxd=256", "--txd=256"]


def cpus():
    c = sorted(os.sched_getaffinity(0))
    return (c[0], c[1]) if len(c) > 1 else None


def stop(p, timeout=20):
    if p.poll() is None:
        p.send_signal(signal.SIGINT)
        try:
            p.wait(timeout)
        except subprocess.TimeoutExpired:
            os.killpg(p.pid, signal.SIGKILL)
            p.wait()


def backend(sock, log, mode, cpu_main, cpu_fwd):
    cmd = [DPDK_TESTPMD, "-l", f"{cpu_main},{cpu_fwd}", "--main-lcore", str(cpu_main),
           "--no-pci", "--in-memory", "--single-file-segments", "-m", "256",
           "--file-prefix", f"vhb{os.getpid()}", "--vdev", f"net_vhost0,iface={sock},queues=1",
           "--"] + COMMON + MODES[mode][1] + ["--stats-period=1", "--total-num-mbufs=16384",
                                              "--record-core-cycles"]
    p = subprocess.Popen(cmd, stdout=open(log, "w"), stderr=subprocess.STDOUT,
                         stdin=subprocess.DEVNULL, start_new_session=True)
    deadline = time.time() + 30
    while not Path(sock).exists():
        if p.poll() is not None or time.time() > deadline:
            stop(p)
            raise SystemExit("the vhost backend did not start:\n" + Path(log).read_text()[-2000:])
        time.sleep(0.1)
    return p


def frontend(side, testpmd, sock, mode, packed, cpu_main, cpu_fwd, seconds):
    vdev = f"net_virtio_user0,path={sock},packed_vq={packed},queue_size=256"
    lcores = f"0@{cpu_main},1@{cpu_fwd}"
    if side == "prt":
        cmd = [testpmd, "--lcores", lcores, "--no-pci", "-m", "256", "--vdev", vdev, "--"] + \
            COMMON + MODES[mode][0] + [f"--run-time={seconds}"]
    else:
        cmd = [DPDK_TESTPMD, "--lcores", lcores, "--no-pci", "--in-memory",
               "--single-file-segments", "-m", "256", "--file-prefix", f"vhf{os.getpid()}",
               "--vdev", vdev, "--"] + COMMON + MODES[mode][0] + ["--stats-period=100"]
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                         stdin=subprocess.DEVNULL, text=True, start_new_session=True)
    try:
        out, _ = p.communicate(timeout=seconds + (30 if side == "prt" else 3))
    except subprocess.TimeoutExpired:
        stop(p)
        out = p.stdout.read() if p.stdout else ""
    if side == "prt" and p.returncode != 0:
        raise SystemExit(f"testpmd-lite failed (exit {p.returncode}):\n{out[-2000:]}")
    return out


def rate(log_text, counter):
    """Median per-second rate in Mpps, leaving out idle seconds and the first/last one."""
    values = [int(v) for v in re.findall(counter + r":\s+(\d+)", log_text)]
    busy = [v for v in values if v > 0][1:-1]
    if not busy:
        raise SystemExit(f"the backend reported no {counter} during the run")
    return statistics.median(busy) / 1e6


def cycles(log_text):
    """The backend's forwarding cycles per packet (--record-core-cycles), or None."""
    m = re.search(r"CPU cycles/packet=([\d.]+)", log_text)
    return float(m.group(1)) if m else None


def dropped(log_text):
    """Share of the frames the backend could not hand over (its TX-dropped of
    TX-total, from the final statistics): in rxonly, how often the front-end's
    rx ring was full; 0 when the backend is the bottleneck."""
    m = re.findall(r"TX-dropped:\s+(\d+)\s+TX-total:\s+(\d+)", log_text)
    if not m or int(m[-1][1]) == 0:
        return None
    return int(m[-1][0]) / int(m[-1][1])


def run(side, testpmd, mode, ring, c, seconds):
    """One front-end run against a fresh backend: (Mpps, backend cycles/packet, dropped share)."""
    with tempfile.TemporaryDirectory(prefix="prt_vubench_") as wd:
        sock, log = Path(wd) / "vhost.sock", Path(wd) / "backend.log"
        be = backend(sock, log, mode, c[0], c[1])
        try:
            frontend(side, testpmd, sock, mode, int(ring == "packed"), c[1], c[0], seconds)
            time.sleep(1.5)  # the backend's last period of this run
        finally:
            stop(be)
            sock.unlink(missing_ok=True)
        text = log.read_text(errors="replace")
    return rate(text, MODES[mode][2]), cycles(text), dropped(text)


def fmt(values):
    return "[" + " ".join(f"{v:.2f}" for v in values) + "]"


def main():
    ap = argparse.ArgumentParser(usage=__doc__.rsplit("usage: ", 1)[1])
    ap.add_argument("testpmd")
    ap.add_argument("--reps", type=int, default=3, help="pairs of runs per case (3)")
    ap.add_argument("rest", nargs="*", metavar="[SECONDS] [CASE...]")
    a = ap.parse_intermixed_args()
    a.seconds = int(a.rest.pop(0)) if a.rest and a.rest[0].isdigit() else 5
    cases = a.rest or [f"{m}_{r}" for m in MODES for r in ("split", "packed")]
    c = cpus()
    if c is None:
        print("SKIP: needs two CPUs (a forwarding lcore for each side)")
        return 77
    if os.geteuid() != 0 or not os.access(DPDK_TESTPMD, os.X_OK):
        print("SKIP: needs root and dpdk-testpmd (tools/setup-debian)")
        return 77
    print(cpu_line(), flush=True)
    for case in cases:
        mode, ring = case.split("_")
        res = {"prt": [], "dpdk": []}
        cyc = {"prt": [], "dpdk": []}
        drop = {"prt": [], "dpdk": []}
        ratios = []
        load = os.getloadavg()[0]
        for rep in range(a.reps):
            for side in ("prt", "dpdk") if rep % 2 == 0 else ("dpdk", "prt"):
                mpps, cpp, dr = run(side, a.testpmd, mode, ring, c, a.seconds)
                res[side].append(mpps)
                if cpp is not None:
                    cyc[side].append(cpp)
                if dr is not None:
                    drop[side].append(dr)
            ratios.append(res["prt"][-1] / res["dpdk"][-1])
        prt, dpdk = statistics.median(res["prt"]), statistics.median(res["dpdk"])
        print(f"case=virtio_user_{case} prt={prt:.3f} dpdk={dpdk:.3f} "
              f"ratio={statistics.median(ratios):.2f}", flush=True)
        cpp = " ".join(f"{s}={statistics.median(v):.0f}" for s, v in cyc.items() if v)
        drp = " ".join(f"{s}={100 * statistics.median(v):.1f}%" for s, v in drop.items() if v)
        print(f"  runs prt={fmt(res['prt'])} dpdk={fmt(res['dpdk'])} "
              f"ratio {min(ratios):.2f}..{max(ratios):.2f}; backend cyc/pkt {cpp or 'n/a'}; "
              f"backend tx dropped {drp or 'n/a'}; "
              f"load {load:.1f}..{os.getloadavg()[0]:.1f}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
