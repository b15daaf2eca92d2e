#!/usr/bin/env python3
"""testpmd-lite's mac, flowgen and icmpecho modes, checked on what they send.

    test_fwd_modes.py TESTPMD_LITE mac|flowgen|icmpecho [CAPTURE]

net_pcap ports feed the input (rx_pcap) and capture the output (tx_pcap);
the captures are read here with struct (the pcap file format: a 24-byte
header, then a 16-byte header per record). The port's MAC address
(random for net_pcap) is read from testpmd-lite's "port N: NAME, MAC ..."
line.

mac       CAPTURE (zoo.pcap) in on port 0, out on port 1 (paired): every
          frame that fits comes out, in order, with the destination
          --eth-peer gave port 1, the source port 1's address, and every
          other byte as it came in.
flowgen   generated UDP/IPv4 frames of the --txpkts size (one segment, and
          chained): headers as doc/testpmd-lite.md says, checksums valid,
          destinations 198.18.0.2 + 0..1023 in turn: 1024 distinct flows.
icmpecho  a capture made here: ARP requests and ICMP echo requests (with
          and without IP options, Ethernet padding, odd lengths) between
          frames it must not answer; exactly the requests are answered, in
          order: ARP replies from the port's address, echo replies with the
          addresses swapped, type 0 and valid checksums.
"""
import json
import os
import re
import struct
import subprocess
import sys
import tempfile

from testpmd_test import fail, lcores

PCAP_HDR = struct.Struct("<IHHiIII")
REC_HDR = struct.Struct("<IIII")
FLOWGEN_FLOWS = 1024


