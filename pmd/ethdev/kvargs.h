/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Device arguments ("key=value,key=value", as --vdev and -a take them), for
 * drivers (not installed). As DPDK's rte_kvargs, plus typed getters that
 * log one line naming the device, the key, the bad value and what is valid.
 */
#ifndef KVARGS_H
#define KVARGS_H

#include <stdbool.h>
#include <stdint.h>

/** Most key=value pairs one device takes. */
#define KVARGS_MAX 32

struct kvargs_pair {
	char *key;
	char *value; /**< "" for a bare key */
};

/** Parsed arguments of one device. */
struct kvargs {
	const char *dev; /**< device name, for messages */
	unsigned int count;
	struct kvargs_pair pairs[KVARGS_MAX];
	char *buf; /**< the copy the pairs point into */
};

/**
 * Parses @p args ("k=v,k=v"; NULL or "" for none) of device @p dev, accepting
 * only the keys in the NULL-terminated @p valid_keys.
 * @return 0 with the result in @p out (free with kvargs_free());
 *         -EINVAL for an unknown key or an empty one (logged with the valid
 *         keys); -E2BIG for more than KVARGS_MAX pairs; -ENOMEM.
 */
int kvargs_parse(const char *dev, const char *args, const char *const valid_keys[],
		 struct kvargs **out);

/** Frees @p kv (NULL is ignored). */
void kvargs_free(struct kvargs *kv);

/** How many times @p key was given. */
unsigned int kvargs_count(const struct kvargs *kv, const char *key);

/** The value of the last @p key given, or NULL when absent. */
const char *kvargs_get(const struct kvargs *kv, const char *key);

/**
 * Calls @p fn(value, @p opaque) for every @p key given, in order; stops at
 * the first negative return. @return 0 or that return.
 */
int kvargs_process(const struct kvargs *kv, const char *key,
		   int (*fn)(const char *value, void *opaque), void *opaque);

/**
 * Reads @p key as an unsigned decimal (or 0x hex) in @p min..@p max into
 * @p out; @p out keeps its value when the key is absent.
 * @return 0; -EINVAL (logged) for a bad value.
 */
int kvargs_get_uint(const struct kvargs *kv, const char *key, uint64_t min, uint64_t max,
		    uint64_t *out);

/**
 * Reads @p key as a boolean: 0/1, yes/no, true/false, on/off, or bare (true).
 * @return 0; -EINVAL (logged) for a bad value.
 */
int kvargs_get_bool(const struct kvargs *kv, const char *key, bool *out);

#endif /* KVARGS_H */
