#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""prt's vhost-user back-end (net_vhost) against two front-ends: prt's own
net_virtio_user and DPDK's (dpdk-testpmd --vdev net_virtio_user0). The
back-end is testpmd-lite forwarding in macswap mode back to where each frame
came from.

  vhost_backend.py TESTPMD_LITE CAPTURE RX_INTR [CASE...]

Cases (all by default):
  prt_replay*   prt's front-end: testpmd-lite forwards CAPTURE (net_pcap) to
                net_virtio_user0 and what comes back to a capture file: every
                frame that fits must come back, in order, MAC addresses
                swapped and every other byte unchanged; the back-end's counts
                and the front-end's must equal the number of such frames.
                With mergeable rx buffers, without, and jumbo frames (chains);
                each on split rings, and on packed rings (*_packed*:
                net_virtio_user's packed_vq=1, VIRTIO_F_RING_PACKED acked).
  dpdk_txonly   DPDK's front-end (dpdk-testpmd --vdev net_virtio_user0) in
                txonly into the back-end in rxonly: the frames DPDK counts
                as sent arrive, 64 bytes each, no error, less at most its
                ring's 256 left in it when DPDK stops the ring. (Debian's
                dpdk-testpmd reads nothing from a net_pcap rx_pcap here, so
                DPDK cannot replay the capture.)
  dpdk_loop     DPDK's io loop with a first burst, through the back-end's
                macswap: the frames go round, nothing dropped, the back-end
                sends back every frame it receives but the one burst it may
                hold when the front-end stops (counted as dropped).
  dpdk_txonly_packed, dpdk_loop_packed
                the same with DPDK's front-end on packed rings (packed_vq=1).
  reconnect     prt's front-end is killed (SIGKILL) while it forwards in a
                loop, then a new one starts: the back-end reports link down
                then up again (LSC events), and the new front-end's frames go
                round (each side's counts match the other's, less what was
                in flight). reconnect_packed: the same on packed rings.
  client        net_vhost0 with client=1 connects to a DPDK front-end in
                txonly that listens (server=1); that front-end ends and a new
                one listens on the same path: the back-end reconnects (link
                up, down, up, down) and receives every frame of both.
  rx_intr       prt's front-end with rx interrupts (RX_INTR, vhost_rx_intr.c):
                one frame in flight through the back-end's macswap, the
                front-end sleeping on its rx queue between: the back-end
                signals the call eventfd for every frame the armed queue
                gets (split rings, EVENT_IDX: used_event), no wait times
                out, an armed idle queue does not wake, a frame wakes it.
                rx_intr_packed: the same on packed rings (the driver event
                suppression area).

