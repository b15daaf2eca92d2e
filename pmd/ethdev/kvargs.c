/* SPDX-License-Identifier: BSD-3-Clause */
/* Device arguments: "key=value,key=value" split, checked and read. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ethdev_driver.h"
#include "kvargs.h"

static bool key_valid(const char *key, const char *const valid[])
{
	for (unsigned int i = 0; valid && valid[i]; i++)
		if (strcmp(key, valid[i]) == 0)
			return true;
	return false;
}

/* Logs "DEV: unknown devarg 'KEY'; it takes a, b, c". */
static void log_unknown_key(const char *dev, const char *key, const char *const valid[])
{
	char list[256] = "";
	size_t len = 0;

	for (unsigned int i = 0; valid && valid[i] && len < sizeof(list); i++)
		len += (size_t)snprintf(list + len, sizeof(list) - len, "%s%s", i ? ", " : "",
					valid[i]);
	ETHDEV_LOG(ERR, "%s: unknown devarg '%s'; it takes %s", dev, key,
		   list[0] ? list : "no devargs");
}

int kvargs_parse(const char *dev, const char *args, const char *const valid_keys[],
		 struct kvargs **out)
{
	struct kvargs *kv;
	char *save = NULL, *tok;
	int ret;

	kv = calloc(1, sizeof(*kv));
	if (kv == NULL)
		return -ENOMEM;
	kv->dev = dev;
	kv->buf = strdup(args ? args : "");
	if (kv->buf == NULL) {
		ret = -ENOMEM;
		goto fail;
	}
	for (tok = strtok_r(kv->buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(tok, '=');

		if (eq)
			*eq = '\0';
		if (*tok == '\0') {
			ETHDEV_LOG(ERR, "%s: devarg '=%s' has no key; write key=value", dev,
				   eq ? eq + 1 : "");
			ret = -EINVAL;
			goto fail;
		}
		if (!key_valid(tok, valid_keys)) {
			log_unknown_key(dev, tok, valid_keys);
			ret = -EINVAL;
			goto fail;
		}
		if (kv->count == KVARGS_MAX) {
			ETHDEV_LOG(ERR, "%s: more than %d devargs", dev, KVARGS_MAX);
			ret = -E2BIG;
			goto fail;
		}
		kv->pairs[kv->count].key = tok;
		kv->pairs[kv->count].value = eq ? eq + 1 : tok + strlen(tok);
		kv->count++;
	}
	*out = kv;
	return 0;
fail:
	kvargs_free(kv);
	return ret;
}

void kvargs_free(struct kvargs *kv)
{
	if (kv == NULL)
		return;
	free(kv->buf);
	free(kv);
}

unsigned int kvargs_count(const struct kvargs *kv, const char *key)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < kv->count; i++)
		n += strcmp(kv->pairs[i].key, key) == 0;
	return n;
}

const char *kvargs_get(const struct kvargs *kv, const char *key)
{
	const char *v = NULL;

	for (unsigned int i = 0; i < kv->count; i++)
		if (strcmp(kv->pairs[i].key, key) == 0)
			v = kv->pairs[i].value;
	return v;
}

int kvargs_process(const struct kvargs *kv, const char *key,
		   int (*fn)(const char *value, void *opaque), void *opaque)
{
	for (unsigned int i = 0; i < kv->count; i++) {
		if (strcmp(kv->pairs[i].key, key) != 0)
			continue;
		int ret = fn(kv->pairs[i].value, opaque);

		if (ret < 0)
			return ret;
	}
	return 0;
}

int kvargs_get_uint(const struct kvargs *kv, const char *key, uint64_t min, uint64_t max,
		    uint64_t *out)
{
	const char *v = kvargs_get(kv, key);
	unsigned long long n;
	char *end;

	if (v == NULL)
		return 0;
	errno = 0;
	n = strtoull(v, &end, 0);
	if (*v == '\0' || *v == '-' || *end != '\0' || errno || n < min || n > max) {
		ETHDEV_LOG(ERR,
			   "%s: devarg %s=%s: give a whole number from %" PRIu64 " to %" PRIu64,
			   kv->dev, key, v, min, max);
		return -EINVAL;
	}
	*out = n;
	return 0;
}

int kvargs_get_bool(const struct kvargs *kv, const char *key, bool *out)
{
	static const char *const yes[] = { "", "1", "yes", "true", "on" };
	static const char *const no[] = { "0", "no", "false", "off" };
	const char *v = kvargs_get(kv, key);

	if (v == NULL)
		return 0;
	for (unsigned int i = 0; i < PRT_DIM(yes); i++)
		if (strcasecmp(v, yes[i]) == 0) {
			*out = true;
			return 0;
		}
	for (unsigned int i = 0; i < PRT_DIM(no); i++)
		if (strcasecmp(v, no[i]) == 0) {
			*out = false;
			return 0;
		}
	ETHDEV_LOG(ERR, "%s: devarg %s=%s: give 0 or 1", kv->dev, key, v);
	return -EINVAL;
}
