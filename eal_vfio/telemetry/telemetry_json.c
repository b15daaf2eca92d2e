/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The JSON of an answer, {"<cmd>":VALUE}, written as DPDK 22.11 writes it
 * (lib/telemetry/telemetry.c output_json(), telemetry_json.h): no spaces,
 * and within a bounded buffer an entry or element that does not fit is
 * left out while the brackets are kept, so a client always gets whole
 * JSON. A nested container is written apart (with the whole buffer's
 * bound) and then added whole or left out, as DPDK's container_to_json().
 *
 * Where DPDK's writer can emit broken JSON, this one does not: control
 * characters other than \n \r \t are escaped as \u00XX (DPDK drops them),
 * bytes that are not UTF-8 become U+FFFD (DPDK copies them, and Python's
 * client then fails to decode the answer), a string value too long for the
 * buffer is cut (DPDK leaves the value out: `{"cmd":}`), and the command
 * name is escaped (DPDK copies it as the client sent it).
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "telemetry_private.h"

/* A bounded writer: buf[len] is always the NUL, so len < cap. */
struct jw {
	char *buf;
	size_t cap;
	size_t len;
};

static bool put(struct jw *w, const char *s, size_t n)
{
	if (n >= w->cap - w->len)
		return false;
	memcpy(w->buf + w->len, s, n);
	w->len += n;
	w->buf[w->len] = '\0';
	return true;
}

static bool __prt_format_printf(2, 3) putf(struct jw *w, const char *fmt, ...)
{
	char tmp[32];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	return n > 0 && (size_t)n < sizeof(tmp) && put(w, tmp, (size_t)n);
}

/*
 * Bytes of the UTF-8 sequence at @p s (at most @p n bytes available), or 0
 * when it is not one (Unicode 15, table 3-7: no overlong forms, no
 * surrogates, nothing above U+10FFFF).
 */
static size_t utf8_len(const unsigned char *s, size_t n)
{
	unsigned char lo = 0x80, hi = 0xbf;
	size_t len;

	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		len = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		len = 3;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		len = 4;
	else
		return 0;
	if (len > n)
		return 0;
	if (s[0] == 0xe0)
		lo = 0xa0;
	else if (s[0] == 0xed)
		hi = 0x9f;
	else if (s[0] == 0xf0)
		lo = 0x90;
	else if (s[0] == 0xf4)
		hi = 0x8f;
	if (s[1] < lo || s[1] > hi)
		return 0;
	for (size_t i = 2; i < len; i++)
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
	return len;
}

/*
 * Writes the first @p n bytes of @p s as a JSON string. With @p cut, a
 * string that does not fit is cut where the space ends (at a character);
 * without, nothing is written. @return false when nothing was written.
 */
static bool put_str(struct jw *w, const char *s, size_t n, bool cut)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t mark = w->len, i = 0;

	if (w->cap - w->len < 3 || !put(w, "\"", 1))
		return false;
	w->cap--; /* room for the closing quote, always */
	while (i < n && p[i] != '\0') {
		char esc[8];
		const char *out = esc;
		size_t len = 1, step = 1;

		if (p[i] == '"' || p[i] == '\\') {
			esc[0] = '\\';
			esc[1] = (char)p[i];
			len = 2;
		} else if (p[i] == '\n' || p[i] == '\r' || p[i] == '\t') {
			esc[0] = '\\';
			esc[1] = p[i] == '\n' ? 'n' : p[i] == '\r' ? 'r' : 't';
			len = 2;
		} else if (p[i] < 0x20) {
			len = (size_t)snprintf(esc, sizeof(esc), "\\u%04x", p[i]);
		} else if (p[i] < 0x80) {
			out = (const char *)&p[i];
		} else if ((step = utf8_len(&p[i], n - i)) != 0) {
			out = (const char *)&p[i];
			len = step;
		} else {
			out = "\\ufffd";
			len = 6;
			step = 1;
		}
		if (!put(w, out, len)) {
			if (cut)
				break;
			w->cap++;
			w->len = mark;
			w->buf[mark] = '\0';
			return false;
		}
		i += step;
	}
	w->cap++;
	return put(w, "\"", 1);
}

static bool put_container(struct jw *w, const struct prt_tel_data *d);

/* A nested container, written apart and added whole, or not at all (false). */
static bool put_nested(struct jw *w, const struct prt_tel_data *d)
{
	struct jw tmp = { malloc(w->cap), w->cap, 0 };
	bool ok;

	if (tmp.buf == NULL)
		return false;
	ok = put_container(&tmp, d) && put(w, tmp.buf, tmp.len);
	free(tmp.buf);
	return ok;
}

static bool put_value(struct jw *w, const struct tel_entry *e)
{
	switch (e->type) {
	case PRT_TEL_STRING_VAL:
		return put_str(w, e->sval, sizeof(e->sval), false);
	case PRT_TEL_INT_VAL:
		return putf(w, "%" PRId64, e->ival);
	case PRT_TEL_UINT_VAL:
		return putf(w, "%" PRIu64, e->uval);
	case PRT_TEL_CONTAINER:
		return put_nested(w, e->cont.data);
	}
	return false;
}

/* A dictionary or an array, its entries that fit; false when not even its brackets do. */
static bool put_container(struct jw *w, const struct prt_tel_data *d)
{
	bool dict = d->kind == TEL_DICT;
	unsigned int written = 0;

	if (w->cap - w->len < 3 || !put(w, dict ? "{" : "[", 1))
		return false;
	w->cap--; /* room for the closing bracket, always */
	for (unsigned int i = 0; i < d->n; i++) {
		const struct tel_entry *e = &d->entries[i];
		size_t mark = w->len;

		if ((written == 0 || put(w, ",", 1)) &&
		    (!dict || (put_str(w, e->name, sizeof(e->name), false) && put(w, ":", 1))) &&
		    put_value(w, e)) {
			written++;
		} else {
			w->len = mark;
			w->buf[mark] = '\0';
		}
	}
	w->cap++;
	return put(w, dict ? "}" : "]", 1);
}

size_t tel_json_answer(const char *cmd, const struct prt_tel_data *d, char *buf, size_t cap)
{
	struct jw w = { buf, cap, 0 };
	bool ok;

	put(&w, "{", 1);
	put_str(&w, cmd, PRT_TEL_MAX_CMD_LEN, true);
	put(&w, ":", 1);
	w.cap--; /* room for the closing brace */
	switch (d->kind) {
	case TEL_STRING:
		ok = put_str(&w, d->str, PRT_TEL_MAX_SINGLE_STRING_LEN, true);
		break;
	case TEL_DICT:
	case TEL_ARRAY:
		ok = put_container(&w, d);
		break;
	default:
		ok = false;
		break;
	}
	if (!ok)
		put(&w, "null", 4);
	w.cap++;
	put(&w, "}", 1);
	return w.len;
}
