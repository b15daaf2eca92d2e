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
name=test_af_packet
. "$(dirname "$0")/veth_lib.sh"

veth_need ip tcpdump tcpreplay python3
veth_ns_make prt-afp
in_ns ip link add veth0 type veth peer name veth1
in_ns ip link add veth2 type veth peer name veth3
veth_up veth0 veth1 veth2 veth3

# Background jobs are started without a shell function in between, so that
# $! is the program itself and receives our signals.
ip netns exec "$ns" tcpdump -i veth3 -U -n -w "$work/out.pcap" >"$work/tcpdump.log" 2>&1 &
dump_pid=$!
bg_pids="$bg_pids $dump_pid"
wait_for "$work/tcpdump.log" "listening on"

ip netns exec "$ns" "$testpmd" -l 0-1 --no-huge --vdev net_af_packet0,iface=veth1 \
	--vdev net_af_packet1,iface=veth2 -- --forward-mode=io --rx-intr \
	--json-stats="$work/stats.json" >"$work/testpmd.log" 2>&1 &
tp_pid=$!
bg_pids="$bg_pids $tp_pid"
wait_for "$work/testpmd.log" "^forwarding started"

veth_replay_check af_packet veth0
