#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""net_vhost against a hostile front-end: this script speaks vhost-user to a
testpmd-lite back-end (net_vhost0, rxonly) itself, and sends what a
malicious guest would, one class of OVS-DPDK's vhost CVEs per case:

  messages   a bad version, a size beyond any request's, a payload cut
             short, a memory table whose fd count or region count lies, a
             region beyond its file, a ring index out of range, a ring size
             not a power of two, a ring outside the shared memory, acked
             features never offered, an unknown request: each closes the
             connection with a log line naming the problem (lengths, counts:
             CVE-2020-10722/10723 class), and the back-end takes the next
             connection;
  fds        after those connections (fds sent with every one) the back-end
             holds exactly the fds it held before (CVE-2019-14818 class);
  chains     a vring in shared memory whose descriptors point outside the
             memory table, run past a region's end, loop, or have the wrong
             direction: each chain comes back used, nothing is delivered, and
             the xstat vhost_bad_desc counts them (CVE-2020-10725/10726
             class); then an avail index far ahead of the ring stops it;
  packed     the same on packed rings (VIRTIO_F_RING_PACKED): descriptors
             outside the table or past a region's end, a frame longer than
             64 KiB, the wrong direction, shorter than the header, INDIRECT
             (not offered) and a chain of 65 descriptors each come back used
             (len 0, the chain's buffer id, at its head's slot) and counted,
             the good frames after them delivered; a chain round the whole
             ring stops the ring, and so does a buffer id beyond the ring
             size, nothing after it used (vhost_ring_stopped counts these two
             and the runaway index); GET_VRING_BASE
             returns the avail index with the wrap counter in bit 15, and a
             front-end that resumes from it (SET_VRING_BASE) across the
             ring's end has its frames taken, the used wrap counter flipped;
             the call eventfd is signalled with ENABLE and not with DISABLE,
             and with EVENT_IDX (DESC) once the used index passes off_wrap.

