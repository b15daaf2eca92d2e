/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * prt_mbuf: pool creation (buffer address, IOVA, lengths), alloc/free and
 * their accounting, headroom and tailroom limits (asking for more than fits
 * returns NULL or -1 and changes nothing), chains, reads across segments,
 * linearisation, refcounts with clones and attach/detach.
 */
#include <errno.h>
#include <string.h>

#include "mem_test.h"

#include "prt_mbuf.h"
#include "prt_memory.h"

static int g_argc;
static char **g_argv;
static struct prt_mempool *pool;

static int setup(void **state)
{
	(void)state;
	if (mem_test_eal_init(g_argc, g_argv) <= 0)
		return -1;
	pool = prt_pktmbuf_pool_create("mbufs", 255, 32, 16, PRT_MBUF_DEFAULT_BUF_SIZE,
				       PRT_SOCKET_ID_ANY);
	return pool == NULL ? -1 : 0;
}

static int teardown(void **state)
{
	(void)state;
	prt_mempool_free(pool);
	return prt_eal_cleanup();
}

static void test_pool_and_layout(void **state)
{
	struct prt_mbuf *m = prt_pktmbuf_alloc(pool);

	(void)state;
	assert_non_null(m);
	assert_int_equal(prt_pktmbuf_data_room_size(pool), PRT_MBUF_DEFAULT_BUF_SIZE);
	assert_int_equal(prt_pktmbuf_priv_size(pool), 16);
	assert_ptr_equal(m->pool, pool);
	assert_int_equal(m->priv_size, 16);
	assert_ptr_equal(m->buf_addr, (char *)m + sizeof(*m) + 16);
	assert_int_equal(m->buf_iova, prt_mem_virt2iova(m->buf_addr));
	assert_int_equal(m->buf_len, PRT_MBUF_DEFAULT_BUF_SIZE);
	assert_int_equal(prt_pktmbuf_headroom(m), PRT_PKTMBUF_HEADROOM);
	assert_int_equal(prt_pktmbuf_tailroom(m), PRT_MBUF_DEFAULT_DATAROOM);
	assert_int_equal(m->nb_segs, 1);
	assert_null(m->next);
	assert_int_equal(prt_mbuf_refcnt_read(m), 1);
	assert_int_equal(m->port, PRT_MBUF_PORT_INVALID);
	assert_int_equal(prt_pktmbuf_iova(m), m->buf_iova + PRT_PKTMBUF_HEADROOM);
	assert_int_equal(prt_pktmbuf_iova_offset(m, 10), prt_pktmbuf_iova(m) + 10);
	assert_int_equal(prt_mem_iova_contig(m->buf_addr, m->buf_len), 1);
	prt_pktmbuf_free(m);

	errno = 0;
	assert_null(prt_pktmbuf_pool_create("bad", 64, 0, 12, 2048, -1));
	assert_int_equal(errno, EINVAL);
}

static void test_alloc_free_accounting(void **state)
{
	struct prt_mbuf *m[256], *kept; /* room for the refused 56 at m + 200 */

	(void)state;
	assert_int_equal(prt_pktmbuf_alloc_bulk(pool, m, 200), 0);
	assert_int_equal(prt_mempool_in_use_count(pool), 200);
	assert_int_equal(prt_pktmbuf_alloc_bulk(pool, m + 200, 56), -ENOENT);
	assert_int_equal(prt_pktmbuf_alloc_bulk(pool, m + 200, 55), 0);
	assert_null(prt_pktmbuf_alloc(pool));
	/* A dirty mbuf comes back reset. */
	m[0]->data_len = 99;
	m[0]->pkt_len = 99;
	m[0]->ol_flags = PRT_MBUF_F_RX_VLAN;
	m[0]->port = 3;
	kept = m[7];
	m[7] = NULL; /* free_bulk skips NULL */
	prt_pktmbuf_free_bulk(m, 255);
	assert_int_equal(prt_mempool_in_use_count(pool), 1);
	prt_pktmbuf_free(kept);
	for (int i = 0; i < 255; i++) {
		struct prt_mbuf *x = prt_pktmbuf_alloc(pool);

		assert_non_null(x);
		assert_int_equal(x->data_len, 0);
		assert_int_equal(x->pkt_len, 0);
		assert_int_equal(x->ol_flags, 0);
		assert_int_equal(x->port, PRT_MBUF_PORT_INVALID);
		m[i] = x;
	}
	prt_pktmbuf_free_bulk(m, 255);
	assert_int_equal(prt_mempool_in_use_count(pool), 0);
}

