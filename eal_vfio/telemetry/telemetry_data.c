/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The data a telemetry command answers with (struct prt_tel_data): a
 * string, a dictionary or an array, built by the command's callback, with
 * DPDK's limits (rte_tel_data in lib/telemetry/telemetry_data.c): names of
 * letters, digits, '_' and '/', strings cut at 127 bytes, 256 dictionary
 * entries, 512 array elements. Entries grow on demand instead of DPDK's
 * fixed 70 KiB per container.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "prt_common.h"
#include "telemetry_private.h"

void tel_data_release(struct prt_tel_data *d)
{
	for (unsigned int i = 0; i < d->n; i++) {
		struct tel_entry *e = &d->entries[i];

		if (e->type == PRT_TEL_CONTAINER && !e->cont.keep)
			prt_tel_data_free(e->cont.data);
	}
	free(d->entries);
	free(d->str);
	memset(d, 0, sizeof(*d));
}

struct prt_tel_data *prt_tel_data_alloc(void)
{
	struct prt_tel_data *d = calloc(1, sizeof(*d));

	if (d == NULL)
		errno = ENOMEM;
	return d;
}

void prt_tel_data_free(struct prt_tel_data *d)
{
	if (d == NULL)
		return;
	tel_data_release(d);
	free(d);
}

int prt_tel_data_start_dict(struct prt_tel_data *d)
{
	if (d == NULL)
		return -EINVAL;
	tel_data_release(d);
	d->kind = TEL_DICT;
	return 0;
}

int prt_tel_data_start_array(struct prt_tel_data *d, enum prt_tel_value_type type)
{
	if (d == NULL || (unsigned int)type > PRT_TEL_CONTAINER)
		return -EINVAL;
	tel_data_release(d);
	d->kind = TEL_ARRAY;
	d->array_type = type;
	return 0;
}

int prt_tel_data_string(struct prt_tel_data *d, const char *str)
{
	size_t len;

	if (d == NULL || str == NULL)
		return -EINVAL;
	len = strnlen(str, PRT_TEL_MAX_SINGLE_STRING_LEN);
	tel_data_release(d);
	d->str = strndup(str, PRT_TEL_MAX_SINGLE_STRING_LEN - 1);
	if (d->str == NULL)
		return -ENOMEM;
	d->kind = TEL_STRING;
	return len >= PRT_TEL_MAX_SINGLE_STRING_LEN ? E2BIG : 0;
}

/* A name DPDK accepts: letters, digits, '_' and '/', not empty, shorter than the limit. */
static bool valid_name(const char *name)
{
	size_t len = strnlen(name, PRT_TEL_MAX_STRING_LEN);

	if (len == 0 || len >= PRT_TEL_MAX_STRING_LEN)
		return false;
	for (const char *p = name; *p; p++)
		if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'z') ||
		      (*p >= 'A' && *p <= 'Z') || *p == '_' || *p == '/'))
			return false;
	return true;
}

/*
 * A new entry at the end of @p d, zeroed, once @p d is of @p kind (and, for
 * an array, of @p type) and has room. @return it, or NULL with *err set.
 */
static struct tel_entry *entry_new(struct prt_tel_data *d, enum tel_kind kind,
				   enum prt_tel_value_type type, int *err)
{
	unsigned int max = kind == TEL_DICT ? PRT_TEL_MAX_DICT_ENTRIES : PRT_TEL_MAX_ARRAY_ENTRIES;
	struct tel_entry *e;

	if (d == NULL || d->kind != kind || (kind == TEL_ARRAY && d->array_type != type)) {
		*err = -EINVAL;
		return NULL;
	}
	if (d->n >= max) {
		*err = -ENOSPC;
		return NULL;
	}
	if (d->n == d->cap) {
		unsigned int cap = d->cap ? d->cap * 2 : 8;

		e = realloc(d->entries, sizeof(*e) * PRT_MIN(cap, max));
		if (e == NULL) {
			*err = -ENOMEM;
			return NULL;
		}
		d->entries = e;
		d->cap = PRT_MIN(cap, max);
	}
	e = &d->entries[d->n++];
	memset(e, 0, sizeof(*e));
	e->type = type;
	return e;
}