Every process gets its own session and is killed whatever happens, within a
bounded time. SKIP (77) without root or hugepages (the front-ends share
hugepage memory), and for the DPDK cases without dpdk-testpmd.
"""
import json
import os
import re
import signal
import struct
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "vm"))
from replay_test import read_pcap  # noqa: E402
from vhost_interop import compare_macswapped, cpus, dpdk_counts, prt_counts, skip  # noqa: E402

QUEUE_SIZE = 4096  # holds a whole replay (see vhost_interop.py)
# name: (mrg_rxbuf, max_pkt_len, packed_vq)
PRT_REPLAYS = {"prt_replay": (1, 1518, 0), "prt_replay_nomrg": (0, 1518, 0),
               "prt_replay_jumbo": (1, 9018, 0), "prt_replay_packed": (1, 1518, 1),
               "prt_replay_packed_nomrg": (0, 1518, 1), "prt_replay_packed_jumbo": (1, 9018, 1)}
CASES = list(PRT_REPLAYS) + ["dpdk_txonly", "dpdk_loop", "reconnect", "client",
                             "dpdk_txonly_packed", "dpdk_loop_packed", "reconnect_packed",
                             "rx_intr", "rx_intr_packed"]
DPDK_CASES = {"dpdk_txonly", "dpdk_loop", "client", "dpdk_txonly_packed", "dpdk_loop_packed"}


class Proc:
    """A process in its own session whose output lines are collected as they come."""

    def __init__(self, cmd, log, stdin=None):
        self.log = log
        self.lines = []
        self.cond = threading.Condition()
        self.proc = subprocess.Popen(cmd, stdin=stdin, stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT, text=True,
                                     start_new_session=True)
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        with open(self.log, "w") as f:
            for line in self.proc.stdout:
                f.write(line)
                f.flush()
                with self.cond:
                    self.lines.append(line.rstrip("\n"))
                    self.cond.notify_all()

    def wait_for(self, pred, timeout, what):
        """Waits until pred(lines) holds; raises with the output's tail after @timeout s."""
        deadline = time.time() + timeout
        with self.cond:
            while not pred(self.lines):
                left = deadline - time.time()
                if left <= 0 or (self.proc.poll() is not None and not self.reader.is_alive()):
                    raise RuntimeError(f"{what} not seen within {timeout} s:\n" + self.tail())
                self.cond.wait(min(left, 0.2))

    def tail(self, n=25):
        return "\n".join(self.lines[-n:])

    def finish(self, timeout=20):
        """Waits for the end (after a signal or Enter); kills it after @timeout s."""
        try:
            self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            raise RuntimeError(f"{self.log.name} did not stop within {timeout} s:\n" +
                               self.tail())
        self.reader.join(5)
        return self.proc.returncode

    def kill(self):
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()
        self.reader.join(5)


def counted(lines, what):
    """The last 'port 0: rx N pkts ... | tx M pkts' of --stats-period: N (rx) or M (tx)."""
    for line in reversed(lines):
        m = re.match(r"port 0: rx\s+(\d+) pkts .*\| tx\s+(\d+) pkts", line)
        if m:
            return int(m.group(1 if what == "rx" else 2))
    return 0


class Backend(Proc):
    """testpmd-lite with net_vhost0 in macswap mode, until stop()."""

    def __init__(self, testpmd, workdir, devargs, max_len=1518, mode="macswap"):
        self.sock = Path(workdir) / "vhost.sock"
        self.json = Path(workdir) / "backend.json"
        a, b = cpus()
        cmd = [testpmd, "--lcores", f"0@{a},1@{a}", "--no-huge", "-m", "64", "--no-pci",
               "--log-level=pmd.net.vhost:info", "--vdev",
               f"net_vhost0,iface={self.sock}{devargs}", "--",
               f"--forward-mode={mode}", "--port-topology=loop", "--stats-period=1",
               f"--max-pkt-len={max_len}", f"--json-stats={self.json}"]
        super().__init__(cmd, Path(workdir) / "backend.log")
        self.wait_for(lambda ls: any(l.startswith("forwarding started") for l in ls), 30,
                      "the back-end's 'forwarding started'")

    def stop(self):
        """SIGINT (a clean stop: final counts, JSON); returns port 0's JSON counts."""
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGINT)
        rc = self.finish()
        if rc != 0:
            raise RuntimeError(f"the back-end exited {rc}:\n" + self.tail())
        return prt_counts(self.json, 0)

    def events(self):
        return [l.split(": ", 2)[2].split(",")[0] for l in self.lines
                if l.startswith("Port 0: link state change event")]


def run_frontend(testpmd, workdir, args, name):
    a, b = cpus()
    cmd = [testpmd, "--lcores", f"0@{b},1@{b}", "--no-pci", "-m", "128"] + args
    p = Proc(cmd, Path(workdir) / name)
    rc = p.finish(60)
    if rc != 0:
        raise RuntimeError(f"{name}: testpmd-lite exited {rc}:\n" + p.tail())
    return p