static void test_headroom_tailroom_limits(void **state)
{
	struct prt_mbuf *m = prt_pktmbuf_alloc(pool);
	char *p;

	(void)state;
	/* Prepend: the whole headroom fits, one byte more does not. */
	assert_null(prt_pktmbuf_prepend(m, PRT_PKTMBUF_HEADROOM + 1));
	assert_int_equal(m->data_len, 0);
	assert_int_equal(prt_pktmbuf_headroom(m), PRT_PKTMBUF_HEADROOM);
	p = prt_pktmbuf_prepend(m, 14);
	assert_ptr_equal(p, (char *)m->buf_addr + PRT_PKTMBUF_HEADROOM - 14);
	assert_int_equal(m->pkt_len, 14);

	/* Append: exactly the tailroom fits. */
	assert_null(prt_pktmbuf_append(m, prt_pktmbuf_tailroom(m) + 1));
	assert_int_equal(m->data_len, 14);
	p = prt_pktmbuf_append(m, prt_pktmbuf_tailroom(m));
	assert_non_null(p);
	assert_int_equal(prt_pktmbuf_tailroom(m), 0);
	assert_null(prt_pktmbuf_append(m, 1));
	assert_int_equal(m->pkt_len, 14 + PRT_MBUF_DEFAULT_DATAROOM);

	/* adj/trim: no more than the data. */
	assert_null(prt_pktmbuf_adj(m, m->data_len + 1));
	assert_int_equal(prt_pktmbuf_trim(m, m->data_len + 1), -1);
	assert_non_null(prt_pktmbuf_adj(m, 14));
	assert_int_equal(prt_pktmbuf_trim(m, 48), 0);
	assert_int_equal(m->pkt_len, PRT_MBUF_DEFAULT_DATAROOM - 48);
	assert_int_equal(m->data_len, m->pkt_len);
	prt_pktmbuf_free(m);
}

/* A packet of @p nb segments of @p lens bytes, holding bytes counted from *next_byte. */
static struct prt_mbuf *make_chain(const uint16_t *lens, unsigned int nb, uint8_t *next_byte)
{
	struct prt_mbuf *head = NULL;

	for (unsigned int i = 0; i < nb; i++) {
		struct prt_mbuf *m = prt_pktmbuf_alloc(pool);
		uint8_t *d;

		assert_non_null(m);
		d = (uint8_t *)prt_pktmbuf_append(m, lens[i]);
		assert_non_null(d);
		for (unsigned int j = 0; j < lens[i]; j++)
			d[j] = (*next_byte)++;
		if (head == NULL)
			head = m;
		else
			assert_int_equal(prt_pktmbuf_chain(head, m), 0);
	}
	return head;
}

static void test_chain_read_linearize(void **state)
{
	static const uint16_t lens[] = { 100, 50, 200 };
	unsigned int in_use = prt_mempool_in_use_count(pool);
	uint8_t next = 0, buf[350];
	const uint8_t *p;
	struct prt_mbuf *m = make_chain(lens, 3, &next);

	(void)state;
	assert_int_equal(m->nb_segs, 3);
	assert_int_equal(m->pkt_len, 350);
	assert_int_equal(prt_pktmbuf_lastseg(m)->data_len, 200);
	assert_false(prt_pktmbuf_is_contiguous(m));
	/* Inside the first segment: a pointer into it, no copy. */
	p = prt_pktmbuf_read(m, 10, 20, buf);
	assert_ptr_equal(p, prt_pktmbuf_mtod_offset(m, uint8_t *, 10));
	/* Across segments: a copy. */
	p = prt_pktmbuf_read(m, 90, 100, buf);
	assert_ptr_equal(p, buf);
	for (int i = 0; i < 100; i++)
		assert_int_equal(p[i], (uint8_t)(90 + i));
	assert_null(prt_pktmbuf_read(m, 300, 51, buf));
	/* Trim comes off the last segment. */
	assert_int_equal(prt_pktmbuf_trim(m, 201), -1);
	assert_int_equal(prt_pktmbuf_trim(m, 10), 0);
	assert_int_equal(m->pkt_len, 340);

	assert_int_equal(prt_pktmbuf_linearize(m), 0);
	assert_int_equal(m->nb_segs, 1);
	assert_int_equal(m->data_len, 340);
	assert_int_equal(prt_mempool_in_use_count(pool), in_use + 1);
	for (int i = 0; i < 340; i++)
		assert_int_equal(prt_pktmbuf_mtod(m, uint8_t *)[i], (uint8_t)i);
	prt_pktmbuf_free(m);
	assert_int_equal(prt_mempool_in_use_count(pool), in_use);

	/* A chain too big for one buffer is not linearised. */
	{
		static const uint16_t big[] = { 2000, 2000 };

		m = make_chain(big, 2, &next);
		assert_int_equal(prt_pktmbuf_linearize(m), -1);
		assert_int_equal(m->nb_segs, 2);
		prt_pktmbuf_free(m);
		assert_int_equal(prt_mempool_in_use_count(pool), in_use);
	}
}

