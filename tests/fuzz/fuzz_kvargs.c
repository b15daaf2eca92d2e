/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target: device arguments ("k=v,k=v", pmd/ethdev/kvargs.c) as
 * a --vdev or -a gives them to a driver, checked against the keys of one of
 * prt's drivers (byte 0 picks which) and read with the typed getters the
 * drivers use. Besides ASan/UBSan, it checks that every pair kept has a
 * known, non-empty key without '=' or ',' and a value without ',', that
 * there are at most KVARGS_MAX of them, and that the count of each key
 * matches what kvargs_process() visits.
 */
#include "fuzz_common.h"

#include "kvargs.h"

/* The drivers' devargs (virtio_user.c, pcap_ethdev.c, af_packet.c, ring_ethdev.c, null_ethdev.c). */
static const char *const keys_virtio_user[] = { "path",	     "queues",	 "queue_size", "packed_vq",
						"mrg_rxbuf", "in_order", "mac",	       NULL };
static const char *const keys_pcap[] = { "rx_pcap", "tx_pcap",	   "rx_iface", "tx_iface",
					 "iface",   "infinite_rx", NULL };
static const char *const keys_af_packet[] = { "iface",	  "qpairs",	  "blocksz",
					      "framecnt", "qdisc_bypass", NULL };
static const char *const keys_ring[] = { "queues", "size", "peer", NULL };
static const char *const keys_null[] = { "size", "copy", "no-rx", NULL };
static const char *const *const key_sets[] = { keys_virtio_user, keys_pcap, keys_af_packet,
					       keys_ring, keys_null };

FUZZ_INIT_QUIET()

static int visit(const char *value, void *opaque)
{
	fuzz_check(strchr(value, ',') == NULL);
	(*(unsigned int *)opaque)++;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *const *keys;
	struct kvargs *kv;
	char *args;
	unsigned int total = 0;

	if (size == 0)
		return 0;
	keys = key_sets[data[0] % PRT_DIM(key_sets)];
	args = strndup((const char *)data + 1, size - 1);
	fuzz_check(args != NULL);
	if (kvargs_parse("net_fuzz0", args, keys, &kv) < 0) {
		free(args);
		return 0;
	}
	fuzz_check(kv->count <= KVARGS_MAX);
	for (unsigned int i = 0; i < kv->count; i++) {
		const char *k = kv->pairs[i].key;

		fuzz_check(*k != '\0' && strpbrk(k, "=,") == NULL);
		fuzz_check(strchr(kv->pairs[i].value, ',') == NULL);
	}
	for (const char *const *k = keys; *k != NULL; k++) {
		unsigned int visited = 0;
		uint64_t u = 0;
		bool b = false;
		int ret;

		fuzz_check(kvargs_process(kv, *k, visit, &visited) == 0);
		fuzz_check(visited == kvargs_count(kv, *k));
		total += visited;
		fuzz_check((kvargs_get(kv, *k) != NULL) == (visited > 0));
		ret = kvargs_get_uint(kv, *k, 1, 4096, &u);
		fuzz_check(ret == 0 || ret == -EINVAL);
		fuzz_check(ret < 0 || visited == 0 || (u >= 1 && u <= 4096));
		ret = kvargs_get_bool(kv, *k, &b);
		fuzz_check(ret == 0 || ret == -EINVAL);
	}
	fuzz_check(total == kv->count);
	kvargs_free(kv);
	free(args);
	return 0;
}