/* Copies @p s into @p dst; @return E2BIG when it was cut, else 0. */
static int copy_string(char dst[PRT_TEL_MAX_STRING_LEN], const char *s)
{
	size_t len = strnlen(s, PRT_TEL_MAX_STRING_LEN);

	if (len >= PRT_TEL_MAX_STRING_LEN)
		len = PRT_TEL_MAX_STRING_LEN - 1;
	memcpy(dst, s, len);
	dst[len] = '\0';
	return s[len] != '\0' ? E2BIG : 0;
}

int prt_tel_data_add_array_string(struct prt_tel_data *d, const char *str)
{
	struct tel_entry *e;
	int err;

	if (str == NULL)
		return -EINVAL;
	e = entry_new(d, TEL_ARRAY, PRT_TEL_STRING_VAL, &err);
	return e ? copy_string(e->sval, str) : err;
}

int prt_tel_data_add_array_int(struct prt_tel_data *d, int64_t x)
{
	struct tel_entry *e;
	int err;

	e = entry_new(d, TEL_ARRAY, PRT_TEL_INT_VAL, &err);
	if (e == NULL)
		return err;
	e->ival = x;
	return 0;
}

int prt_tel_data_add_array_uint(struct prt_tel_data *d, uint64_t x)
{
	struct tel_entry *e;
	int err;

	e = entry_new(d, TEL_ARRAY, PRT_TEL_UINT_VAL, &err);
	if (e == NULL)
		return err;
	e->uval = x;
	return 0;
}

/* The entry @p name of dictionary @p d, or NULL with *err set. */
static struct tel_entry *dict_entry_new(struct prt_tel_data *d, const char *name,
					enum prt_tel_value_type type, int *err)
{
	struct tel_entry *e;

	if (name == NULL || !valid_name(name)) {
		*err = -EINVAL;
		return NULL;
	}
	e = entry_new(d, TEL_DICT, type, err);
	if (e != NULL)
		strcpy(e->name, name); /* valid_name() bounded it */
	return e;
}

int prt_tel_data_add_dict_string(struct prt_tel_data *d, const char *name, const char *val)
{
	struct tel_entry *e;
	int err;

	if (val == NULL)
		return -EINVAL;
	e = dict_entry_new(d, name, PRT_TEL_STRING_VAL, &err);
	return e ? copy_string(e->sval, val) : err;
}

int prt_tel_data_add_dict_int(struct prt_tel_data *d, const char *name, int64_t val)
{
	struct tel_entry *e;
	int err;

	e = dict_entry_new(d, name, PRT_TEL_INT_VAL, &err);
	if (e == NULL)
		return err;
	e->ival = val;
	return 0;
}

int prt_tel_data_add_dict_uint(struct prt_tel_data *d, const char *name, uint64_t val)
{
	struct tel_entry *e;
	int err;

	e = dict_entry_new(d, name, PRT_TEL_UINT_VAL, &err);
	if (e == NULL)
		return err;
	e->uval = val;
	return 0;
}

/*
 * Stores container @p val in @p e (NULL: the add failed with @p err);
 * an owned container is freed when it could not be stored.
 */
static int container_store(struct tel_entry *e, int err, struct prt_tel_data *val, int keep)
{
	if (e == NULL) {
		if (!keep)
			prt_tel_data_free(val);
		return err;
	}
	e->cont.data = val;
	e->cont.keep = keep != 0;
	return 0;
}

static bool container_ok(const struct prt_tel_data *d, const struct prt_tel_data *val)
{
	return val != NULL && val != d && (val->kind == TEL_DICT || val->kind == TEL_ARRAY);
}

int prt_tel_data_add_array_container(struct prt_tel_data *d, struct prt_tel_data *val, int keep)
{
	struct tel_entry *e;
	int err;

	if (val == d)
		return -EINVAL; /* not freed: it is the caller's own */
	if (!container_ok(d, val))
		return container_store(NULL, -EINVAL, val, keep);
	e = entry_new(d, TEL_ARRAY, PRT_TEL_CONTAINER, &err);
	return container_store(e, err, val, keep);
}

int prt_tel_data_add_dict_container(struct prt_tel_data *d, const char *name,
				    struct prt_tel_data *val, int keep)
{
	struct tel_entry *e;
	int err;

	if (val == d)
		return -EINVAL;
	if (!container_ok(d, val))
		return container_store(NULL, -EINVAL, val, keep);
	e = dict_entry_new(d, name, PRT_TEL_CONTAINER, &err);
	return container_store(e, err, val, keep);
}