def pcap_write(path, frames):
    with open(path, "wb") as f:
        f.write(PCAP_HDR.pack(0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
        for i, fr in enumerate(frames):
            f.write(REC_HDR.pack(1, i, len(fr), len(fr)) + fr)


def pcap_read(path):
    """The records of a little-endian microsecond capture: (caplen, len, bytes)."""
    with open(path, "rb") as f:
        data = f.read()
    magic, _, _, _, _, _, linktype = PCAP_HDR.unpack_from(data, 0)
    if magic != 0xa1b2c3d4 or linktype != 1:
        fail(f"{path}: not a little-endian Ethernet capture (magic {magic:#x}, link {linktype})")
    out, off = [], PCAP_HDR.size
    while off < len(data):
        _, _, caplen, length = REC_HDR.unpack_from(data, off)
        off += REC_HDR.size
        out.append((caplen, length, data[off:off + caplen]))
        off += caplen
    return out


def mac(s):
    return bytes(int(x, 16) for x in s.split(":"))


def fmt_mac(b):
    return ":".join(f"{x:02x}" for x in b)


def cksum(b):
    """RFC 1071's sum, complemented: 0 over data that carries its valid checksum."""
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack(f"!{len(b) // 2}H", b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


def run(testpmd, vdevs, args, tmp):
    """Runs testpmd-lite; returns (port MACs by id, the JSON statistics, stdout)."""
    js = os.path.join(tmp, "stats.json")
    cmd = [testpmd, "--lcores", lcores(), "--no-huge", "-m", "128"]
    for v in vdevs:
        cmd += ["--vdev", v]
    p = subprocess.run(cmd + ["--", *args, f"--json-stats={js}"], capture_output=True,
                       text=True, timeout=120)
    if p.returncode != 0:
        fail(f"{' '.join(cmd + args)}: status {p.returncode}\n{p.stdout}{p.stderr}")
    macs = {int(m.group(1)): mac(m.group(2))
            for m in re.finditer(r"^port (\d+): \S+, MAC ([0-9a-f:]{17}),", p.stdout, re.M)}
    with open(js) as f:
        return macs, json.load(f), p.stdout


def test_mac(testpmd, capture, tmp):
    empty, out0, out1 = (os.path.join(tmp, n) for n in ("empty.pcap", "out0.pcap", "out1.pcap"))
    pcap_write(empty, [])
    peer0, peer1 = "02:aa:bb:cc:dd:00", "02:aa:bb:cc:dd:01"
    macs, st, _ = run(testpmd, [f"net_pcap0,rx_pcap={capture},tx_pcap={out0}",
                                f"net_pcap1,rx_pcap={empty},tx_pcap={out1}"],
                      ["--forward-mode=mac", f"--eth-peer=0,{peer0}", f"--eth-peer=1,{peer1}"],
                      tmp)
    fits = [r for r in pcap_read(capture) if 14 <= r[0] <= 1518]
    got = pcap_read(out1)
    if len(got) != len(fits):
        fail(f"mac: {len(got)} frames out of port 1 for {len(fits)} that fit port 0")
    for i, ((_, _, want), (caplen, length, fr)) in enumerate(zip(fits, got)):
        if fr[0:6] != mac(peer1):
            fail(f"mac: frame {i}: destination {fmt_mac(fr[0:6])}, --eth-peer gave {peer1}")
        if fr[6:12] != macs[1]:
            fail(f"mac: frame {i}: source {fmt_mac(fr[6:12])}, port 1 is {fmt_mac(macs[1])}")
        if fr[12:] != want[12:] or caplen != len(want) or length != len(want):
            fail(f"mac: frame {i}: bytes after the addresses changed")
    if pcap_read(out0):
        fail("mac: port 0 sent frames, but nothing came in on port 1")
    if st["forward"]["packets"] != len(fits) or st["ports"][1]["opackets"] != len(fits):
        fail(f"mac: statistics {st} do not count {len(fits)} frames forwarded")
    print(f"ok: mac: {len(fits)} frames to {peer1} from port 1's {fmt_mac(macs[1])}, "
          "the rest unchanged")


def flowgen_check(testpmd, tmp, txpkts):
    out = os.path.join(tmp, "flowgen.pcap")
    peer = "02:aa:bb:cc:dd:00"
    size = sum(txpkts)
    # Enough frames to go round the flows twice; longer runs only when the
    # machine made fewer (the amount of evidence, not the verdict, needs time).
    for run_time in (0.01, 0.04, 0.16, 0.64, 2.56):
        macs, st, _ = run(testpmd, [f"net_pcap0,tx_pcap={out}"],
                          ["--forward-mode=flowgen", f"--eth-peer=0,{peer}",
                           "--txpkts=" + ",".join(map(str, txpkts)), f"--run-time={run_time}"],
                          tmp)
        frames = pcap_read(out)
        if len(frames) >= 2 * FLOWGEN_FLOWS:
            break
    else:
        fail(f"flowgen: only {len(frames)} frames in {run_time} s")
    if st["ports"][0]["opackets"] != len(frames) or st["forward"]["packets"] != len(frames):
        fail(f"flowgen: {len(frames)} frames captured, statistics {st}")
    ip_len, flows = size - 14, set()
    for i, (caplen, length, fr) in enumerate(frames):
        what = f"flowgen --txpkts={','.join(map(str, txpkts))}: frame {i}"
        if caplen != size or length != size:
            fail(f"{what}: {length} bytes, --txpkts sums to {size}")
        if fr[0:6] != mac(peer) or fr[6:12] != macs[0] or fr[12:14] != b"\x08\x00":
            fail(f"{what}: Ethernet header {fr[0:14].hex()}, expected {peer} from "
                 f"{fmt_mac(macs[0])}, IPv4")
        ip = fr[14:34]
        ver_ihl, _, tot, _, _, ttl, proto, _, src, dst = struct.unpack("!BBHHHBBHII", ip)
        if ver_ihl != 0x45 or tot != ip_len or ttl != 64 or proto != 17 or cksum(ip) != 0:
            fail(f"{what}: IPv4 header {ip.hex()} (want 45, length {ip_len}, TTL 64, UDP, "
                 "a valid checksum)")
        flow = dst - 0xc6120002
        if src != 0xc6120001 or flow != i % FLOWGEN_FLOWS:
            fail(f"{what}: {src:#x} -> {dst:#x}; expected 198.18.0.1 -> 198.18.0.2 + {i % 1024}")
        flows.add(dst)
        sport, dport, ulen, ucsum = struct.unpack("!HHHH", fr[34:42])
        if (sport, dport, ulen, ucsum) != (9, 9, ip_len - 20, 0):
            fail(f"{what}: UDP header {fr[34:42].hex()}, expected 9 -> 9, "
                 f"length {ip_len - 20}, no checksum")
    if len(flows) != FLOWGEN_FLOWS:
        fail(f"flowgen: {len(flows)} distinct flows in {len(frames)} frames, "
             f"doc/testpmd-lite.md says {FLOWGEN_FLOWS}")
    print(f"ok: flowgen: {len(frames)} frames of {size} bytes, {len(flows)} flows in turn, "
          "headers and checksums valid")


def test_flowgen(testpmd, tmp):
    flowgen_check(testpmd, tmp, [64])
    flowgen_check(testpmd, tmp, [100, 28])  # a chain of two segments per frame


ASKER = mac("02:00:00:00:00:a1")
HOST = mac("02:00:00:00:00:a2")
IP_ASKER = bytes([10, 0, 0, 1])
IP_HOST = bytes([10, 0, 0, 2])


def eth(dst, src, etype):
    return dst + src + struct.pack("!H", etype)


def arp(op, sha, spa, tha, tpa, htype=1):
    return struct.pack("!HHBBH", htype, 0x0800, 6, 4, op) + sha + spa + tha + tpa


def ipv4(proto, payload, src=IP_ASKER, dst=IP_HOST, options=b"", tot=None, frag=0):
    ihl = 5 + len(options) // 4
    tot = tot if tot is not None else ihl * 4 + len(payload)
    h = struct.pack("!BBHHHBBH4s4s", 0x40 | ihl, 0, tot, 0x4242, frag, 64, proto, 0, src, dst)
    h += options
    h = h[:10] + struct.pack("!H", cksum(h)) + h[12:]
    return h + payload


def icmp(typ, ident, seq, data):
    body = struct.pack("!BBHHH", typ, 0, 0, ident, seq) + data
    return body[:2] + struct.pack("!H", cksum(body)) + body[4:]


def check_arp_reply(i, req, fr, port_mac):
    a = fr[14:42]
    if len(fr) != len(req) or fr[0:6] != ASKER or fr[6:12] != port_mac or fr[12:14] != b"\x08\x06":
        fail(f"icmpecho: reply {i}: Ethernet header {fr[0:14].hex()}, expected to the asker "
             f"from {fmt_mac(port_mac)}, ARP, {len(req)} bytes")
    if a != arp(2, port_mac, IP_HOST, ASKER, IP_ASKER):
        fail(f"icmpecho: reply {i}: ARP {a.hex()}, expected a reply from "
             f"{fmt_mac(port_mac)} 10.0.0.2 to the asker 10.0.0.1")


def check_echo_reply(i, req, fr):
    ihl = (req[14] & 0xf) * 4
    tot = struct.unpack("!H", req[16:18])[0]
    ip, rip = fr[14:14 + ihl], req[14:14 + ihl]
    if len(fr) != len(req) or fr[0:6] != req[6:12] or fr[6:12] != req[0:6]:
        fail(f"icmpecho: reply {i}: Ethernet addresses not swapped, or its length changed")
    if ip[12:16] != rip[16:20] or ip[16:20] != rip[12:16] or cksum(ip) != 0:
        fail(f"icmpecho: reply {i}: IPv4 header {ip.hex()}: addresses not swapped "
             "or checksum not valid")
    if ip[:10] + ip[20:] != rip[:10] + rip[20:]:
        fail(f"icmpecho: reply {i}: IPv4 header {ip.hex()} changed beyond the addresses")
    body, rbody = fr[14 + ihl:14 + tot], req[14 + ihl:14 + tot]
    if body[0] != 0 or body[1] != 0 or cksum(body) != 0:
        fail(f"icmpecho: reply {i}: ICMP type {body[0]} code {body[1]}, checksum "
             f"{'valid' if cksum(body) == 0 else 'not valid'}; expected an echo reply (0, 0)")
    if body[4:] != rbody[4:] or fr[14 + tot:] != req[14 + tot:]:
        fail(f"icmpecho: reply {i}: identifier, sequence, data or padding changed")


def test_icmpecho(testpmd, tmp):
    to_host = eth(HOST, ASKER, 0x0800)
    frames = [  # (frame, answered?)
        (eth(b"\xff" * 6, ASKER, 0x0806) + arp(1, ASKER, IP_ASKER, b"\0" * 6, IP_HOST)
         + b"\0" * 18, True),
        (to_host + ipv4(1, icmp(8, 0x1234, 1, bytes(range(56)))), True),
        (to_host + ipv4(1, icmp(8, 0x1234, 2, b"odd")) + b"\0" * 15, True),  # padded to 60
        (to_host + ipv4(1, icmp(8, 0x1234, 3, b"opts"), options=b"\x01" * 4), True),
        (to_host + ipv4(17, struct.pack("!HHHH", 9, 9, 12, 0) + b"udp!"), False),
        (to_host + ipv4(1, icmp(0, 0x1234, 4, b"a reply")), False),
        (eth(HOST, ASKER, 0x0806) + arp(2, ASKER, IP_ASKER, HOST, IP_HOST), False),
        (to_host + ipv4(1, icmp(8, 0x1234, 5, b"cut"), tot=200), False),  # longer than the frame
        (eth(HOST, ASKER, 0x86dd) + b"\x60" + b"\0" * 39, False),
        # ARP for another hardware type (6: IEEE 802), though its lengths are Ethernet's
        (eth(b"\xff" * 6, ASKER, 0x0806) + arp(1, ASKER, IP_ASKER, b"\0" * 6, IP_HOST, htype=6),
         False),
        # the first fragment of a long echo request (MF): its checksum covers all fragments
        (to_host + ipv4(1, icmp(8, 0x1234, 7, b"y" * 1000)[:200], frag=0x2000,
                        tot=20 + 200), False),
        (to_host + ipv4(1, icmp(8, 0x1234, 6, b"x" * 1000)), True),
    ]
    inp, out = os.path.join(tmp, "requests.pcap"), os.path.join(tmp, "replies.pcap")
    pcap_write(inp, [f for f, _ in frames])
    macs, st, _ = run(testpmd, [f"net_pcap0,rx_pcap={inp},tx_pcap={out}"],
                      ["--forward-mode=icmpecho"], tmp)
    want = [f for f, answered in frames if answered]
    got = pcap_read(out)
    if len(got) != len(want):
        fail(f"icmpecho: {len(got)} replies to {len(frames)} frames of which {len(want)} "
             "are requests")
    for i, (req, (_, _, fr)) in enumerate(zip(want, got)):
        if req[12:14] == b"\x08\x06":
            check_arp_reply(i, req, fr, macs[0])
        else:
            check_echo_reply(i, req, fr)
    if st["ports"][0]["ipackets"] != len(frames) or st["ports"][0]["opackets"] != len(want):
        fail(f"icmpecho: statistics {st}: expected {len(frames)} in, {len(want)} out")
    print(f"ok: icmpecho: {len(want)} requests of {len(frames)} frames answered "
          "(ARP from the port's address; echo replies swapped, type 0, checksums valid)")


def main():
    if len(sys.argv) < 3 or sys.argv[2] not in ("mac", "flowgen", "icmpecho") or \
            (sys.argv[2] == "mac") != (len(sys.argv) == 4):
        sys.exit("usage: test_fwd_modes.py TESTPMD_LITE mac CAPTURE | flowgen | icmpecho")
    testpmd, mode = sys.argv[1], sys.argv[2]
    with tempfile.TemporaryDirectory() as tmp:
        if mode == "mac":
            test_mac(testpmd, sys.argv[3], tmp)
        elif mode == "flowgen":
            test_flowgen(testpmd, tmp)
        else:
            test_icmpecho(testpmd, tmp)


if __name__ == "__main__":
    main()
