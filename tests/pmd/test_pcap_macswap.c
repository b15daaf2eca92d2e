/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Real traffic through testpmd-lite: zoo.pcap (2876 frames of many protocols,
 * 0 to 80156 bytes) read by net_pcap, forwarded in macswap mode, written
 * back by net_pcap. Checked frame by frame with libpcap: every frame that
 * fits the port comes out, in order, with destination and source MAC
 * swapped and every other byte unchanged; every frame that does not fit
 * (longer than --max-pkt-len, shorter than an Ethernet header) is counted
 * in the port's rx errors, and the counts add up.
 *
 * usage: test_pcap_macswap TESTPMD_LITE CAPTURE
 */
#include <pcap/pcap.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "prt_test.h"

static const char *testpmd;
static const char *capture;

/* Runs testpmd-lite on @in in macswap mode with @max_pkt_len; output in @out, JSON in @json. */
static int run_testpmd(const char *out, const char *json, unsigned int max_pkt_len)
{
	char vdev[1024], maxlen[64], jarg[512], lcores[32];
	cpu_set_t set;
	pid_t pid;
	int status, cpu = 0;

	/* Two lcores on the first CPU we may use: runs on a one-CPU machine too. */
	sched_getaffinity(0, sizeof(set), &set);
	while (cpu < CPU_SETSIZE - 1 && !CPU_ISSET(cpu, &set))
		cpu++;
	snprintf(lcores, sizeof(lcores), "0@%d,1@%d", cpu, cpu);
	snprintf(vdev, sizeof(vdev), "net_pcap0,rx_pcap=%s,tx_pcap=%s", capture, out);
	snprintf(maxlen, sizeof(maxlen), "--max-pkt-len=%u", max_pkt_len);
	snprintf(jarg, sizeof(jarg), "--json-stats=%s", json);
	pid = fork();
	if (pid == 0) {
		execl(testpmd, testpmd, "--lcores", lcores, "--no-huge", "--vdev", vdev, "--",
		      "--forward-mode=macswap", maxlen, jarg, (char *)NULL);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* Reads "key":NUMBER from the JSON file @path. */
static unsigned long long json_number(const char *path, const char *key)
{
	char buf[4096], pat[64];
	FILE *f = fopen(path, "r");
	size_t n;
	char *p;

	assert_non_null(f);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	snprintf(pat, sizeof(pat), "\"%s\":", key);
	p = strstr(buf, pat);
	assert_non_null(p);
	return strtoull(p + strlen(pat), NULL, 10);
}

static void check_macswap(unsigned int max_pkt_len)
{
	char out[] = "/tmp/prt_macswap_XXXXXX", json[sizeof(out) + 8];
	char errbuf[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *ih, *oh;
	const u_char *id, *od;
	unsigned long in = 0, fit = 0, dropped = 0;
	pcap_t *pin, *pout;
	int fd = mkstemp(out);

	assert_true(fd >= 0);
	close(fd);
	snprintf(json, sizeof(json), "%s.json", out);
	assert_int_equal(run_testpmd(out, json, max_pkt_len), 0);

	pin = pcap_open_offline(capture, errbuf);
	assert_non_null(pin);
	pout = pcap_open_offline(out, errbuf);
	assert_non_null(pout);
	while (pcap_next_ex(pin, &ih, &id) == 1) {
		in++;
		/* The port's largest frame is MTU + 18 = --max-pkt-len. */
		if (ih->caplen < 14 || ih->caplen > max_pkt_len) {
			dropped++;
			continue;
		}
		fit++;
		if (pcap_next_ex(pout, &oh, &od) != 1)
			fail_msg(
				"output ends after %lu frames; input frame %lu fits and is missing",
				fit - 1, in);
		assert_int_equal(oh->caplen, ih->caplen);
		assert_int_equal(oh->len, ih->caplen);
		assert_memory_equal(od, id + 6, 6); /* destination = input source */
		assert_memory_equal(od + 6, id, 6); /* source = input destination */
		assert_memory_equal(od + 12, id + 12, ih->caplen - 12);
	}
	assert_int_not_equal(pcap_next_ex(pout, &oh, &od), 1); /* nothing more came out */
	pcap_close(pin);
	pcap_close(pout);

	assert_int_equal(in, 2876);
	assert_true(fit > 2700);
	assert_int_equal(json_number(json, "ipackets"), fit);
	assert_int_equal(json_number(json, "opackets"), fit);
	assert_int_equal(json_number(json, "ierrors"), dropped);
	assert_int_equal(json_number(json, "packets"), fit);
	unlink(out);
	unlink(json);
}

/* Standard frames: 1518 bytes at most, each in one mbuf. */
static void test_macswap_standard(void **state)
{
	(void)state;
	check_macswap(1518);
}

/* Jumbo frames: up to 9018 bytes in 2 KiB mbufs, so rx chains and tx gathers. */
static void test_macswap_jumbo_chains(void **state)
{
	(void)state;
	check_macswap(9018);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_macswap_standard),
		cmocka_unit_test(test_macswap_jumbo_chains),
	};

	if (argc != 3) {
		fprintf(stderr, "usage: %s TESTPMD_LITE CAPTURE\n", argv[0]);
		return 2;
	}
	testpmd = argv[1];
	capture = argv[2];
	return cmocka_run_group_tests(tests, NULL, NULL);
}