def case_prt_replay(testpmd, capture, wd, mrg, max_len, packed):
    out, js = Path(wd) / "out.pcap", Path(wd) / "fe.json"
    be = Backend(testpmd, wd, "", max_len)
    try:
        vu = (f"net_virtio_user0,path={be.sock},mrg_rxbuf={mrg},queue_size={QUEUE_SIZE},"
              f"packed_vq={packed}")
        mbuf = [] if mrg else [f"--mbuf-size={max_len + 128 + 64}"]
        run_frontend(testpmd, wd, ["--vdev", f"net_pcap0,rx_pcap={capture},tx_pcap={out}",
                                   "--vdev", vu, "--", "--forward-mode=io", "--run-time=3",
                                   f"--max-pkt-len={max_len}", f"--rxd={QUEUE_SIZE}",
                                   f"--txd={QUEUE_SIZE}", f"--json-stats={js}"] + mbuf,
                     "frontend.log")
        b = be.stop()
    finally:
        be.kill()
    sent = [f for f in read_pcap(capture) if 14 <= len(f) <= max_len]
    problems = compare_macswapped(sent, read_pcap(out)) + ring_type(be, packed)
    v = prt_counts(js, 1)
    if not (b["ipackets"] == b["opackets"] == v["opackets"] == v["ipackets"] == len(sent)):
        problems.append(f"counts: {len(sent)} frames; front-end sent {v['opackets']}, received "
                        f"{v['ipackets']}; back-end received {b['ipackets']}, sent "
                        f"{b['opackets']}")
    if b["ierrors"] or b["oerrors"] or v["ierrors"] or v["oerrors"]:
        problems.append(f"errors: back-end {b}, front-end {v}")
    return problems, f"{len(sent)} frames (up to {max(map(len, sent))} bytes)"


def ring_type(be, packed):
    """The back-end's log says which ring type each vring got: it must be the one asked for."""
    want = "packed" if packed else "split"
    got = {m.group(1) for l in be.lines for m in [re.search(r"vring \d+ (split|packed)", l)]
           if m}
    return [] if got == {want} else [f"the back-end's vrings were {sorted(got)}, not {want}"]


def dpdk_frontend(wd, sock, mode, server, n, packed=False):
    """dpdk-testpmd with net_virtio_user0 on @sock in forwarding @mode until Enter."""
    a, b = cpus()
    cmd = ["dpdk-testpmd", "-l", f"{a},{b}" if a != b else f"{a}", "--no-pci", "--in-memory",
           "--single-file-segments", "-m", "256", "--file-prefix", f"prtvb{os.getpid()}",
           "--vdev", f"net_virtio_user0,path={sock},queue_size=256{',server=1' if server else ''}"
           f"{',packed_vq=1' if packed else ''}",
           "--", f"--forward-mode={mode}", "--port-topology=loop", "-a", "--nb-cores=1",
           "--no-lsc-interrupt", "--total-num-mbufs=16384"]
    if mode == "io":
        cmd.append("--tx-first")
    return Proc(cmd, Path(wd) / f"dpdk{n}.log", stdin=subprocess.PIPE)


def dpdk_run(be, wd, mode, server, n, packed=False):
    """DPDK front-end run @n until the back-end has seen 1000 frames of it; its counts."""
    base = counted(be.lines, "rx")
    fe = dpdk_frontend(wd, be.sock, mode, server, n, packed)
    try:
        be.wait_for(lambda ls: counted(ls, "rx") - base >= 1000, 40,
                    f"1000 frames from DPDK's front-end (run {n})")
        fe.proc.stdin.write("\n")
        fe.proc.stdin.flush()
        fe.finish()
    finally:
        fe.kill()
        if server:
            be.sock.unlink(missing_ok=True)
    return dpdk_counts(Path(fe.log).read_text(errors="replace"))


