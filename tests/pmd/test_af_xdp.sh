#!/bin/sh
# net_af_xdp with real traffic, in a network namespace made here (and
# removed at the end):
#  1. veth0-veth1, one queue each: testpmd-lite in macswap mode on an
#     AF_XDP port on veth1; tcpreplay sends a capture into veth0 and tcpdump
#     records what comes back into veth0. Every frame the kernel could send
#     (14 to 1514 bytes) must come back with its MAC addresses swapped, in
#     order, but for frames a stage counted as dropped (a loaded machine).
#     While it runs, a second testpmd-lite on the same queue is refused with
#     the reason, and one asking for a queue veth1 lacks is refused too.
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

# A second prt on the same queue: refused, with the reason.
if in_ns "$testpmd" -l 0-1 --no-huge --vdev net_af_xdp0,iface=veth1 -- --run-time=1 \
	>"$work/second.log" 2>&1; then
	echo "FAIL: a second testpmd-lite on queue 0 of veth1 started" >&2
	cat "$work/second.log" >&2
	exit 1
fi
grep "queue 0 of veth1 already has an AF_XDP socket" "$work/second.log" || {
	echo "FAIL: the second testpmd-lite did not say why it failed:" >&2
	cat "$work/second.log" >&2
	exit 1
}
# A queue the interface lacks: refused at probe, with the fix.
if in_ns "$testpmd" -l 0-1 --no-huge --vdev net_af_xdp1,iface=veth1,start_queue=3 -- \
	--run-time=1 >"$work/range.log" 2>&1; then
	echo "FAIL: start_queue=3 on a one-queue veth was taken" >&2
	exit 1
fi
grep "queues 3..3 asked (start_queue=3, queue_count=1) but veth1 has 1" "$work/range.log" || {
	echo "FAIL: start_queue=3 was refused without the reason:" >&2
	cat "$work/range.log" >&2
	exit 1
}

veth_replay_check af_xdp veth0 --macswap

# 2. Two queues each way (veth's queues are chosen at creation).
in_ns ip link del veth0
in_ns ip link add veth0 numtxqueues 2 numrxqueues 2 type veth peer name veth1 \
	numtxqueues 2 numrxqueues 2
veth_up veth0 veth1
in_ns "$api_test" veth1 veth0
