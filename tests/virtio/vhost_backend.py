#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""prt's vhost-user back-end (net_vhost) against two front-ends: prt's own
net_virtio_user and DPDK's (dpdk-testpmd --vdev net_virtio_user0). The
back-end is testpmd-lite forwarding in macswap mode back to where each frame
came from.

  vhost_backend.py TESTPMD_LITE CAPTURE [CASE...]

Cases (all by default):
  prt_replay*   prt's front-end: testpmd-lite forwards CAPTURE (net_pcap) to
                net_virtio_user0 and what comes back to a capture file: every
                frame that fits must come back, in order, MAC addresses
                swapped and every other byte unchanged; the back-end's counts
                and the front-end's must equal the number of such frames.
                With mergeable rx buffers, without, and jumbo frames (chains).
  dpdk_replay   DPDK's front-end: dpdk-testpmd forwards the capture's frames
                of 60..1514 bytes (net_pcap) to its net_virtio_user0 and back
                to a capture file; checked as above.
  reconnect     prt's front-end is killed (SIGKILL) while it forwards in a
                loop, then a new one starts: the back-end reports link down
                then up again (LSC events), and the new front-end's frames go
                round (each side's counts match the other's, less what was
                in flight).
  client        net_vhost0 with client=1 connects to a DPDK front-end that
                listens (server=1); that front-end ends and a new one
                listens on the same path: the back-end reconnects, and both
                replays come back frame for frame.

