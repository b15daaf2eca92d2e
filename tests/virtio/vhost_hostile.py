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
             class); then an avail index far ahead of the ring stops it.

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
SET_VRING_CALL, GET_PROTOCOL_FEATURES = 13, 15
VERSION = 1
MEM = 1 << 20
UVA = 0x7F0000000000  # where the "front-end" says its memory is
GPA = 0x100000000


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
        os.killpg(be.pid, signal.SIGINT)
        be.wait(timeout=20)
        text = (wd / "backend.log").read_text(errors="replace")
        m = re.search(r"vhost_bad_desc\s+(\d+)", text)
        if not m or int(m.group(1)) != 5:
            problems.append("expected vhost_bad_desc 5 at exit: " + (m.group(0) if m else
                                                                        "none"))
        m = re.search(r"RX-packets:\s+(\d+)", text)
        if not m or int(m.group(1)) != 0:
            problems.append("bad chains delivered frames: " + (m.group(0) if m else "?"))
        if "ahead by" not in text:
            problems.append("the avail index far ahead was not reported")
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
          "5 bad chains returned and counted, a runaway avail index stopped the ring")
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


if __name__ == "__main__":
    sys.exit(main())
