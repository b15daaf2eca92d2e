#!/bin/sh
# net_af_packet with real traffic: in a network namespace made here (and
# removed at the end), two veth pairs veth0-veth1 and veth2-veth3.
# testpmd-lite forwards in io mode between ports on veth1 and veth2;
# tcpreplay sends a capture into veth0 and tcpdump records what comes out
# of veth3. Every frame the kernel could send (14 to 1514 bytes: an Ethernet
# header up to the veth MTU of 1500) must come out unchanged, in order, and
# nothing else, but for frames a stage counted as dropped (a loaded machine). testpmd-lite runs with --rx-intr: idle, it sleeps on the
# sockets and must wake for every frame. Only the namespace's own
# interfaces are touched.
#
#   test_af_packet.sh TESTPMD_LITE CAPTURE
set -eu
testpmd=$1
capture=$2

skip() {
	echo "SKIP: $*"
	exit 77
}

[ "$(id -u)" -eq 0 ] || skip "needs root (network namespaces, veth, AF_PACKET)"
for t in ip tcpdump tcpreplay python3; do
	command -v $t >/dev/null 2>&1 || skip "$t is not installed (tools/setup-debian)"
done

ns=prt-afp-$$
work=$(mktemp -d /tmp/prt-afp.XXXXXX)
tp_pid=""
dump_pid=""
cleanup() {
	set +e # every step runs, whatever failed before
	[ -n "$tp_pid" ] && kill "$tp_pid" 2>/dev/null
	[ -n "$dump_pid" ] && kill "$dump_pid" 2>/dev/null
	wait 2>/dev/null
	ip netns del "$ns" 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
ip netns add "$ns" 2>"$work/err" || skip "cannot make a network namespace: $(cat "$work/err")"
in_ns() {
	ip netns exec "$ns" "$@"
}

in_ns ip link add veth0 type veth peer name veth1
in_ns ip link add veth2 type veth peer name veth3
# No IPv6: the kernel would send its own router solicitations into the test.
in_ns sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1 || true
for i in veth0 veth1 veth2 veth3; do
	in_ns sysctl -qw "net.ipv6.conf.$i.disable_ipv6=1" || true
	in_ns ip link set "$i" up
done

# Wait until FILE holds a line matching PATTERN (10 s at most).
wait_for() {
	for _ in $(seq 100); do
		grep -q "$2" "$1" 2>/dev/null && return 0
		sleep 0.1
	done
	echo "test_af_packet: timed out waiting for '$2' in $1:" >&2
	cat "$1" >&2
	return 1
}

# Background jobs are started without a shell function in between, so that
# $! is the program itself and receives our signals.
ip netns exec "$ns" tcpdump -i veth3 -U -n -w "$work/out.pcap" >"$work/tcpdump.log" 2>&1 &
dump_pid=$!
wait_for "$work/tcpdump.log" "listening on"

ip netns exec "$ns" "$testpmd" -l 0-1 --no-huge --vdev net_af_packet0,iface=veth1 \
	--vdev net_af_packet1,iface=veth2 -- --forward-mode=io --rx-intr \
	--json-stats="$work/stats.json" >"$work/testpmd.log" 2>&1 &
tp_pid=$!
wait_for "$work/testpmd.log" "^forwarding started"

# The frames a kernel interface can send: 14 bytes (an Ethernet header) to
# 1514 (the MTU of 1500 and the header); tcpreplay stops at anything else.
python3 - "$capture" "$work/in.pcap" <<'PY'
import struct, sys
data = open(sys.argv[1], 'rb').read()
out = [data[:24]]
off = 24
while off + 16 <= len(data):
    caplen = struct.unpack('<I', data[off + 8:off + 12])[0]
    if 14 <= caplen <= 1514:
        ts, us = struct.unpack('<II', data[off:off + 8])
        out.append(struct.pack('<IIII', ts, us, caplen, caplen) + data[off + 16:off + 16 + caplen])
    off += 16 + caplen
open(sys.argv[2], 'wb').write(b''.join(out))
PY
in_ns tcpreplay -i veth0 --pps=4000 "$work/in.pcap" >"$work/tcpreplay.log" 2>&1 || true
# Wait (10 s at most, the machine may be busy) until tcpdump has written as
# many frames as tcpreplay sent: the last rx block retires after 1 ms.
sent=$(awk '/Successful packets:/ { print $3 }' "$work/tcpreplay.log")
for _ in $(seq 50); do
	got=$(python3 -c 'import sys
d = open(sys.argv[1], "rb").read(); o, n = 24, 0
while o + 16 <= len(d):
    o += 16 + int.from_bytes(d[o + 8:o + 12], "little"); n += 1
print(n)' "$work/out.pcap" 2>/dev/null || echo 0)
	[ "$got" -ge "${sent:-0}" ] && break
	sleep 0.2
done
sleep 0.2
kill -INT "$tp_pid"
if ! wait "$tp_pid"; then
	echo "test_af_packet: testpmd-lite failed:" >&2
	cat "$work/testpmd.log" >&2
	exit 1
fi
tp_pid=""
kill -INT "$dump_pid"
wait "$dump_pid" || true
dump_pid=""
cat "$work/testpmd.log"
grep -E "Successful|Failed" "$work/tcpreplay.log" || true
failed=$(awk '/Failed packets:/ { print $3 }' "$work/tcpreplay.log")

cat "$work/tcpdump.log"
python3 - "$work/in.pcap" "$work/out.pcap" "$work/stats.json" "${failed:-0}" "$work/tcpdump.log" <<'PY'
import json, re, struct, sys

def frames(path):
    data = open(path, 'rb').read()
    magic = struct.unpack('<I', data[:4])[0]
    end = '<' if magic in (0xa1b2c3d4, 0xa1b23c4d) else '>'
    off = 24
    while off + 16 <= len(data):
        _, _, caplen, _ = struct.unpack(end + 'IIII', data[off:off + 16])
        yield data[off + 16:off + 16 + caplen]
        off += 16 + caplen

sent = list(frames(sys.argv[1]))
got = list(frames(sys.argv[2]))
stats = json.load(open(sys.argv[3]))
failed = int(sys.argv[4])
m = re.search(r"(\d+) packets? dropped by kernel", open(sys.argv[5]).read())
dump_drops = int(m.group(1)) if m else 0
imissed = sum(p["imissed"] for p in stats["ports"])
fwd = stats["forward"]["packets"]
not_fwd = sum(p["ipackets"] for p in stats["ports"]) - fwd
print(f"af_packet: {len(sent)} frames replayed ({failed} refused by the kernel), "
      f"{len(got)} came out of veth3")
# Every frame out is the next frame in, byte for byte. Frames may be missing
# only where a stage counted them (a loaded machine makes the kernel drop
# frames at a full socket ring): tcpreplay's send failures, testpmd-lite's
# imissed (its rings) and frames it received but could not send, tcpdump's
# kernel drops. A frame missing that nobody counted fails the test.
i = skipped = 0
for k, b in enumerate(got):
    while i < len(sent) and sent[i] != b:
        i += 1
        skipped += 1
    if i == len(sent):
        sys.exit(f"FAIL: output frame {k} ({len(b)} bytes, {b[:32].hex()}...) was never sent, "
                 "or came out of order")
    i += 1
skipped += len(sent) - i
counted = failed + imissed + not_fwd + dump_drops
if skipped != counted:
    sys.exit(f"FAIL: {skipped} frames did not come out; counted: tcpreplay failed to send "
             f"{failed}, testpmd-lite missed {imissed} and did not send {not_fwd}, "
             f"tcpdump dropped {dump_drops}")
if fwd != len(got) + dump_drops:
    sys.exit(f"FAIL: testpmd-lite counted {fwd} frames forwarded, {len(got)} came out "
             f"and tcpdump dropped {dump_drops}")
if counted > failed:
    print(f"af_packet: the machine was loaded: {imissed} missed at testpmd-lite's rings, "
          f"{not_fwd} not sent, {dump_drops} dropped at tcpdump, each counted")
print("af_packet: every frame forwarded unchanged and in order")
PY