SKIP (77) when the back-end cannot start.
"""
import array
import mmap
import os
import re
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SKIP = 77
GET_FEATURES, SET_FEATURES, SET_OWNER, SET_MEM_TABLE = 1, 2, 3, 5
SET_VRING_NUM, SET_VRING_ADDR, SET_VRING_BASE, SET_VRING_KICK = 8, 9, 10, 12
SET_VRING_CALL, GET_PROTOCOL_FEATURES, GET_VRING_BASE = 13, 15, 11
VERSION = 1
MEM = 1 << 20
UVA = 0x7F0000000000  # where the "front-end" says its memory is
GPA = 0x100000000
# Packed descriptor flags (virtio 1.2, 2.8.1, 2.8.13) and the packed feature.
F_NEXT, F_WRITE, F_INDIRECT, F_AVAIL, F_USED = 1, 2, 4, 1 << 7, 1 << 15
RING_PACKED = 1 << 34
EV_ENABLE, EV_DISABLE, EV_DESC = 0, 1, 2
EVENT_IDX = 1 << 29
# Where the packed cases lay their ring out, and a good frame (header, then 60 bytes).
P_DESC, P_DRIVER, P_DEVICE, P_FRAME = 0x1000, 0x3000, 0x3100, 0x8000
GOOD = (GPA + P_FRAME, 12 + 60)


def msg(req, payload=b"", flags=VERSION, size=None):
    return struct.pack("<III", req, flags, len(payload) if size is None else size) + payload


def region(gpa, size, uva, off):
    return struct.pack("<QQQQ", gpa, size, uva, off)


class Conn:
    def __init__(self, path):
        self.s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.s.settimeout(5)
        self.s.connect(str(path))

    def send(self, data, fds=()):
        self.s.sendmsg([data], [(socket.SOL_SOCKET, socket.SCM_RIGHTS,
                                 array.array("i", fds))] if fds else [])

    def closed(self):
        """True once the back-end has closed its end (within 5 s)."""
        try:
            return self.s.recv(64) == b""
        except (socket.timeout, ConnectionResetError):
            return False

    def request_u64(self, req):
        self.send(msg(req))
        hdr = self.s.recv(12 + 8)
        return struct.unpack("<IIIQ", hdr)[3]


def fd_count(pid):
    return len(os.listdir(f"/proc/{pid}/fd"))


def main():
    testpmd = sys.argv[1]
    wd = Path(tempfile.mkdtemp(prefix="prt_vhost_hostile_"))
    sock = wd / "vhost.sock"
    log = open(wd / "backend.log", "w+")
    cmd = [testpmd, "--no-huge", "-m", "64", "--no-pci", "--vdev",
           f"net_vhost0,iface={sock}", "--", "--forward-mode=rxonly", "--stats-period=1"]
    be = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    problems = []
    try:
        deadline = time.time() + 20
        while not sock.exists():
            if be.poll() is not None or time.time() > deadline:
                print("SKIP: the back-end did not start:\n" + (wd / "backend.log").read_text())
                return SKIP
            time.sleep(0.1)
        time.sleep(0.5)
        base_fds = fd_count(be.pid)
        memfd = os.memfd_create("guest")
        os.ftruncate(memfd, MEM)
        small = os.memfd_create("small")
        os.ftruncate(small, 4096)
        kick = os.eventfd(0)
        ok_mem = msg(SET_MEM_TABLE, struct.pack("<II", 1, 0) + region(GPA, MEM, UVA, 0))
        cases = [
            ("version is not 1", [(msg(GET_FEATURES, flags=2), [])]),
            ("payload larger", [(msg(GET_FEATURES, size=4096), [])]),
            ("payload cut short", [(msg(SET_FEATURES, b"\0\0\0\0", size=8), [])]),
            ("one fd per region", [(ok_mem, [])]),
            ("0 or more than 8 regions",
             [(msg(SET_MEM_TABLE, struct.pack("<II", 9, 0) + region(GPA, MEM, UVA, 0) * 8),
               [memfd] * 8)]),
            ("does not match its region count",
             [(msg(SET_MEM_TABLE, struct.pack("<II", 2, 0) + region(GPA, MEM, UVA, 0)),
               [memfd, memfd])]),
            ("beyond its file",
             [(msg(SET_MEM_TABLE, struct.pack("<II", 1, 0) + region(GPA, MEM, UVA, 0)),
               [small])]),
            ("wraps around",
             [(msg(SET_MEM_TABLE, struct.pack("<II", 1, 0) +
                   region(2**64 - 4096, 8192, UVA, 0)), [memfd])]),
            ("vring index out of range", [(msg(SET_VRING_NUM, struct.pack("<II", 2, 256)), [])]),
            ("power of two", [(msg(SET_VRING_NUM, struct.pack("<II", 0, 100)), [])]),
            ("contradicts its no-fd bit",
             [(msg(SET_VRING_KICK, struct.pack("<Q", 0x100)), [kick])]),
            ("not offered", [(msg(SET_FEATURES, struct.pack("<Q", 1 << 63)), [])]),
            ("not handled", [(msg(99), [])]),
            ("not inside the memory",
             [(ok_mem, [memfd]), (msg(SET_VRING_NUM, struct.pack("<II", 1, 256)), []),
              (msg(SET_VRING_ADDR, struct.pack("<IIQQQQ", 1, 0, 0x1000, 0x3000, 0x2000, 0)),
               []), (msg(SET_VRING_KICK, struct.pack("<Q", 1)), [kick])]),
        ]
        for k, (what, steps) in enumerate(cases):
            c = Conn(sock)
            for data, fds in steps:
                c.send(data, fds)
            if not c.closed():
                problems.append(f"'{what}': the connection stayed open")
            c.s.close()
            time.sleep(0.1)
            text = (wd / "backend.log").read_text(errors="replace")
            if what not in text or text.count("; connection closed") != k + 1:
                problems.append(f"'{what}': no log line saying so")
        time.sleep(0.3)
        if fd_count(be.pid) != base_fds:
            problems.append(f"the back-end held {base_fds} fds before, {fd_count(be.pid)} "
                            "after the hostile connections")
        problems += chains(sock, memfd, kick)
        good, bad = 0, 5
        for name, case in PACKED_CASES:
            p, g, b = case(sock, memfd, kick)
            problems += [f"packed {name}: {x}" for x in p]
            good, bad = good + g, bad + b
            time.sleep(0.2)
        os.killpg(be.pid, signal.SIGINT)
        be.wait(timeout=20)
        text = (wd / "backend.log").read_text(errors="replace")
        m = re.search(r"vhost_bad_desc\s+(\d+)", text)
        if not m or int(m.group(1)) != bad:
            problems.append(f"expected vhost_bad_desc {bad} at exit: " +
                            (m.group(0) if m else "none"))
        # The runaway avail index, the chain round the ring, the bad buffer id.
        m = re.search(r"vhost_ring_stopped\s+(\d+)", text)
        if not m or int(m.group(1)) != 3:
            problems.append("expected vhost_ring_stopped 3 at exit: " +
                            (m.group(0) if m else "none"))
        m = re.search(r"RX-packets:\s+(\d+)", text)
        if not m or int(m.group(1)) != good:
            problems.append(f"expected {good} good frames delivered, none of the bad: " +
                            (m.group(0) if m else "?"))
        for what in ("ahead by", "runs round the whole ring", "carries buffer id 8 of 8"):
            if what not in text:
                problems.append(f"'{what}' was not reported")
    finally:
        if be.poll() is None:
            os.killpg(be.pid, signal.SIGKILL)
            be.wait()
    for p in problems:
        print("FAIL " + p)
    if problems:
        print((wd / "backend.log").read_text(errors="replace")[-3000:])
        return 1
    print("ok: every hostile message closed its connection with a reason, no fd leaked, "
          f"5 bad split and {bad - 5} bad packed chains returned and counted, {good} good "
          "packed frames delivered, a runaway avail index, a packed chain round the ring and "
          "a bad buffer id each stopped their ring, a packed ring resumed across its end")
    return 0


def chains(sock, memfd, kick):
    """A front-end whose tx vring (1) holds five bad chains, then a runaway index."""
    mem = mmap.mmap(memfd, MEM)
    n = 8
    desc, avail, used = 0x1000, 0x2000, 0x3000
    c = Conn(sock)
    feats = c.request_u64(GET_FEATURES)
    c.send(msg(SET_OWNER))
    c.send(msg(SET_FEATURES, struct.pack("<Q", feats & (1 << 32))))  # VERSION_1 only
    c.send(msg(SET_MEM_TABLE, struct.pack("<II", 1, 0) + region(GPA, MEM, UVA, 0)), [memfd])
    d = [
        (GPA + MEM + 4096, 100, 0, 0),  # outside the table
        (GPA + MEM - 50, 100, 0, 0),  # runs past the region's end
        (GPA + 0x8000, 100, 1, 2),  # 2 -> 2: a loop
        (0, 0, 0, 0),
        (GPA + 0x8000, 100, 2, 0),  # device-writable in a tx chain
        (GPA + 0x8000, 4, 0, 0),  # shorter than the virtio-net header
    ]
    for i, (addr, ln, flags, nxt) in enumerate(d):
        struct.pack_into("<QIHH", mem, desc + 16 * i, addr, ln, flags, nxt)
    heads = [0, 1, 2, 4, 5]
    for i, h in enumerate(heads):
        struct.pack_into("<H", mem, avail + 4 + 2 * i, h)
    struct.pack_into("<HH", mem, avail, 1, len(heads))  # no interrupts; idx
    for data in (struct.pack("<II", 1, n), struct.pack("<II", 1, 0)):
        c.send(msg(SET_VRING_NUM if data[4] else SET_VRING_BASE, data))
    c.send(msg(SET_VRING_ADDR, struct.pack("<IIQQQQ", 1, 0, UVA + desc, UVA + used,
                                            UVA + avail, 0)))
    c.send(msg(SET_VRING_KICK, struct.pack("<Q", 1)), [kick])
    problems = []
    deadline = time.time() + 10
    while struct.unpack_from("<H", mem, used + 2)[0] != len(heads) and time.time() < deadline:
        time.sleep(0.05)
    got = struct.unpack_from("<H", mem, used + 2)[0]
    if got != len(heads):
        problems.append(f"{got} of {len(heads)} bad chains came back used")
    else:
        ids = [struct.unpack_from("<II", mem, used + 4 + 8 * i) for i in range(len(heads))]
        if ids != [(h, 0) for h in heads]:
            problems.append(f"used entries {ids}, expected each head with length 0")
    struct.pack_into("<H", mem, avail + 2, len(heads) + 1000)  # far ahead of the ring
    time.sleep(0.5)
    if struct.unpack_from("<H", mem, used + 2)[0] != len(heads):
        problems.append("the back-end used entries past a runaway avail index")
    c.s.close()
    return problems


def packed_setup(sock, memfd, mem, n, descs, callfd=None, ev=EV_DISABLE, off_wrap=0,
                 extra=0):
    """A connection whose tx vring (1) is a packed ring of @n at base 0 (wrap 1), @descs
    ((addr, len, id, flags) from slot 0 on) made available before the ring starts, the
    driver event suppression area @off_wrap, @ev; features VERSION_1, RING_PACKED, @extra."""
    mem[0:0x40000] = bytes(0x40000)
    for i, (addr, ln, bid, flags) in enumerate(descs):
        struct.pack_into("<QIHH", mem, P_DESC + 16 * i, addr, ln, bid, flags)
    struct.pack_into("<HH", mem, P_DRIVER, off_wrap, ev)
    c = Conn(sock)
    feats = c.request_u64(GET_FEATURES)
    if not feats & RING_PACKED:
        raise RuntimeError("VIRTIO_F_RING_PACKED is not offered")
    c.send(msg(SET_OWNER))
    c.send(msg(SET_FEATURES, struct.pack("<Q", feats & ((1 << 32) | RING_PACKED | extra))))
    c.send(msg(SET_MEM_TABLE, struct.pack("<II", 1, 0) + region(GPA, MEM, UVA, 0)), [memfd])
    c.send(msg(SET_VRING_NUM, struct.pack("<II", 1, n)))
    c.send(msg(SET_VRING_BASE, struct.pack("<II", 1, 1 << 15)))
    # vhost_vring_addr: index, flags, desc, used (the device area), avail (the driver area), log
    c.send(msg(SET_VRING_ADDR, struct.pack("<IIQQQQ", 1, 0, UVA + P_DESC, UVA + P_DEVICE,
                                            UVA + P_DRIVER, 0)))
    if callfd is not None:
        c.send(msg(SET_VRING_CALL, struct.pack("<Q", 1)), [callfd])
    return c


def start(c, kick):
    c.send(msg(SET_VRING_KICK, struct.pack("<Q", 1)), [kick])


def used_at(mem, slot):
    """(id, len, flags) of descriptor @slot."""
    _, ln, bid, flags = struct.unpack_from("<QIHH", mem, P_DESC + 16 * slot)
    return bid, ln, flags


def wait_flags(mem, slot, flags, timeout=5):
    deadline = time.time() + timeout
    while used_at(mem, slot)[2] != flags and time.time() < deadline:
        time.sleep(0.02)
    return used_at(mem, slot)[2] == flags


def vring_base(c):
    c.send(msg(GET_VRING_BASE, struct.pack("<II", 1, 0)))
    return struct.unpack("<IIIII", c.s.recv(12 + 8))[4]


def packed_bad_chains(sock, memfd, kick):
    """Each class of bad chain, then a good frame; a chain of 65, then a good frame."""
    mem = mmap.mmap(memfd, MEM)
    av = F_AVAIL  # available in lap 1 (wrap counter 1)
    descs = [
        (GPA + MEM + 4096, 100, 0, av),  # 0: outside the table
        (GPA + MEM - 50, 100, 1, av),  # 1: runs past the region's end
        (GPA + 0x10000, 40000, 2, av | F_NEXT),  # 2, 3: 80000 bytes, over 64 KiB
        (GPA + 0x20000, 40000, 3, av),
        (GPA + P_FRAME, 100, 4, av | F_WRITE),  # 4: device-writable in a tx chain
        (GPA + P_FRAME, 4, 5, av),  # 5: shorter than the virtio-net header
        (GPA + P_FRAME, 16, 6, av | F_INDIRECT),  # 6: INDIRECT, not offered
        GOOD + (7, av),  # 7: a good frame
    ]
    descs += [(GPA + P_FRAME, 14, 8, av | F_NEXT)] * 64 + [(GPA + P_FRAME, 14, 8, av)]  # 8-72
    descs.append(GOOD + (9, av))  # 73: a good frame after the chain of 65
    c = packed_setup(sock, memfd, mem, 128, descs)
    start(c, kick)
    problems = []
    used = F_AVAIL | F_USED  # used in lap 1
    want = {0: 0, 1: 1, 2: 3, 4: 4, 5: 5, 6: 6, 7: 7, 8: 8, 73: 9}
    if not wait_flags(mem, 73, used):
        problems.append(f"the frame after the bad chains was not used: {used_at(mem, 73)}")
    for slot, bid in want.items():
        if used_at(mem, slot) != (bid, 0, used):
            problems.append(f"slot {slot}: {used_at(mem, slot)}, expected buffer {bid} used, "
                            "length 0")
    for slot in (3, 9, 72):  # inside chains: a used descriptor goes at the head's slot only
        if used_at(mem, slot)[2] & F_USED:
            problems.append(f"slot {slot} inside a chain was written used")
    c.s.close()
    mem.close()
    return problems, 2, 7


def packed_loop(sock, memfd, kick):
    """A chain whose every descriptor says NEXT: it runs round the whole ring."""
    mem = mmap.mmap(memfd, MEM)
    c = packed_setup(sock, memfd, mem, 8, [(GPA + P_FRAME, 14, 0, F_AVAIL | F_NEXT)] * 8)
    start(c, kick)
    time.sleep(0.5)
    problems = [f"slot {i} was used" for i in range(8) if used_at(mem, i)[2] & F_USED]
    c.s.close()
    mem.close()
    return problems, 0, 0  # no chain refused: the ring stopped (vhost_ring_stopped)


def packed_bad_id(sock, memfd, kick):
    """A good frame, then one whose buffer id (8) is beyond the ring (8), then a good one."""
    mem = mmap.mmap(memfd, MEM)
    c = packed_setup(sock, memfd, mem, 8, [GOOD + (0, F_AVAIL), GOOD + (8, F_AVAIL),
                                           GOOD + (2, F_AVAIL)])
    start(c, kick)
    problems = []
    if not wait_flags(mem, 0, F_AVAIL | F_USED):
        problems.append(f"the good frame before the bad id was not used: {used_at(mem, 0)}")
    time.sleep(0.5)
    if any(used_at(mem, i)[2] & F_USED for i in (1, 2)):
        problems.append(f"used past a bad buffer id: {used_at(mem, 1)}, {used_at(mem, 2)}")
    c.s.close()
    mem.close()
    return problems, 1, 0


def packed_resume(sock, memfd, kick):
    """Three frames (ENABLE: the call eventfd signalled), GET_VRING_BASE, then a resume from
    it (DISABLE: not signalled) with seven frames across the ring's end (8)."""
    mem = mmap.mmap(memfd, MEM)
    call = os.eventfd(0, os.EFD_NONBLOCK)
    c = packed_setup(sock, memfd, mem, 8, [GOOD + (i, F_AVAIL) for i in range(3)], call,
                     EV_ENABLE)
    start(c, kick)
    problems = []
    if not wait_flags(mem, 2, F_AVAIL | F_USED):
        problems.append(f"the first three frames were not used: {used_at(mem, 2)}")
    time.sleep(0.1)
    try:
        os.eventfd_read(call)
    except BlockingIOError:
        problems.append("no call with the driver's event suppression at ENABLE")
    base = vring_base(c)
    if base != 3 | 1 << 15:
        problems.append(f"GET_VRING_BASE {base:#x} after 3 frames, expected 0x8003")
    struct.pack_into("<HH", mem, P_DRIVER, 0, EV_DISABLE)
    for i in range(3, 8):  # lap 1
        struct.pack_into("<QIHH", mem, P_DESC + 16 * i, *GOOD, i, F_AVAIL)
    for i in range(2):  # lap 2: available means AVAIL clear, USED set (wrap counter 0)
        struct.pack_into("<QIHH", mem, P_DESC + 16 * i, *GOOD, i, F_USED)
    c.send(msg(SET_VRING_BASE, struct.pack("<II", 1, base)))
    start(c, kick)
    if not wait_flags(mem, 1, 0):  # used in lap 2: AVAIL == USED == 0
        problems.append(f"the frames after the ring's end were not used: {used_at(mem, 1)}")
    if [used_at(mem, i) for i in range(8)] != [(0, 0, 0), (1, 0, 0)] + \
            [(i, 0, F_AVAIL | F_USED) for i in range(2, 8)]:
        problems.append(f"the ring after the resume: {[used_at(mem, i) for i in range(8)]}")
    time.sleep(0.1)
    try:
        problems.append(f"called {os.eventfd_read(call)} times with DISABLE")
    except BlockingIOError:
        pass
    base = vring_base(c)
    if base != 2:
        problems.append(f"GET_VRING_BASE {base:#x} after the ring's end, expected 0x2")
    c.s.close()
    os.close(call)
    mem.close()
    return problems, 10, 0