def case_dpdk_txonly(testpmd, wd, client, packed=False):
    """DPDK's txonly into the back-end's rxonly: every frame DPDK sent arrives, 64 bytes each;
    with @client, two DPDK front-ends in turn, each listening, the back-end connecting."""
    be = Backend(testpmd, wd, ",client=1" if client else "", mode="rxonly")
    sent = 0
    problems = []
    try:
        for n in range(1, 3 if client else 2):
            _, d_tx, _, _ = dpdk_run(be, wd, "txonly", client, n, packed)
            sent += d_tx
            be.wait_for(lambda ls: be.events().count("link down") >= n, 20,
                        f"link down after front-end {n} ended")
        b = be.stop()
    finally:
        be.kill()
    # DPDK counts a frame as sent once it is in its tx ring; what the ring holds when
    # it stops the ring (GET_VRING_BASE) is left there, at most the ring's 256 per run.
    runs = 2 if client else 1
    if not (0 <= sent - b["ipackets"] <= 256 * runs) or b["ibytes"] != 64 * b["ipackets"] or \
            b["ierrors"]:
        problems.append(f"DPDK sent {sent} frames of 64 bytes; the back-end received "
                        f"{b['ipackets']}, {b['ibytes']} bytes, {b['ierrors']} errors")
    want = ["link up", "link down"] * (2 if client else 1)
    if be.events() != want:
        problems.append(f"back-end link events {be.events()}, expected {want}")
    problems += ring_type(be, packed)
    return problems, (f"{'two front-ends in turn, ' if client else ''}DPDK sent {sent} "
                      f"frames, the back-end received {b['ipackets']}")


def case_dpdk_loop(testpmd, wd, packed=False):
    """DPDK's io loop (a first burst, then what comes back) through the back-end's macswap."""
    be = Backend(testpmd, wd, "")
    try:
        d_rx, d_tx, d_drop, _ = dpdk_run(be, wd, "io", False, 1, packed)
        be.wait_for(lambda ls: be.events().count("link down") >= 1, 20, "link down")
        b = be.stop()
        fwd_dropped = json.loads(Path(be.json).read_text())["forward"]["dropped"]
    finally:
        be.kill()
    problems = []
    # In flight at DPDK's stop: the bursts between the two sides, at most a ring each way.
    # The back-end sends back every frame it receives, except the burst it holds when the
    # front-end stops its queues (GET_VRING_BASE): those its tx cannot take, and they are
    # counted as dropped.
    if not (0 <= d_tx - d_rx <= 2 * 256) or d_drop or not (0 <= d_tx - b["ipackets"] <= 256) \
            or b["opackets"] + fwd_dropped != b["ipackets"] or fwd_dropped > 32:
        problems.append(f"counts: DPDK sent {d_tx}, received {d_rx}, dropped {d_drop}; the "
                        f"back-end received {b['ipackets']}, sent {b['opackets']}, dropped "
                        f"{fwd_dropped}")
    if b["ierrors"] or b["oerrors"]:
        problems.append(f"back-end errors: {b}")
    problems += ring_type(be, packed)
    return problems, f"{d_rx} frames went round DPDK's loop through the back-end"


def case_reconnect(testpmd, wd, packed=False):
    be = Backend(testpmd, wd, "")
    a, b = cpus()
    vu = f"net_virtio_user0,path={be.sock},queue_size=256,packed_vq={int(packed)}"
    loop = ["--", "--forward-mode=io", "--port-topology=loop", "--tx-first"]
    try:
        first = Proc([testpmd, "--lcores", f"0@{b},1@{b}", "--no-pci", "-m", "128", "--vdev",
                      vu] + loop, Path(wd) / "frontend1.log")
        try:
            first.wait_for(lambda ls: any(l.startswith("forwarding started") for l in ls), 30,
                           "the first front-end's 'forwarding started'")
            be.wait_for(lambda ls: counted(ls, "rx") > 0, 20, "frames from the first front-end")
        finally:
            first.kill()  # SIGKILL: no goodbye, the kernel closes its socket
        be.wait_for(lambda ls: be.events()[-1:] == ["link down"], 20,
                    "link down after the kill")
        before = counted(be.lines, "rx")
        js = Path(wd) / "fe2.json"
        run_frontend(testpmd, wd, ["--vdev", vu] + loop + ["--run-time=2",
                                                            f"--json-stats={js}"],
                     "frontend2.log")
        bc = be.stop()
    finally:
        be.kill()
    v = prt_counts(js, 0)
    problems = []
    ev = be.events()
    if ev != ["link up", "link down", "link up", "link down"]:
        problems.append(f"back-end link events {ev}, expected up, down, up, down")
    # In flight at the successor's stop: at most a ring each way.
    if v["opackets"] < 1000 or not (0 <= v["opackets"] - v["ipackets"] <= 2 * 256):
        problems.append(f"second front-end sent {v['opackets']}, received {v['ipackets']}")
    if bc["ierrors"] or bc["oerrors"]:
        problems.append(f"back-end errors: {bc}")
    problems += ring_type(be, packed)
    return problems, (f"front-end killed after {before} frames; its successor's "
                      f"{v['opackets']} went round")


