# Shared by the shell tests of ports on kernel interfaces (test_af_packet.sh,
# test_af_xdp.sh); sourced, with $name set to the test's name. Gives:
#   skip REASON           prints "SKIP: REASON", exits 77
#   veth_ns_make PREFIX   a network namespace $ns (removed at exit with
#                         everything the test started) and a work dir $work
#   in_ns CMD...          runs CMD in $ns
#   veth_up IF...         sets the interfaces up, without IPv6 (the kernel
#                         would send its own router solicitations into the test)
#   wait_for FILE PATTERN waits (10 s at most) for a line of FILE to match
#   sendable_frames IN OUT  copies the records of capture IN that a kernel
#                         interface can send (14..1514 bytes) to OUT
#   pcap_count FILE       prints the number of records in FILE
#   veth_replay_check LABEL IF [--macswap]
#                         replays the sendable frames of $capture into IF,
#                         waits for tcpdump ($dump_pid, writing
#                         $work/out.pcap) to have as many, stops testpmd-lite
#                         ($tp_pid, --json-stats=$work/stats.json) and
#                         tcpdump, and checks the output (veth_compare.py)
# Background programs the test starts go in $bg_pids to be killed at exit.

skip() {
	echo "SKIP: $*"
	exit 77
}

veth_need() {
	[ "$(id -u)" -eq 0 ] || skip "needs root (network namespaces, veth)"
	for t in "$@"; do
		command -v "$t" >/dev/null 2>&1 || skip "$t is not installed (tools/setup-debian)"
	done
}

bg_pids=""
veth_cleanup() {
	set +e # every step runs, whatever failed before
	for p in $bg_pids; do
		kill "$p" 2>/dev/null
	done
	wait 2>/dev/null
	ip netns del "$ns" 2>/dev/null
	rm -rf "$work"
}

veth_ns_make() {
	ns=$1-$$
	work=$(mktemp -d "/tmp/$1.XXXXXX")
	trap veth_cleanup EXIT
	trap 'exit 1' INT TERM
	ip netns add "$ns" 2>"$work/err" || skip "cannot make a network namespace: $(cat "$work/err")"
	in_ns sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1 ||
		true
}

in_ns() {
	ip netns exec "$ns" "$@"
}

veth_up() {
	for i in "$@"; do
		in_ns sysctl -qw "net.ipv6.conf.$i.disable_ipv6=1" || true
		in_ns ip link set "$i" up
	done
}

wait_for() {
	for _ in $(seq 100); do
		grep -q "$2" "$1" 2>/dev/null && return 0
		sleep 0.1
	done
	echo "$name: timed out waiting for '$2' in $1:" >&2
	cat "$1" >&2
	return 1
}

sendable_frames() {
	python3 - "$1" "$2" <<'PY'
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
}

pcap_count() {
	python3 -c 'import sys
d = open(sys.argv[1], "rb").read(); o, n = 24, 0
while o + 16 <= len(d):
    o += 16 + int.from_bytes(d[o + 8:o + 12], "little"); n += 1
print(n)' "$1" 2>/dev/null || echo 0
}

veth_replay_check() {
	sendable_frames "$capture" "$work/in.pcap"
	in_ns tcpreplay -i "$2" --pps=4000 "$work/in.pcap" >"$work/tcpreplay.log" 2>&1 || true
	# Wait (10 s at most, the machine may be busy) until tcpdump has written
	# as many frames as tcpreplay sent.
	sent=$(awk '/Successful packets:/ { print $3 }' "$work/tcpreplay.log")
	for _ in $(seq 50); do
		got=$(pcap_count "$work/out.pcap")
		[ "$got" -ge "${sent:-0}" ] && break
		sleep 0.2
	done
	sleep 0.2
	kill -INT "$tp_pid"
	if ! wait "$tp_pid"; then
		echo "$name: testpmd-lite failed:" >&2
		cat "$work/testpmd.log" >&2
		exit 1
	fi
	kill -INT "$dump_pid"
	wait "$dump_pid" || true
	cat "$work/testpmd.log"
	grep -E "Successful|Failed" "$work/tcpreplay.log" || true
	failed=$(awk '/Failed packets:/ { print $3 }' "$work/tcpreplay.log")
	cat "$work/tcpdump.log"
	python3 "$(dirname "$0")/veth_compare.py" "$1" "$work/in.pcap" "$work/out.pcap" \
		"$work/stats.json" "${failed:-0}" "$work/tcpdump.log" ${3:-}
}
