#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""prt's net_virtio_user against DPDK's own (DPDK 22.11, dpdk-testpmd as the
front-end), both talking to the same DPDK vhost backend (dpdk-testpmd
--vdev net_vhost0) in the same run, on the same lcores: the backend's
forwarding lcore on one CPU, the front-end's on the other; burst 32, 64-byte
frames, queue_size=256, one queue pair, split and packed rings.

  txonly  the front-end sends (txonly), the backend receives (rxonly)
  rxonly  the backend sends (txonly), the front-end receives (rxonly)
  io      a loop: the front-end starts with one burst and forwards what comes
          back (io, --tx-first), the backend forwards it back (io)

The figure is measured at the backend, the same way for both front-ends:
the median of its per-second rate (--stats-period=1; Rx-pps, or Tx-pps for
rxonly: frames the front-end's ring took) over the front-end's run, first
and last second left out. Prints one line per case:

    case=virtio_user_<mode>_<split|packed> prt=<Mpps> dpdk=<Mpps> ratio=<prt/dpdk>

usage: virtio_user.py TESTPMD_LITE [SECONDS] [CASE...]   (root, hugepages)
"""
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

DPDK_TESTPMD = "/usr/bin/dpdk-testpmd"

# mode: (front-end options, backend options, the backend's counter)
MODES = {
    "txonly": (["--forward-mode=txonly"], ["--forward-mode=rxonly"], "Rx-pps"),
    "rxonly": (["--forward-mode=rxonly"], ["--forward-mode=txonly"], "Tx-pps"),
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
           "--"] + COMMON + MODES[mode][1] + ["--stats-period=1", "--total-num-mbufs=16384"]
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


def main():
    if len(sys.argv) < 2:
        raise SystemExit(__doc__)
    testpmd = sys.argv[1]
    seconds = int(sys.argv[2]) if len(sys.argv) > 2 else 6
    cases = sys.argv[3:] or [f"{m}_{r}" for m in MODES for r in ("split", "packed")]
    c = cpus()
    if c is None:
        print("SKIP: needs two CPUs (a forwarding lcore for each side)")
        return 77
    if os.geteuid() != 0 or not os.access(DPDK_TESTPMD, os.X_OK):
        print("SKIP: needs root and dpdk-testpmd (tools/setup-debian)")
        return 77
    for case in cases:
        mode, ring = case.split("_")
        with tempfile.TemporaryDirectory(prefix="prt_vubench_") as wd:
            sock, log = Path(wd) / "vhost.sock", Path(wd) / "backend.log"
            be = backend(sock, log, mode, c[0], c[1])
            res = {}
            try:
                for side in ("prt", "dpdk"):
                    mark = len(log.read_text(errors="replace"))
                    frontend(side, testpmd, sock, mode, int(ring == "packed"), c[1], c[0],
                             seconds)
                    time.sleep(1.5)  # the backend's last period of this run
                    res[side] = rate(log.read_text(errors="replace")[mark:], MODES[mode][2])
            finally:
                stop(be)
                sock.unlink(missing_ok=True)
        print(f"case=virtio_user_{case} prt={res['prt']:.3f} dpdk={res['dpdk']:.3f} "
              f"ratio={res['prt'] / res['dpdk']:.2f}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
