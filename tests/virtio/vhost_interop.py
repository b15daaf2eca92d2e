#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""prt's net_virtio_user against DPDK's vhost backend (a peer no one here
wrote): dpdk-testpmd --vdev net_vhost0 forwards in macswap mode back to where
each frame came from.

  vhost_interop.py TESTPMD_LITE CAPTURE MEM_GROW [CASE...]

Cases (all by default):
  replay_*  testpmd-lite forwards CAPTURE (net_pcap) to net_virtio_user0 and
            what comes back to a capture file: every frame that fits the port
            must come back, in order, with its MAC addresses swapped and every
            other byte unchanged; DPDK's counts and prt's must equal the
            number of such frames. Chained frames go to the device through
            indirect tables; with *_longchain's small mbufs the largest
            ones are too long for a table and go as direct chains.
  loop_*    two queue pairs: testpmd-lite sends a first burst on each queue
            and forwards what comes back (io, loop); both queues must carry
            traffic on DPDK's side, nothing may be dropped, and each side's
            counts must match the other's (less what was in flight at stop).
  mem_grow_* MEM_GROW (vhost_mem_grow.c) starts its port with 16 MiB of
            memory, then creates a pool that makes prt's heap grow by a new
            segment, and sends frames built in that pool's mbufs: the backend
            must have been given the new segment (SET_MEM_TABLE while the
            port runs) to read them. Every frame must come back intact, in
            order, and DPDK's counts and prt's must equal the frames sent.

  lsc_kill  the backend is killed while testpmd-lite forwards in a loop: the
            link-state interrupt (intr_conf.lsc, the socket's hang-up)
            must print "Port 0: link state change event: link down" once,
            after "forwarding started", and testpmd-lite must still stop
            cleanly.

DPDK's process gets its own session and is killed (with its socket removed)
whatever happens, within a bounded time. SKIP (77) without root, hugepages
or dpdk-testpmd.
"""
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "vm"))
from replay_test import read_pcap  # noqa: E402  (the lab's pcap reader)

SKIP = 77
# Rings that hold a whole replay (2862 descriptors for zoo.pcap's chains):
# net_pcap reads the file faster than any backend forwards, and the backend
# may start polling a moment after prt starts sending.
QUEUE_SIZE = 4096

# name: (packed_vq, mrg_rxbuf, queues, max_pkt_len, in_order); DPDK's vhost
# offers VIRTIO_F_IN_ORDER, so in_order=1 cases use it and in_order=0 ones
# keep the out-of-order paths tried against a real device too.
CASES = {
    "replay_split": (0, 1, 1, 1518, 1),
    "replay_packed": (1, 1, 1, 1518, 1),
    "replay_split_nomrg": (0, 0, 1, 1518, 1),
    "replay_split_jumbo": (0, 1, 1, 9018, 1),
    "replay_packed_jumbo": (1, 1, 1, 9018, 1),
    "replay_split_noorder": (0, 1, 1, 9018, 0),
    "replay_packed_noorder": (1, 1, 1, 9018, 0),
    "replay_split_longchain": (0, 1, 1, 9018, 1),
    "replay_packed_longchain": (1, 1, 1, 9018, 0),
    "loop_split_2q": (0, 1, 2, 1518, 1),
    "loop_packed_2q": (1, 1, 2, 1518, 1),
    "mem_grow_split": (0, 1, 1, 1518, 1),
    "mem_grow_packed": (1, 1, 1, 1518, 1),
    "lsc_kill": (0, 1, 1, 1518, 1),
}
MEM_GROW_FRAMES = 4000
# Cases whose mbufs are small (--mbuf-size, bytes): the large frames become
# chains longer than an indirect table (VIRTIO_TX_INDIRECT_MAX, 8 descriptors
# with the header) and go to the device as direct descriptor chains; the
# others, with 2 KiB mbufs, go through indirect tables (DPDK's vhost offers
# VIRTIO_F_INDIRECT_DESC).
MBUF_SIZE = {"replay_split_longchain": 1024, "replay_packed_longchain": 1024}


def skip(why):
    print(f"SKIP: {why}")
    sys.exit(SKIP)


def cpus():
    """Two CPUs we may run on (the same one twice on a one-CPU machine)."""
    c = sorted(os.sched_getaffinity(0))
    return (c[0], c[1] if len(c) > 1 else c[0])


class Backend:
    """dpdk-testpmd with a net_vhost0 server socket, in macswap mode."""

    def __init__(self, workdir, queues, max_pkt_len):
        self.sock = Path(workdir) / "vhost.sock"
        self.log = Path(workdir) / "dpdk.log"
        a, b = cpus()
        cmd = ["dpdk-testpmd", "-l", f"{a},{b}" if a != b else f"{a}", "--no-pci",
               "--in-memory", "--single-file-segments", "-m", "256",
               "--file-prefix", f"prtvh{os.getpid()}",
               "--vdev", f"net_vhost0,iface={self.sock},queues={queues}",
               "--", "--forward-mode=macswap", "--port-topology=loop", "-a",
               f"--rxq={queues}", f"--txq={queues}", "--nb-cores=1",
               "--total-num-mbufs=16384", f"--max-pkt-len={max_pkt_len}"]
        self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=open(self.log, "w"),
                                     stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.time() + 30
        while not self.sock.exists():
            if self.proc.poll() is not None or time.time() > deadline:
                self.kill()
                raise RuntimeError("dpdk-testpmd did not create its socket:\n" + self.tail())
            time.sleep(0.1)

    def tail(self):
        return "".join(self.log.read_text(errors="replace").splitlines(True)[-15:])

    def stop(self):
        """Ends testpmd (Enter at its prompt) and returns its output."""
        try:
            self.proc.communicate(b"\n", timeout=20)
        except subprocess.TimeoutExpired:
            self.kill()
            raise RuntimeError("dpdk-testpmd did not stop within 20 s:\n" + self.tail())
        finally:
            self.kill()
        return self.log.read_text(errors="replace")

    def kill(self):
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()
        self.sock.unlink(missing_ok=True)


def dpdk_counts(out):
    """Port 0's RX/TX/TX-dropped totals and each stream's RX, from testpmd's exit output."""
    block = out.split("Forward statistics for port 0", 1)
    if len(block) < 2:
        raise RuntimeError("no statistics in dpdk-testpmd's output:\n" + out[-2000:])
    b = block[1]
    get = lambda k: int(re.search(k + r":\s+(\d+)", b).group(1))  # noqa: E731
    streams = {int(q): int(n) for q, n in re.findall(
        r"RX Port=\s*0/Queue=\s*(\d+) -> TX Port=\s*0/Queue=\s*\d+ -+\s*RX-packets:\s+(\d+)",
        out)}
    return get("RX-packets"), get("TX-packets"), get("TX-dropped"), streams


def prt_counts(json_path, port):
    import json
    for p in json.loads(Path(json_path).read_text())["ports"]:
        if p["port"] == port:
            return p
    raise RuntimeError(f"port {port} not in {json_path}")


def run_prt(testpmd, workdir, args, log_name, mem_mb=128):
    a, b = cpus()
    cmd = [testpmd, "--lcores", f"0@{b},1@{a}", "--no-pci", "-m", str(mem_mb)] + args
    log = Path(workdir) / log_name
    with open(log, "w") as f:
        r = subprocess.run(cmd, stdout=f, stderr=subprocess.STDOUT, timeout=60)
    text = log.read_text(errors="replace")
    if r.returncode != 0:
        raise RuntimeError(f"{Path(testpmd).name} exited {r.returncode}:\n{text[-3000:]}")
    return text


def macswap(f):
    return f[6:12] + f[0:6] + f[12:]


def compare_macswapped(sent, got):
    """Problems (strings): @got must be @sent frame for frame, MAC addresses swapped."""
    problems = []
    for i, (s, g) in enumerate(zip(sent, got)):
        if g != macswap(s):
            problems.append(f"frame {i} ({len(s)} bytes) came back as {len(g)} bytes, "
                            "not the same frame with its MAC addresses swapped")
            break
    if len(got) != len(sent):
        problems.append(f"{len(sent)} frames fit the port, {len(got)} came back")
    return problems


def case_replay(testpmd, capture, workdir, packed, mrg, max_len, in_order, mbuf_size=None):
    out_pcap, js = Path(workdir) / "out.pcap", Path(workdir) / "prt.json"
    be = Backend(workdir, 1, max_len)
    try:
        vu = (f"net_virtio_user0,path={be.sock},packed_vq={packed},mrg_rxbuf={mrg},"
              f"in_order={in_order},queue_size={QUEUE_SIZE}")
        if mbuf_size is None and not mrg:
            mbuf_size = max_len + 128 + 64
        mbuf = [f"--mbuf-size={mbuf_size}"] if mbuf_size else []
        run_prt(testpmd, workdir,
                ["--vdev", f"net_pcap0,rx_pcap={capture},tx_pcap={out_pcap}", "--vdev", vu,
                 "--", "--forward-mode=io", "--run-time=3", f"--max-pkt-len={max_len}",
                 f"--rxd={QUEUE_SIZE}", f"--txd={QUEUE_SIZE}",
                 f"--json-stats={js}"] + mbuf, "prt.log")
        dpdk = be.stop()
    finally:
        be.kill()
    sent = [f for f in read_pcap(capture) if 14 <= len(f) <= max_len]
    problems = compare_macswapped(sent, read_pcap(out_pcap))
    d_rx, d_tx, d_drop, _ = dpdk_counts(dpdk)
    v = prt_counts(js, 1)
    if not (d_rx == d_tx == v["opackets"] == v["ipackets"] == len(sent)) or d_drop:
        problems.append(f"counts: {len(sent)} frames; prt sent {v['opackets']}, received "
                        f"{v['ipackets']}; DPDK received {d_rx}, sent {d_tx}, dropped {d_drop}")
    if v["ierrors"] or v["oerrors"] or v["imissed"]:
        problems.append(f"prt errors: {v}")
    return problems, f"{len(sent)} frames (up to {max(map(len, sent))} bytes)"


def case_loop(testpmd, workdir, packed, queues):
    js = Path(workdir) / "prt.json"
    be = Backend(workdir, queues, 1518)
    try:
        vu = (f"net_virtio_user0,path={be.sock},packed_vq={packed},queues={queues},"
              f"queue_size=256")
        log = run_prt(testpmd, workdir,
                      ["--vdev", vu, "--", "--forward-mode=io", "--port-topology=loop",
                       "--tx-first", "--run-time=2", f"--rxq={queues}", f"--txq={queues}",
                       f"--json-stats={js}"], "prt.log")
        dpdk = be.stop()
    finally:
        be.kill()
    d_rx, d_tx, d_drop, streams = dpdk_counts(dpdk)
    v = prt_counts(js, 0)
    problems = []
    dropped = re.search(r"(\d+) dropped", log)
    if dropped is None or int(dropped.group(1)) != 0:
        problems.append("prt dropped frames: " + log.strip().splitlines()[-1])
    for q in range(queues):
        if streams.get(q, 0) == 0:
            problems.append(f"queue {q} carried nothing on DPDK's side (streams: {streams})")
    # In flight at stop: at most a burst per queue and direction besides the rings.
    slack = queues * 2 * 256
    if not (0 <= v["opackets"] - d_rx <= slack and 0 <= d_tx - v["ipackets"] <= slack):
        problems.append(f"counts: prt sent {v['opackets']}, received {v['ipackets']}; "
                        f"DPDK received {d_rx}, sent {d_tx}")
    if d_rx < 1000:
        problems.append(f"only {d_rx} frames went round")
    if d_tx + d_drop != d_rx:
        problems.append(f"DPDK lost frames: received {d_rx}, sent {d_tx}, dropped {d_drop}")
    return problems, f"{d_rx} frames round the loop, per queue {streams}"


def case_mem_grow(prog, workdir, packed):
    be = Backend(workdir, 1, 1518)
    try:
        vu = f"net_virtio_user0,path={be.sock},packed_vq={packed}"
        log = run_prt(prog, workdir, ["--vdev", vu, "--", str(MEM_GROW_FRAMES)], "prt.log",
                      mem_mb=16)
        dpdk = be.stop()
    finally:
        be.kill()
    problems = []
    segs = re.search(r"segments (\d+) -> (\d+)", log)
    if segs is None or int(segs.group(2)) <= int(segs.group(1)):
        problems.append("prt's heap did not grow:\n" + log[-2000:])
    m = re.search(r"port opackets (\d+) ipackets (\d+) oerrors (\d+) ierrors (\d+) "
                  r"imissed (\d+)", log)
    d_rx, d_tx, d_drop, _ = dpdk_counts(dpdk)
    if m is None:
        problems.append("no port counters in prt's output:\n" + log[-2000:])
    else:
        o, i, oe, ie, im = map(int, m.groups())
        if not (o == i == d_rx == d_tx == MEM_GROW_FRAMES) or d_drop or oe or ie or im:
            problems.append(f"counts: {MEM_GROW_FRAMES} frames; prt sent {o}, received {i} "
                            f"(errors {oe}/{ie}, missed {im}); DPDK received {d_rx}, sent "
                            f"{d_tx}, dropped {d_drop}")
    return problems, (f"{MEM_GROW_FRAMES} frames from a new segment "
                      f"(segments {segs.group(1)} -> {segs.group(2)})" if segs else "")


def case_lsc_kill(testpmd, workdir):
    be = Backend(workdir, 1, 1518)
    a, b = cpus()
    log = Path(workdir) / "prt.log"
    cmd = [testpmd, "--lcores", f"0@{b},1@{a}", "--no-pci", "-m", "128", "--vdev",
           f"net_virtio_user0,path={be.sock},queue_size=256", "--", "--forward-mode=io",
           "--port-topology=loop", "--tx-first", "--run-time=6"]
    lines = []
    with open(log, "w") as f:
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        try:
            for line in proc.stdout:
                f.write(line)
                lines.append(line.rstrip("\n"))
                if line.startswith("forwarding started"):
                    be.kill()  # SIGKILL: the kernel closes its end of the socket
            rc = proc.wait(timeout=30)
        finally:
            be.kill()
            if proc.poll() is None:
                proc.kill()
                proc.wait()
    text = "\n".join(lines)
    problems = []
    if rc != 0:
        problems.append(f"testpmd-lite exited {rc}:\n{text[-3000:]}")
    events = [i for i, l in enumerate(lines) if l.startswith("Port 0: link state change event")]
    started = next((i for i, l in enumerate(lines) if l.startswith("forwarding started")), None)
    if started is None:
        problems.append("testpmd-lite never started forwarding:\n" + text[-2000:])
    elif [lines[i] for i in events] != ["Port 0: link state change event: link down"]:
        problems.append("expected one 'Port 0: link state change event: link down', got: "
                        f"{[lines[i] for i in events]}\n{text[-2000:]}")
    elif events[0] < started:
        problems.append("the event came before the backend was killed")
    return problems, "backend killed mid-run: one link-down event"


def main():
    testpmd, capture, mem_grow = sys.argv[1], sys.argv[2], sys.argv[3]
    names = sys.argv[4:] or list(CASES)
    if os.geteuid() != 0:
        skip("needs root (hugepages for both processes)")
    if subprocess.run(["sh", "-c", "command -v dpdk-testpmd"], capture_output=True).returncode:
        skip("dpdk-testpmd not installed (apt-get install dpdk)")
    free = int(re.search(r"HugePages_Free:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))
    if free < 200:
        skip(f"{free} free hugepages; the two processes need 200 (tools/hugepages reserve)")
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))  # meson's timeout: clean up first
    failed = 0
    for name in names:
        packed, mrg, queues, max_len, in_order = CASES[name]
        with tempfile.TemporaryDirectory(prefix="prt_vhost_") as wd:
            try:
                if name == "lsc_kill":
                    problems, what = case_lsc_kill(testpmd, wd)
                elif name.startswith("replay"):
                    problems, what = case_replay(testpmd, capture, wd, packed, mrg,
                                                 max_len, in_order, MBUF_SIZE.get(name))
                elif name.startswith("mem_grow"):
                    problems, what = case_mem_grow(mem_grow, wd, packed)
                else:
                    problems, what = case_loop(testpmd, wd, packed, queues)
            except (RuntimeError, subprocess.TimeoutExpired) as e:
                problems, what = [str(e)], ""
        print(f"{'ok' if not problems else 'FAIL'} {name}: {what}")
        for p in problems:
            print("   " + p)
        failed += bool(problems)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
