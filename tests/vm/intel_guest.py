#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Inside a VM lab guest (tools/vmlab run --tap --nics K,K,K): prt's Intel
driver K (e1000e or igb) on three NICs of that kind, the first on the host's
tap, the other two on QEMU's hub. Runs by tests/vm/intel_test.py, which
replays a capture into the tap and records what comes back.

Checks, each reported as "check NAME: ok|FAIL ...":
  pair           testpmd-lite txonly on hub NIC A, rxonly on hub NIC B (two
                 processes): B received every frame A sent
  port           tests/vm/intel_port on A -> B: a link interrupt reaches the
                 driver; the capture's flows spread over every rx queue of B,
                 one queue (and one hash) per flow; a 9000-byte frame goes as
                 a chain and arrives as one; a head register past the ring
                 stops the port cleanly
  rx-intr-idle   testpmd-lite io, chained tap -> A -> B -> tap, --rx-intr:
                 the process uses (almost) no CPU in 5 s without traffic
  rx-intr-wake   then, after "replay now" (the host replays EXPECT frames
                 into the tap), every frame is forwarded around the chain
Exit status: 0 when every check passed, 1 otherwise.
"""
import argparse
import json
import os
import signal
import subprocess
import sys
import time

failed = []


def check(name, ok, detail):
    print(f"check {name}: {'ok' if ok else 'FAIL'} ({detail})", flush=True)
    if not ok:
        failed.append(name)


def start(argv, log):
    """A testpmd-lite in the background, its output in @log (read by wait_line)."""
    f = open(log, "w+")
    return subprocess.Popen(argv, stdout=f, stderr=subprocess.STDOUT), f


def wait_line(proc, f, text, timeout):
    """Waits for a line containing @text in @proc's log; False when it exits or times out."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        f.seek(0)
        if any(text in line for line in f):
            return True
        if proc.poll() is not None:
            return False
        time.sleep(0.1)
    return False


def show(f, what):
    f.seek(0)
    print(f"---- {what} ----\n{f.read()}---- end of {what} ----", flush=True)


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as s:
        fields = s.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def stop(proc, f, what, timeout=20):
    """SIGINT (testpmd-lite prints its statistics and exits); @return its status."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGINT)
    try:
        proc.wait(timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            # Not even SIGKILL ends it: stuck in the kernel (ps shows D).
            show(f, what)
            print(f"intel_guest: {what} (pid {proc.pid}) does not exit, even on SIGKILL")
            return -1
    if proc.returncode != 0:
        show(f, what)
    return proc.returncode


def pair_check(a, eal, nic_a, nic_b):
    rx_json, tx_json = f"{a.workdir}/pair-rx.json", f"{a.workdir}/pair-tx.json"
    # QEMU queues what a full ring cannot take, up to 10000 frames, then
    # drops, uncounted. Under TCG on a loaded host the receiver's vCPU can
    # stall for long, so the sender sends for 20 ms only, one frame per
    # doorbell (a few thousand frames: the 4096-descriptor ring and QEMU's
    # queue hold them all), and the receiver has its own vCPU.
    rx, rxf = start([a.testpmd] + eal + ["--main-lcore=1", "-a", nic_b, "--",
                                         "--forward-mode=rxonly",
                                         "--rxd=4096", f"--json-stats={rx_json}"],
                    f"{a.workdir}/pair-rx.log")
    if not wait_line(rx, rxf, "forwarding started", 60):
        stop(rx, rxf, "rxonly testpmd-lite")
        check("pair", False, "the rxonly testpmd-lite did not start")
        return
    tx = subprocess.run([a.testpmd] + eal + ["-a", nic_a, "--", "--forward-mode=txonly",
                                              "--burst=1", "--run-time=0.02",
                                              f"--json-stats={tx_json}"],
                        capture_output=True, text=True)
    time.sleep(1)  # what QEMU still holds for B
    status = stop(rx, rxf, "rxonly testpmd-lite")
    if tx.returncode != 0 or status != 0:
        print(tx.stdout + tx.stderr)
        check("pair", False, f"txonly exited {tx.returncode}, rxonly {status}")
        return
    sent = json.load(open(tx_json))["ports"][0]
    got = json.load(open(rx_json))["ports"][0]
    check("pair", sent["opackets"] > 100 and got["ipackets"] == sent["opackets"] and
          got["imissed"] == 0 and got["ierrors"] == 0,
          f"{sent['opackets']} frames sent by {nic_a}, {got['ipackets']} received by {nic_b}, "
          f"{got['imissed']} missed, {got['ierrors']} errors")


def port_check(a, eal, nic_a, nic_b):
    r = subprocess.run([a.port] + eal + ["-a", nic_a, "-a", nic_b, "--", a.rss_pcap,
                                        str(a.queues)], capture_output=True, text=True)
    lines = [ln for ln in r.stdout.splitlines()
             if ln.startswith(("rss:", "link:", "jumbo:", "broken:"))]
    if r.returncode != 0:
        print(r.stdout + r.stderr)
    check("port", r.returncode == 0, "; ".join(lines) or f"exit {r.returncode}")


def intr_check(a, eal, nics):
    js = f"{a.workdir}/io.json"
    io, iof = start([a.testpmd] + eal + sum((["-a", n] for n in nics), []) +
                    ["--", "--forward-mode=io", "--port-topology=chained", "--rx-intr",
                     "--stats-period=1", f"--json-stats={js}"], f"{a.workdir}/io.log")
    if not wait_line(io, iof, "forwarding started", 60):
        stop(io, iof, "io testpmd-lite")
        check("rx-intr-idle", False, "testpmd-lite did not start")
        return
    time.sleep(1)  # the worker goes to sleep after 256 idle passes
    c0 = cpu_seconds(io.pid)
    time.sleep(5)
    used = cpu_seconds(io.pid) - c0
    check("rx-intr-idle", used < 0.5, f"{used:.2f} s of CPU in 5 s without traffic")
    print("replay now", flush=True)  # the host's --ready
    # Frames go tap -> port 0 -> port 1 -> hub -> port 2 -> port 0 -> tap.
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not wait_line(
            io, iof, f"port 0: rx {a.expect:12d} pkts", 0.5):
        pass
    time.sleep(1)
    status = stop(io, iof, "io testpmd-lite")
    if status != 0:
        check("rx-intr-wake", False, f"testpmd-lite exited {status}")
        return
    ports = json.load(open(js))["ports"]
    counts = [(p["ipackets"], p["opackets"]) for p in ports]
    check("rx-intr-wake", counts == [(a.expect, a.expect), (0, a.expect), (a.expect, 0)],
          f"{a.expect} frames replayed; (rx, tx) per port: {counts}")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--testpmd", required=True)
    p.add_argument("--port", required=True)
    p.add_argument("--rss-pcap", required=True)
    p.add_argument("--queues", type=int, required=True)
    p.add_argument("--expect", type=int, required=True)
    p.add_argument("--workdir", required=True)
    a = p.parse_args()
    mode = os.environ["PRT_VMLAB_MODE"]
    nics = os.environ["PRT_VMLAB_NICS"].split()
    if len(nics) != 3:
        print(f"intel_guest: 3 NICs needed, PRT_VMLAB_NICS is {nics}")
        return 1
    eal = ["-l", "0-1", "-m", "64", f"--vfio-mode={mode}"]
    pair_check(a, eal, nics[1], nics[2])
    port_check(a, eal, nics[1], nics[2])
    intr_check(a, eal, nics)
    print(f"intel_guest: {len(failed)} check(s) failed{': ' + ', '.join(failed) if failed else ''}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