Every process gets its own session and is killed whatever happens, within a
bounded time. SKIP (77) without root or hugepages (the front-ends share
hugepage memory), and for the DPDK cases without dpdk-testpmd.
"""
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
from vhost_interop import cpus, macswap, prt_counts, skip  # noqa: E402

QUEUE_SIZE = 4096  # holds a whole replay (see vhost_interop.py)
# name: (mrg_rxbuf, max_pkt_len)
PRT_REPLAYS = {"prt_replay": (1, 1518), "prt_replay_nomrg": (0, 1518),
               "prt_replay_jumbo": (1, 9018)}
CASES = list(PRT_REPLAYS) + ["dpdk_replay", "reconnect", "client"]
DPDK_CASES = {"dpdk_replay", "client"}


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

    def __init__(self, testpmd, workdir, devargs, max_len=1518):
        self.sock = Path(workdir) / "vhost.sock"
        self.json = Path(workdir) / "backend.json"
        a, b = cpus()
        cmd = [testpmd, "--lcores", f"0@{a},1@{a}", "--no-huge", "-m", "64", "--no-pci",
               "--vdev", f"net_vhost0,iface={self.sock}{devargs}", "--",
               "--forward-mode=macswap", "--port-topology=loop", "--stats-period=1",
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


def write_pcap(path, frames):
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        for i, fr in enumerate(frames):
            f.write(struct.pack("<IIII", i, 0, len(fr), len(fr)) + fr)


def compare(sent, got):
    problems = []
    for i, (s, g) in enumerate(zip(sent, got)):
        if g != macswap(s):
            problems.append(f"frame {i} ({len(s)} bytes) came back as {len(g)} bytes, "
                            "not the same frame with its MAC addresses swapped")
            break
    if len(got) != len(sent):
        problems.append(f"{len(sent)} frames sent, {len(got)} came back")
    return problems


def case_prt_replay(testpmd, capture, wd, mrg, max_len):
    out, js = Path(wd) / "out.pcap", Path(wd) / "fe.json"
    be = Backend(testpmd, wd, "", max_len)
    try:
        vu = f"net_virtio_user0,path={be.sock},mrg_rxbuf={mrg},queue_size={QUEUE_SIZE}"
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
    problems = compare(sent, read_pcap(out))
    v = prt_counts(js, 1)
    if not (b["ipackets"] == b["opackets"] == v["opackets"] == v["ipackets"] == len(sent)):
        problems.append(f"counts: {len(sent)} frames; front-end sent {v['opackets']}, received "
                        f"{v['ipackets']}; back-end received {b['ipackets']}, sent "
                        f"{b['opackets']}")
    if b["ierrors"] or b["oerrors"] or v["ierrors"] or v["oerrors"]:
        problems.append(f"errors: back-end {b}, front-end {v}")
    return problems, f"{len(sent)} frames (up to {max(map(len, sent))} bytes)"


def dpdk_frontend(wd, sock, inp, out, server):
    a, b = cpus()
    cmd = ["dpdk-testpmd", "-l", f"{a},{b}" if a != b else f"{a}", "--no-pci", "--in-memory",
           "--single-file-segments", "-m", "256", "--file-prefix", f"prtvb{os.getpid()}",
           "--vdev", f"net_pcap0,rx_pcap={inp},tx_pcap={out}", "--vdev",
           f"net_virtio_user0,path={sock},queue_size=1024{',server=1' if server else ''}",
           "--", "--forward-mode=io", "-a", "--nb-cores=1", "--no-lsc-interrupt",
           "--total-num-mbufs=16384", "--txd=1024", "--rxd=1024"]
    return Proc(cmd, Path(wd) / f"dpdk_{out.stem}.log", stdin=subprocess.PIPE)


def dpdk_replay_once(be, wd, frames, inp, n, server):
    """DPDK front-end run @n: its frames through the back-end and back; the problems found."""
    out = Path(wd) / f"out{n}.pcap"
    base_rx, base_tx = counted(be.lines, "rx"), counted(be.lines, "tx")
    fe = dpdk_frontend(wd, be.sock, inp, out, server)
    try:
        be.wait_for(lambda ls: counted(ls, "tx") - base_tx >= len(frames), 40,
                    f"{len(frames)} frames through the back-end (run {n})")
        time.sleep(1)  # DPDK forwards the last ones to its capture (it polls far faster)
        fe.proc.stdin.write("\n")
        fe.proc.stdin.flush()
        fe.finish()
    finally:
        fe.kill()
        if server:
            be.sock.unlink(missing_ok=True)
    problems = [f"run {n}: {p}" for p in compare(frames, read_pcap(out))]
    if counted(be.lines, "rx") - base_rx != len(frames):
        problems.append(f"run {n}: the back-end received "
                        f"{counted(be.lines, 'rx') - base_rx} frames of {len(frames)}")
    return problems


def case_dpdk(testpmd, capture, wd, client):
    """DPDK's front-end once against a server back-end, or twice against a client one."""
    frames = [f for f in read_pcap(capture) if 60 <= len(f) <= 1514]
    inp = Path(wd) / "in.pcap"
    write_pcap(inp, frames)
    problems = []
    be = Backend(testpmd, wd, ",client=1" if client else "")
    try:
        for n in range(1, 3 if client else 2):
            problems += dpdk_replay_once(be, wd, frames, inp, n, client)
            if client:
                be.wait_for(lambda ls: be.events().count("link down") >= n, 20,
                            f"link down after front-end {n} ended")
        b = be.stop()
    finally:
        be.kill()
    if b["ierrors"] or b["oerrors"]:
        problems.append(f"back-end errors: {b}")
    ev = be.events()
    want = ["link up", "link down"] * (2 if client else 1)
    if ev != want:
        problems.append(f"back-end link events {ev}, expected {want}")
    runs = "two front-ends in turn, " if client else ""
    return problems, f"{runs}{len(frames)} frames (60..1514 bytes) each"


def case_reconnect(testpmd, wd):
    be = Backend(testpmd, wd, "")
    a, b = cpus()
    vu = f"net_virtio_user0,path={be.sock},queue_size=256"
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
    second = bc["ipackets"] - before
    slack = 2 * 256
    if v["opackets"] < 1000 or not (0 <= v["opackets"] - second <= slack):
        problems.append(f"second front-end sent {v['opackets']}, received {v['ipackets']}; "
                        f"the back-end received {second} of them")
    return problems, (f"front-end killed after {before} frames; its successor sent "
                      f"{v['opackets']}, {second} reached the back-end")


def main():
    testpmd, capture = sys.argv[1], sys.argv[2]
    names = sys.argv[3:] or CASES
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
                elif name == "reconnect":
                    problems, what = case_reconnect(testpmd, wd)
                else:
                    problems, what = case_dpdk(testpmd, capture, wd, name == "client")
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