static void test_clone_refcount(void **state)
{
	static const uint16_t lens[] = { 64, 64 };
	unsigned int in_use = prt_mempool_in_use_count(pool);
	uint8_t next = 0;
	struct prt_mbuf *m = make_chain(lens, 2, &next), *c, *c2;

	(void)state;
	c = prt_pktmbuf_clone(m, pool);
	assert_non_null(c);
	assert_int_equal(c->nb_segs, 2);
	assert_int_equal(c->pkt_len, 128);
	assert_true(PRT_MBUF_INDIRECT(c));
	assert_ptr_equal(c->direct, m);
	assert_ptr_equal(prt_pktmbuf_mtod(c, char *), prt_pktmbuf_mtod(m, char *));
	assert_ptr_equal(prt_pktmbuf_mtod(c->next, char *), prt_pktmbuf_mtod(m->next, char *));
	assert_int_equal(prt_mbuf_refcnt_read(m), 2);
	assert_int_equal(prt_mbuf_refcnt_read(m->next), 2);
	/* A shared buffer is read-only. */
	assert_null(prt_pktmbuf_prepend(m, 1));
	assert_null(prt_pktmbuf_append(c, 1));
	/* A clone of a clone shares the direct buffer. */
	c2 = prt_pktmbuf_clone(c, pool);
	assert_non_null(c2);
	assert_ptr_equal(c2->direct, m);
	assert_int_equal(prt_mbuf_refcnt_read(m), 3);
	assert_int_equal(prt_mempool_in_use_count(pool), in_use + 6);

	/* The original goes first: its buffers stay for the clones. */
	prt_pktmbuf_free(m);
	assert_int_equal(prt_mbuf_refcnt_read(c->direct), 2);
	assert_int_equal(prt_mempool_in_use_count(pool), in_use + 6);
	assert_int_equal(prt_pktmbuf_mtod(c2->next, uint8_t *)[0], 64);
	prt_pktmbuf_free(c);
	assert_int_equal(prt_mempool_in_use_count(pool), in_use + 4);
	prt_pktmbuf_free(c2);
	assert_int_equal(prt_mempool_in_use_count(pool), in_use);

	/* attach/detach by hand: detach gives the mbuf its own empty buffer back. */
	m = make_chain(lens, 1, &next);
	c = prt_pktmbuf_alloc(pool);
	prt_pktmbuf_attach(c, m);
	assert_int_equal(prt_mbuf_refcnt_read(m), 2);
	assert_int_equal(c->data_len, 64);
	prt_pktmbuf_detach(c);
	assert_true(PRT_MBUF_DIRECT(c));
	assert_ptr_equal(c->buf_addr, prt_mbuf_own_buf_addr(c));
	assert_int_equal(c->buf_iova, prt_mem_virt2iova(c->buf_addr));
	assert_int_equal(c->data_len, 0);
	assert_int_equal(prt_mbuf_refcnt_read(m), 1);
	prt_pktmbuf_free(c);
	/* refcnt_update on a packet: every segment, and free only drops one. */
	prt_pktmbuf_refcnt_update(m, 1);
	prt_pktmbuf_free(m);
	assert_int_equal(prt_mempool_in_use_count(pool), in_use + 1);
	assert_int_equal(prt_mbuf_refcnt_read(m), 1);
	prt_pktmbuf_free(m);
	assert_int_equal(prt_mempool_in_use_count(pool), in_use);
}

static void test_clone_out_of_mbufs(void **state)
{
	static const uint16_t lens[] = { 10, 10, 10 };
	struct prt_mbuf *hold[255];
	unsigned int in_use, n = 0;
	uint8_t next = 0;
	struct prt_mbuf *m = make_chain(lens, 3, &next);

	(void)state;
	/* Leave two mbufs: a 3-segment clone cannot be made, and nothing leaks. */
	while (prt_mempool_avail_count(pool) > 2)
		hold[n++] = prt_pktmbuf_alloc(pool);
	in_use = prt_mempool_in_use_count(pool);
	assert_null(prt_pktmbuf_clone(m, pool));
	assert_int_equal(prt_mempool_in_use_count(pool), in_use);
	assert_int_equal(prt_mbuf_refcnt_read(m), 1);
	prt_pktmbuf_free_bulk(hold, n);
	prt_pktmbuf_free(m);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pool_and_layout),
		cmocka_unit_test(test_alloc_free_accounting),
		cmocka_unit_test(test_headroom_tailroom_limits),
		cmocka_unit_test(test_chain_read_linearize),
		cmocka_unit_test(test_clone_refcount),
		cmocka_unit_test(test_clone_out_of_mbufs),
	};

	g_argc = argc;
	g_argv = argv;
	return cmocka_run_group_tests(tests, setup, teardown);
}
