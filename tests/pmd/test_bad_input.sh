#!/bin/sh
# Bad input to testpmd-lite: each case must end with a non-zero exit and one
# clear line on stderr that contains the words given (what is wrong, and
# what to do). Nothing may crash (a signal exit fails the test).
#
#   test_bad_input.sh TESTPMD_LITE CAPTURE
set -u
testpmd=$1
capture=$2
work=$(mktemp -d /tmp/prt-bad.XXXXXX)
trap 'rm -rf "$work"' EXIT
printf 'not a capture file\n' >"$work/corrupt.pcap"
head -c 100 "$capture" >"$work/truncated.pcap"
fails=0
n=0

# check WORDS ARGS...: runs testpmd-lite ARGS, expects failure and WORDS on one stderr line.
check() {
	words=$1
	shift
	n=$((n + 1))
	"$testpmd" --lcores 0@0,1@0 --no-huge "$@" >"$work/out" 2>"$work/err"
	rc=$?
	lines=$(grep -c . "$work/err")
	if [ $rc -eq 0 ] || [ $rc -gt 128 ] || [ "$lines" -ne 1 ] || ! grep -q -- "$words" "$work/err"; then
		echo "not ok $n - $* (exit $rc, $lines stderr lines, want '$words'):"
		cat "$work/err"
		fails=$((fails + 1))
	else
		echo "ok $n - $*: $(cat "$work/err")"
	fi
}

check "no driver by that name" --vdev net_bogus0
check "unknown devarg 'bogus'; it takes size, copy, no-rx" --vdev net_null0,bogus=1
check "size=abc: give a whole number" --vdev net_null0,size=abc
check "No such file or directory" --vdev net_pcap0,rx_pcap="$work/missing.pcap"
check "unknown file format" --vdev net_pcap0,rx_pcap="$work/corrupt.pcap"
check "truncated dump file" --vdev net_pcap0,rx_pcap="$work/truncated.pcap"
check "no capture file or interface" --vdev net_pcap0
check "interface 'nosuch0' does not exist" --vdev net_af_packet0,iface=nosuch0
check "give the interface: iface=NAME" --vdev net_af_packet0
check "peer=net_ring7: no such net_ring port" --vdev net_ring0,peer=net_ring7
check "has at most 16 rx and 16 tx queues" --vdev net_null0 -- --rxq=17
check "has at most 1 rx and 1 tx queues" --vdev net_pcap0,rx_pcap="$capture" -- --txq=2
check "names port 3, which does not exist" --vdev net_null0 --vdev net_null1 -- --portmask=0x9
check "no ports" -- --forward-mode=io
check "modes are io|mac|macswap" --vdev net_null0 -- --forward-mode=bogus
check "topologies are paired, chained and loop" --vdev net_null0 -- --port-topology=ring
check "unknown option '--bogus'" --vdev net_null0 -- --bogus
check "--nb-cores=2, but -l gives 1 worker lcore" --vdev net_null0 -- --nb-cores=2
# 130 characters: cut at 127 they were read as another length (octal 01, not 01000).
check "too long: at most 8 lengths" --vdev net_null0 -- \
	--txpkts=0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000001000

echo "$((n - fails)) passed, $fails failed"
[ $fails -eq 0 ]
