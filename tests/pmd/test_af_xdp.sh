#!/bin/sh
# net_af_xdp with real traffic, in a network namespace made here (and
# removed at the end):
#  1. veth0-veth1, one queue each: testpmd-lite in macswap mode on an
#     AF_XDP port on veth1; tcpreplay sends a capture into veth0 and tcpdump
#     records what comes back into veth0. Every frame the kernel could send
#     (14 to 1514 bytes) must come back with its MAC addresses swapped, in
#     order, but for frames a stage counted as dropped (a loaded machine).
#     While it runs, a second testpmd-lite on the same queue is refused with
#     the reason, and one asking for a queue veth1 lacks is refused too;
#     after it, so are one under a 64 KiB locked memory limit, one without
#     the capabilities, and one on veth1 with a foreign XDP program.
#  2. veth0-veth1 again with two queues each way: test_af_xdp (cmocka) on
#     the ethdev API: flows spread over both queues by the peer, tx on each
#     queue, stop and start again, a second port on a queue in use, link,
#     xstats.
#
#   test_af_xdp.sh TESTPMD_LITE TEST_AF_XDP CAPTURE
set -eu
testpmd=$1
api_test=$2
capture=$3
name=test_af_xdp
. "$(dirname "$0")/veth_lib.sh"

veth_need ip tcpdump tcpreplay python3
veth_ns_make prt-afxdp
in_ns ip link add veth0 type veth peer name veth1
veth_up veth0 veth1

# Background jobs are started without a shell function in between, so that
# $! is the program itself and receives our signals.
ip netns exec "$ns" tcpdump -i veth0 -Q in -U -n -w "$work/out.pcap" >"$work/tcpdump.log" 2>&1 &
dump_pid=$!
bg_pids="$bg_pids $dump_pid"
wait_for "$work/tcpdump.log" "listening on"

ip netns exec "$ns" "$testpmd" -l 0-1 --no-huge --vdev net_af_xdp0,iface=veth1 -- \
	--forward-mode=macswap --json-stats="$work/stats.json" >"$work/testpmd.log" 2>&1 &
tp_pid=$!
bg_pids="$bg_pids $tp_pid"
if ! wait_for "$work/testpmd.log" "^forwarding started"; then
	grep -q "no AF_XDP sockets" "$work/testpmd.log" && skip "the kernel has no AF_XDP sockets"
	grep -q "does not support XDP" "$work/testpmd.log" && skip "veth takes no XDP program here"
	exit 1
fi
grep "pmd.net.af_xdp" "$work/testpmd.log"

# expect_refusal LABEL PATTERN CMD...: CMD must fail, saying PATTERN.
expect_refusal() {
	label=$1
	pattern=$2
	shift 2
	if "$@" >"$work/$label.log" 2>&1; then
		echo "FAIL: $label: testpmd-lite started" >&2
		exit 1
	fi
	grep "$pattern" "$work/$label.log" || {
		echo "FAIL: $label: refused without the reason:" >&2
		cat "$work/$label.log" >&2
		exit 1
	}
}
tp1="$testpmd -l 0-1 --no-huge --vdev net_af_xdp0,iface=veth1"
# A second prt on the same queue.
expect_refusal second "queue 0 of veth1 already has an AF_XDP socket" \
	in_ns $tp1 -- --run-time=1
# A queue the interface lacks: refused at probe, with the fix.
expect_refusal range "queues 3..3 asked (start_queue=3, queue_count=1) but veth1 has 1" \
	in_ns $tp1,start_queue=3 -- --run-time=1

veth_replay_check af_xdp veth0 --macswap

# Refusals on the free veth1: the locked memory limit (without
# CAP_IPC_LOCK), missing capabilities, a program libxdp cannot share.
if command -v capsh >/dev/null && command -v prlimit >/dev/null; then
	expect_refusal memlock "cannot be locked: the locked memory limit is 64 KiB" \
		in_ns capsh --drop=cap_ipc_lock -- -c "prlimit --memlock=65536 $tp1 -- --run-time=1"
	expect_refusal caps "an AF_XDP socket on veth1 needs CAP_NET_RAW" \
		in_ns capsh --drop=cap_net_raw,cap_net_admin,cap_bpf,cap_sys_admin -- \
		-c "$tp1 -- --run-time=1"
else
	echo "af_xdp: memlock and capability refusals not tried: capsh or prlimit missing"
fi
prog=""
for d in /usr/lib/x86_64-linux-gnu/bpf /usr/lib/bpf /usr/local/lib/bpf; do
	[ -f "$d/xdpfilt_alw_all.o" ] && prog=$d/xdpfilt_alw_all.o && break
done
if [ -n "$prog" ] && in_ns ip link set dev veth1 xdpdrv obj "$prog" sec xdp; then
	expect_refusal foreign "veth1 already has an XDP program (id [0-9]*, xdpfilt_alw_all)" \
		in_ns $tp1 -- --run-time=1
	in_ns ip link set dev veth1 xdpdrv off
else
	echo "af_xdp: foreign-program refusal not tried: no xdpfilt_alw_all.o (libxdp's) to attach"
fi

# xdp_prog=: libxdp's own redirect program, given as a file, carries the
# frames (its xsks_map gets the socket).
if [ -n "$prog" ] && [ -f "${prog%/*}/xsk_def_xdp_prog.o" ]; then
	ip netns exec "$ns" "$testpmd" -l 0-1 --no-huge \
		--vdev "net_af_xdp0,iface=veth1,xdp_prog=${prog%/*}/xsk_def_xdp_prog.o" -- \
		--forward-mode=rxonly --json-stats="$work/prog.json" >"$work/prog.log" 2>&1 &
	tp_pid=$!
	bg_pids="$bg_pids $tp_pid"
	wait_for "$work/prog.log" "^forwarding started"
	grep "XDP program .*xsk_def_xdp_prog.o attached to veth1" "$work/prog.log"
	in_ns tcpreplay -i veth0 --pps=4000 "$work/in.pcap" >/dev/null 2>&1 || true
	sleep 0.5
	kill -INT "$tp_pid"
	wait "$tp_pid"
	python3 -c 'import json, sys
n = json.load(open(sys.argv[1]))["ports"][0]["ipackets"]
print(f"af_xdp: xdp_prog= received {n} frames")
sys.exit(0 if n > 0 else "FAIL: nothing received through xdp_prog=")' "$work/prog.json"
fi

# 2. Two queues each way (veth's queues are chosen at creation).
in_ns ip link del veth0
in_ns ip link add veth0 numtxqueues 2 numrxqueues 2 type veth peer name veth1 \
	numtxqueues 2 numrxqueues 2
veth_up veth0 veth1
in_ns "$api_test" veth1 veth0