def packed_event_idx(sock, memfd, kick):
    """EVENT_IDX, the driver asking (DESC) for a call once descriptor 5 of lap 1 is used:
    none after three frames (slots 0-2), one once four more (3-6) pass slot 5."""
    mem = mmap.mmap(memfd, MEM)
    call = os.eventfd(0, os.EFD_NONBLOCK)
    c = packed_setup(sock, memfd, mem, 8, [GOOD + (i, F_AVAIL) for i in range(3)], call,
                     EV_DESC, 5 | 1 << 15, EVENT_IDX)
    start(c, kick)
    problems = []
    if not wait_flags(mem, 2, F_AVAIL | F_USED):
        problems.append(f"the first three frames were not used: {used_at(mem, 2)}")
    time.sleep(0.1)
    try:
        problems.append(f"called {os.eventfd_read(call)} times before descriptor 5 was used")
    except BlockingIOError:
        pass
    for i in range(3, 7):
        struct.pack_into("<QIHH", mem, P_DESC + 16 * i, *GOOD, i, F_AVAIL)
    if not wait_flags(mem, 6, F_AVAIL | F_USED):
        problems.append(f"the next four frames were not used: {used_at(mem, 6)}")
    time.sleep(0.1)
    try:
        n = os.eventfd_read(call)
        if n != 1:
            problems.append(f"called {n} times once descriptor 5 was used, expected once")
    except BlockingIOError:
        problems.append("no call once descriptor 5 was used")
    c.s.close()
    os.close(call)
    mem.close()
    return problems, 7, 0


PACKED_CASES = [("bad chains", packed_bad_chains), ("loop", packed_loop),
                ("bad buffer id", packed_bad_id), ("resume", packed_resume),
                ("event index", packed_event_idx)]


if __name__ == "__main__":
    sys.exit(main())