def case_rx_intr(testpmd, prog, wd, packed):
    be = Backend(testpmd, wd, "")
    a, b = cpus()
    vu = f"net_virtio_user0,path={be.sock},queue_size=256,packed_vq={int(packed)}"
    try:
        p = Proc([prog, "--lcores", f"0@{b}", "--no-pci", "-m", "64", "--vdev", vu, "--",
                  "2000"], Path(wd) / "rx_intr.log")
        rc = p.finish(60)
        bc = be.stop()
    finally:
        be.kill()
    problems = [] if rc == 0 else [f"vhost_rx_intr exited {rc}:\n" + p.tail()]
    if bc["ipackets"] != bc["opackets"] or bc["ierrors"] or bc["oerrors"]:
        problems.append(f"back-end counts: {bc}")
    problems += ring_type(be, packed)
    m = re.search(r"round trips (\d+) woke (\d+) sleeps (\d+)", "\n".join(p.lines))
    return problems, (f"{m.group(1)} round trips, {m.group(2)} woken by the rx interrupt "
                      f"({m.group(3)} voluntary context switches)" if m else "")


def main():
    testpmd, capture, rx_intr = sys.argv[1], sys.argv[2], sys.argv[3]
    names = sys.argv[4:] or CASES
    if os.geteuid() != 0:
        skip("needs root (hugepages for the front-ends)")
    free = int(re.search(r"HugePages_Free:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))
    if free < 200:
        skip(f"{free} free hugepages; the front-ends need 200 (tools/hugepages reserve)")
    have_dpdk = subprocess.run(["sh", "-c", "command -v dpdk-testpmd"],
                               capture_output=True).returncode == 0
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))  # meson's timeout: clean up first
    failed = ran = 0
    for name in names:
        if name in DPDK_CASES and not have_dpdk:
            print(f"skip {name}: dpdk-testpmd not installed (apt-get install dpdk)")
            continue
        ran += 1
        with tempfile.TemporaryDirectory(prefix="prt_vhost_be_") as wd:
            try:
                if name in PRT_REPLAYS:
                    problems, what = case_prt_replay(testpmd, capture, wd, *PRT_REPLAYS[name])
                elif name.startswith("reconnect"):
                    problems, what = case_reconnect(testpmd, wd, name.endswith("_packed"))
                elif name.startswith("rx_intr"):
                    problems, what = case_rx_intr(testpmd, rx_intr, wd, name.endswith("_packed"))
                elif name.startswith("dpdk_loop"):
                    problems, what = case_dpdk_loop(testpmd, wd, name.endswith("_packed"))
                else:
                    problems, what = case_dpdk_txonly(testpmd, wd, name == "client",
                                                      name.endswith("_packed"))
            except (RuntimeError, subprocess.TimeoutExpired) as e:
                problems, what = [str(e)], ""
        print(f"{'ok' if not problems else 'FAIL'} {name}: {what}")
        for p in problems:
            print("   " + p)
        failed += bool(problems)
    if ran == 0:
        skip("no case could run (dpdk-testpmd missing)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
