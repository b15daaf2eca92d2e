#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Inside a VM lab guest (tools/vmlab run --tap --nics K,K,K): prt's driver
for K (e1000e, igb, vmxnet3) on three NICs of that kind, the first on the
host's tap, the other two on QEMU's hub. Runs by tests/vm/intel_test.py, which
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
  jumbo          (only with --checks) testpmd-lite txonly on A sends
                 9000-byte frames in five mbufs, rxonly on B (MTU 9000)
                 receives them whole as chains; what it had no buffers for
                 is counted as errors or missed, every frame accounted for
  mq             (only with --checks) the pair with two queue pairs on each
                 port: both of A's tx queues send, B receives every frame
--checks picks some of them (vmxnet3 runs pair, jumbo, mq and rx-intr: the
port check's registers and RSS are the Intel controllers').
Every program runs with a bounded wait (tests/vm/guest_proc.py): one that
hangs is described from inside the guest (threads, wait channels, system
calls, user stacks, kernel log) and killed; one that SIGKILL does not end
is stuck, and the checks after it are skipped. A guest CPU that stops
taking timer interrupts is reported as it happens (tests/vm/guest_cpu.py),
and named in the checks that fail.
Exit status: 0 when every check passed, 1 otherwise.
"""
import argparse
import json
import os
import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from guest_cpu import CpuWatch  # noqa: E402
from guest_proc import Proc, Stuck, run  # noqa: E402

# Seconds a testpmd-lite gets to print "forwarding started", and to exit after SIGINT.
START_TIMEOUT = 60
STOP_TIMEOUT = 20
# Seconds the one-shot programs (txonly for 20 ms, intel_port) get to finish.
RUN_TIMEOUT = 90
# The longest one check takes when its program hangs: the io check's start,
# idle and wake-up waits, then a stop that needs a diagnosis, gdb and SIGKILL.
CHECK_MAX = 240

failed = []
cpu_watch = None


def check(name, ok, detail):
    stalls = cpu_watch.stalls() if cpu_watch else []
    if not ok and stalls:
        detail += ("; a guest CPU stalled during the run, which alone can explain it: " +
                   ", ".join(stalls))
    print(f"check {name}: {'ok' if ok else 'FAIL'} ({detail})", flush=True)
    if not ok:
        failed.append(name)


def start(argv, log, what):
    """A testpmd-lite in the background; None (and described, stopped) when it
    does not print "forwarding started" in time."""
    p = Proc(argv, log, what)
    if p.wait_line("forwarding started", START_TIMEOUT):
        return p
    if p.poll() is None:
        p.diagnose(f"{p.what} (pid {p.pid}) did not print 'forwarding started' "
                   f"within {START_TIMEOUT} s")
    p.finish(STOP_TIMEOUT)
    return None


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as s:
        fields = s.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def drain(rx, tx_json, limit=20):
    """Waits until the rxonly @rx (--stats-period=1) counted every frame the
    txonly sent (its JSON @tx_json), or its count stood still for 3 s, at most
    @limit s: on a loaded host QEMU hands a receiver's vCPU what it queued for
    it slowly, so a fixed wait cut the count short."""
    try:
        sent = json.load(open(tx_json))["ports"][0]["opackets"]
    except (OSError, ValueError, KeyError, IndexError):
        sent = None
    deadline, last, still = time.monotonic() + limit, -1, time.monotonic()
    while time.monotonic() < deadline:
        got = [int(m) for m in re.findall(r"port 0: rx\s+(\d+) pkts", rx.output())]
        now = got[-1] if got else 0
        if sent is not None and now >= sent:
            return
        if now != last:
            last, still = now, time.monotonic()
        elif time.monotonic() - still >= 3:
            return
        time.sleep(0.5)


def pair_run(a, eal, nic_a, nic_b, name, opts, tx_extra=()):
    """txonly on hub NIC A (with @opts and @tx_extra), rxonly on hub NIC B
    (with @opts): the two
    ports' JSON counters and the txonly's output, or None (check NAME failed).
    QEMU queues what a full ring cannot take, up to 10000 frames, then
    drops, uncounted. Under TCG on a loaded host the receiver's vCPU can
    stall for long, so the sender sends for 20 ms only, one frame per
    doorbell (a few thousand frames: the 4096-descriptor ring and QEMU's
    queue hold them all), and the receiver has its own vCPU."""
    rx_json, tx_json = f"{a.workdir}/{name}-rx.json", f"{a.workdir}/{name}-tx.json"
    rx = start([a.testpmd] + eal + ["--main-lcore=1", "-a", nic_b, "--",
                                    "--forward-mode=rxonly", "--rxd=4096",
                                    "--stats-period=1", f"--json-stats={rx_json}"] + opts,
               f"{a.workdir}/{name}-rx.log", "rxonly testpmd-lite")
    if rx is None:
        check(name, False, "the rxonly testpmd-lite did not start")
        return None
    tx_status, tx_out = run([a.testpmd] + eal + ["-a", nic_a, "--", "--forward-mode=txonly",
                                                 "--burst=1", "--run-time=0.02",
                                                 f"--json-stats={tx_json}", *opts,
                                                 *tx_extra],
                            f"{a.workdir}/{name}-tx.log", "txonly testpmd-lite", RUN_TIMEOUT)
    drain(rx, tx_json)  # what QEMU still holds for B
    status = rx.finish(STOP_TIMEOUT)
    if tx_status != 0 or status != 0:
        check(name, False, f"txonly exited {tx_status}, rxonly {status}")
        return None
    return (json.load(open(tx_json))["ports"][0], json.load(open(rx_json))["ports"][0],
            tx_out)


def pair_check(a, eal, nic_a, nic_b, tx_extra=(), name="pair"):
    """txonly on NIC A (with testpmd-lite options TX_EXTRA), rxonly on NIC B;
    reported as check NAME."""
    r = pair_run(a, eal, nic_a, nic_b, name, [], tx_extra)
    if r is None:
        return
    sent, got, _ = r
    check(name, sent["opackets"] > 100 and got["ipackets"] == sent["opackets"] and
          got["imissed"] == 0 and got["ierrors"] == 0,
          f"{sent['opackets']} frames sent by {nic_a}, {got['ipackets']} received by {nic_b}, "
          f"{got['imissed']} missed, {got['ierrors']} errors")


def jumbo_check(a, eal, nic_a, nic_b):
    """9000-byte frames, sent as chains of five mbufs by txonly on A, received
    as chains by rxonly on B (MTU 9000 on both): each one whole."""
    r = pair_run(a, eal, nic_a, nic_b, "jumbo",
                 ["--max-pkt-len=9018", "--txpkts=2000,2000,2000,2000,1000"])
    if r is None:
        return
    sent, got, _ = r
    # A receiver that falls behind under TCG runs out of buffers: the device
    # then ends the frame with its error bit (counted in ierrors) or misses it
    # (imissed). Every frame sent is accounted for, and those received are whole.
    check("jumbo", sent["opackets"] > 10 and got["ipackets"] > 0 and
          got["ipackets"] + got["ierrors"] + got["imissed"] == sent["opackets"] and
          got["ibytes"] == 9000 * got["ipackets"],
          f"{sent['opackets']} frames of 9000 bytes sent by {nic_a}, {got['ipackets']} "
          f"received whole by {nic_b} ({got['ibytes']} bytes), {got['ierrors']} errors, "
          f"{got['imissed']} missed")


def mq_check(a, eal, nic_a, nic_b):
    """Two queue pairs on both ports: txonly sends on each tx queue of A, and
    rxonly on B receives every frame (QEMU's vmxnet3 delivers them all to rx
    queue 0)."""
    r = pair_run(a, eal, nic_a, nic_b, "mq", ["--rxq=2", "--txq=2"])
    if r is None:
        return
    sent, got, tx_out = r
    per_queue = [int(n) for n in re.findall(
        r"TX Port= 0/Queue= \d+ -+\s*RX-packets:\s+\d+\s+TX-packets:\s+(\d+)", tx_out)]
    check("mq", sent["opackets"] > 100 and got["ipackets"] == sent["opackets"] and
          len(per_queue) == 2 and min(per_queue) > 0 and got["ierrors"] == 0,
          f"{sent['opackets']} frames sent by {nic_a} (per tx queue: {per_queue}), "
          f"{got['ipackets']} received by {nic_b}, {got['imissed']} missed, "
          f"{got['ierrors']} errors")


def port_check(a, eal, nic_a, nic_b):
    status, out = run([a.port] + eal + ["-a", nic_a, "-a", nic_b, "--", a.rss_pcap,
                                        str(a.queues)],
                      f"{a.workdir}/port.log", "intel_port", RUN_TIMEOUT)
    lines = [ln for ln in out.splitlines()
             if ln.startswith(("rss:", "link:", "jumbo:", "broken:"))]
    check("port", status == 0, "; ".join(lines) or f"exit {status}")


def intr_check(a, eal, nics):
    js = f"{a.workdir}/io.json"
    io = start([a.testpmd] + eal + sum((["-a", n] for n in nics), []) +
               ["--", "--forward-mode=io", "--port-topology=chained", "--rx-intr",
                "--stats-period=1", f"--json-stats={js}"], f"{a.workdir}/io.log",
               "io testpmd-lite")
    if io is None:
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
    while time.monotonic() < deadline and not io.wait_line(
            f"port 0: rx {a.expect:12d} pkts", 0.5):
        pass
    time.sleep(1)
    status = io.finish(STOP_TIMEOUT)
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
    p.add_argument("--checks", default="pair,port,rx-intr",
                   help="the checks to run, comma-separated (default: %(default)s)")
    p.add_argument("--time-limit", type=float, required=True,
                   help="seconds this script may take (the lab's --timeout, less the boot)")
    a = p.parse_args()
    end = time.monotonic() + a.time_limit
    global cpu_watch
    cpu_watch = CpuWatch()
    mode = os.environ["PRT_VMLAB_MODE"]
    nics = os.environ["PRT_VMLAB_NICS"].split()
    if len(nics) != 3:
        print(f"intel_guest: 3 NICs needed, PRT_VMLAB_NICS is {nics}")
        return 1
    eal = ["-l", "0-1", "-m", "64", f"--vfio-mode={mode}"]
    checks = (("pair", lambda: pair_check(a, eal, nics[1], nics[2])),
              ("jumbo", lambda: jumbo_check(a, eal, nics[1], nics[2])),
              ("mq", lambda: mq_check(a, eal, nics[1], nics[2])),
              ("port", lambda: port_check(a, eal, nics[1], nics[2])),
              ("rx-intr", lambda: intr_check(a, eal, nics)))
    wanted = a.checks.split(",")
    for name, run_check in checks:
        if name not in wanted:
            continue
        if end - time.monotonic() < CHECK_MAX:
            # Let this script report, rather than the lab's timeout cut it off.
            check(name, False, f"skipped: less than {CHECK_MAX} s of the --time-limit left "
                  "(the checks before took that long)")
            continue
        try:
            run_check()
        except Stuck as e:
            # Its devices stay held by a process that cannot end: the next
            # checks would only wait on them too.
            check(name, False, f"{e}; the diagnosis above says where; the checks after it "
                  "are skipped")
            break
    print(f"intel_guest: {len(failed)} check(s) failed{': ' + ', '.join(failed) if failed else ''}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
