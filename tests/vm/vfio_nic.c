/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vfio_nic: the VFIO layer and the PCI bus against QEMU's emulated NICs,
 * inside a VM lab guest (PRT_VMLAB_MODE, PRT_VMLAB_NICS, PRT_VMLAB_NIC_IDS).
 *
 * prt_eal_init() takes every NIC with -a through a driver registered here,
 * in the lab's VFIO mode; then, for each NIC: its registers read and written
 * through the BAR (e1000e/igb; vmxnet3's BAR 1: revision and MAC address
 * registers) or its capabilities walked (virtio); on the
 * e1000e an interrupt raised with ICS arrives on the vector's eventfd (MSI-X,
 * then the MSI and INTx fallbacks),
 * and a transmit descriptor in prt memory gets its DD bit written back by
 * the NIC (DMA through the IOMMU, or to physical addresses with noiommu),
 * also from a segment the memory layer adds after start-up;
 * with an IOMMU, memory of the application's own mapped with
 * prt_vfio_dma_map() serves as the frame, and the MSI window is refused.
 * After prt_eal_cleanup() no fd is left open and the devices can be opened
 * again. Arguments are extra EAL options (--log-level=debug). The lab fails
 * the run on any IOMMU fault in the guest's kernel log.
 *
 * vfio_nic --fault instead makes the e1000e send a frame from an IOVA that
 * no mapping covers, so that the lab's IOMMU fault check can be shown to
 * catch it (type1 and iommufd).
 *
 * Register offsets and bits: Intel 82574 datasheet (sections named below).
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "prt_eal.h"
#include "prt_io.h"
#include "prt_memory.h"
#include "prt_memzone.h"
#include "prt_pci.h"
#include "prt_test.h"
#include "vm_nic.h"
#include "prt_vfio.h"

/* 82574 registers (10.2) */
#define E1000_CTRL 0x0000
#define E1000_STATUS 0x0008
#define E1000_ICR 0x00c0 /* 10.2.4.1 */
#define E1000_ICS 0x00c8 /* 10.2.4.3 */
#define E1000_IMS 0x00d0 /* 10.2.4.4 */
#define E1000_IMC 0x00d8
#define E1000_IVAR 0x00e4 /* 10.2.4.9 */
#define E1000_TCTL 0x0400 /* 10.2.5.1 */
#define E1000_RDBAL 0x2800
#define E1000_TDBAL 0x3800 /* 10.2.6 */
#define E1000_TDBAH 0x3804
#define E1000_TDLEN 0x3808
#define E1000_TDH 0x3810
#define E1000_TDT 0x3818
#define E1000_ICR_LSC (1u << 2)
#define E1000_ICR_OTHER (1u << 24) /* the MSI-X "other" cause (10.2.4.1) */
#define E1000_TCTL_EN (1u << 1)
#define E1000_TCTL_PSP (1u << 3)
/* IVAR: 4-bit entries (3 vector bits + valid) for RxQ0, RxQ1, TxQ0, TxQ1, Other: all to vector 0. */
#define E1000_IVAR_ALL_TO_0 0x00088888u

/* Legacy transmit descriptor (7.2.10.1) */
struct e1000_tx_desc {
	uint64_t buffer_addr;
	uint16_t length;
	uint8_t cso;
	uint8_t cmd; /* EOP 0x01, IFCS 0x02, RS 0x08 */
	uint8_t status; /* DD 0x01 */
	uint8_t css;
	uint16_t special;
};

#define TX_CMD_EOP 0x01
#define TX_CMD_IFCS 0x02
#define TX_CMD_RS 0x08
#define TX_STA_DD 0x01
#define TX_RING 8

#define MAX_NICS 8
static struct prt_pci_device *probed[MAX_NICS];
static unsigned int nb_probed, nb_removed;

static int test_probe(struct prt_pci_driver *drv, struct prt_pci_device *dev)
{
	(void)drv;
	if (nb_probed < MAX_NICS)
		probed[nb_probed++] = dev;
	return 0;
}

static int test_remove(struct prt_pci_device *dev)
{
	(void)dev;
	nb_removed++;
	return 0;
}

static struct prt_pci_driver test_driver = {
	.name = "vm_test_nic",
	.id_table = vm_nic_ids,
	.drv_flags = PRT_PCI_DRV_NEED_MAPPING,
	.probe = test_probe,
	.remove = test_remove,
};
PRT_PCI_DRIVER_REGISTER(test_driver)

static const char *mode;
static char *nic_list[MAX_NICS];
static unsigned int nb_nics;

static volatile uint32_t *reg(struct prt_pci_device *dev, uint32_t off)
{
	return (volatile uint32_t *)((char *)dev->mem_resource[0].addr + off);
}

static void test_every_nic_probed(void **state)
{
	(void)state;
	assert_int_equal(nb_probed, nb_nics);
	for (unsigned int i = 0; i < nb_probed; i++) {
		assert_int_equal(probed[i]->kdrv, PRT_PCI_KDRV_VFIO);
		assert_true(probed[i]->vfio_fd >= 0);
		assert_true(probed[i]->iommu_group >= 0);
	}
	assert_string_equal(prt_vfio_mode_name(prt_vfio_mode_in_use()), mode);
}

/* Registers through the BAR mapping: STATUS reads sanely, a base register keeps what is written. */
static void test_bar_registers(void **state)
{
	unsigned int checked = 0;

	(void)state;
	for (unsigned int i = 0; i < nb_probed; i++) {
		struct prt_pci_device *d = probed[i];
		uint32_t status, ctrl;

		if (d->id.vendor_id != 0x8086)
			continue;
		assert_non_null(d->mem_resource[0].addr);
		assert_true(d->mem_resource[0].len >= 128 * 1024);
		status = prt_read32(reg(d, E1000_STATUS));
		ctrl = prt_read32(reg(d, E1000_CTRL));
		printf("%s: CTRL 0x%08x STATUS 0x%08x\n", d->name, ctrl, status);
		assert_int_not_equal(status, 0xffffffff);
		assert_int_not_equal(ctrl, 0xffffffff);
		prt_write32(0x12345600, reg(d, E1000_RDBAL));
		assert_int_equal(prt_read32(reg(d, E1000_RDBAL)), 0x12345600);
		prt_write32(0, reg(d, E1000_RDBAL));
		checked++;
	}
	assert_true(checked > 0);
}

/*
 * vmxnet3's BAR 1 (Linux's vmxnet3_defs.h): VRRS reports revision 1 (bit 0),
 * and the MAC address registers read back what was written (MACL, then MACH).
 */
static void test_vmxnet3_registers(void **state)
{
	(void)state;
	for (unsigned int i = 0; i < nb_probed; i++) {
		struct prt_pci_device *d = probed[i];
		uint8_t *bar1 = d->mem_resource[1].addr;
		uint32_t vrrs, macl, mach;

		if (d->id.vendor_id != 0x15ad)
			continue;
		assert_non_null(bar1);
		assert_true(d->mem_resource[1].len >= 4096);
		vrrs = prt_read32(bar1 + 0x0);
		macl = prt_read32(bar1 + 0x28);
		mach = prt_read32(bar1 + 0x30);
		printf("%s: VRRS 0x%x MAC %08x:%04x\n", d->name, vrrs, macl, mach);
		assert_true(vrrs & 1);
		prt_write32(0x12345602, bar1 + 0x28);
		prt_write32(0x9abc, bar1 + 0x30);
		assert_int_equal(prt_read32(bar1 + 0x28), 0x12345602);
		assert_int_equal(prt_read32(bar1 + 0x30) & 0xffff, 0x9abc);
		prt_write32(macl, bar1 + 0x28);
		prt_write32(mach, bar1 + 0x30);
	}
}

/* virtio-net's vendor capabilities (virtio 1.2, 4.1.4) and MSI-X, through config space. */
static void test_capabilities(void **state)
{
	unsigned int checked = 0;

	(void)state;
	for (unsigned int i = 0; i < nb_probed; i++) {
		struct prt_pci_device *d = probed[i];
		int pos, vendor_caps = 0;
		uint16_t vid = 0;

		assert_int_equal(prt_pci_read_config(d, &vid, 2, 0), 2);
		assert_int_equal(vid, d->id.vendor_id);
		assert_true(prt_pci_find_capability(d, 0x11) > 0); /* MSI-X, on all of them */
		if (d->id.vendor_id != 0x1af4)
			continue;
		for (pos = prt_pci_find_capability(d, 0x09); pos > 0;
		     pos = prt_pci_find_next_capability(d, 0x09, pos))
			vendor_caps++;
		printf("%s: %d virtio vendor capabilities\n", d->name, vendor_caps);
		/* common, notify, isr, device, pci cfg */
		assert_true(vendor_caps >= 4);
		checked++;
	}
	(void)checked;
}

static struct prt_pci_device *find_e1000e(void)
{
	for (unsigned int i = 0; i < nb_probed; i++)
		if (probed[i]->id.device_id == 0x10d3)
			return probed[i];
	return NULL;
}

/*
 * Enables @p mode with one vector, raises LSC with ICS (10.2.4.3) and
 * checks that the vector's eventfd fires, and that acking clears it.
 * MSI-X needs IVAR's valid bits and the OTHER cause in IMS (7.4.2); MSI and
 * INTx take ICR's causes as they are.
 */
static void e1000e_raise_lsc(struct prt_pci_device *d, enum prt_intr_mode mode)
{
	struct prt_intr_handle *h = &d->intr_handle;
	uint64_t cookie = 0;
	int epfd, n;

	assert_true(prt_intr_vec_max(h, mode) >= 1);
	assert_int_equal(prt_intr_enable(h, mode, 1), 1);
	assert_int_equal(h->mode, mode);
	epfd = prt_intr_epoll_create();
	assert_true(epfd >= 0);
	assert_int_equal(prt_intr_epoll_add(epfd, h, 0, 0xabc), 0);
	/* Nothing pending yet. */
	prt_read32(reg(d, E1000_ICR));
	prt_intr_ack(h, 0);
	assert_int_equal(prt_intr_epoll_wait(epfd, &cookie, 1, 0), 0);

	if (mode == PRT_INTR_MODE_MSIX)
		prt_write32(E1000_IVAR_ALL_TO_0, reg(d, E1000_IVAR));
	prt_write32(E1000_ICR_OTHER | E1000_ICR_LSC, reg(d, E1000_IMS));
	prt_write32(E1000_ICR_LSC, reg(d, E1000_ICS));
	n = prt_intr_epoll_wait(epfd, &cookie, 1, 2000);
	assert_int_equal(n, 1);
	assert_int_equal(cookie, 0xabc);
	/* Clear the cause at the device first: an INTx line stays up until then. */
	prt_write32(0xffffffff, reg(d, E1000_IMC));
	prt_read32(reg(d, E1000_ICR));
	assert_true(prt_intr_ack(h, 0) >= 1);
	printf("%s: %s vector 0 fired on its eventfd\n", d->name,
	       mode == PRT_INTR_MODE_MSIX ? "MSI-X" :
	       mode == PRT_INTR_MODE_MSI  ? "MSI" :
					    "INTx");
	/* No check that nothing follows: QEMU may deliver a notification its EITR throttle held back. */

	assert_int_equal(prt_intr_epoll_del(epfd, h, 0), 0);
	close(epfd);
	assert_int_equal(prt_intr_disable(h), 0);
	assert_int_equal(h->nb_vec, 0);
}

static void test_msix_eventfd(void **state)
{
	struct prt_pci_device *d = find_e1000e();

	(void)state;
	if (!d)
		skip();
	e1000e_raise_lsc(d, PRT_INTR_MODE_MSIX);
}

/* The fallbacks: MSI, then the INTx line (masked by VFIO until acked). */
static void test_msi_intx_eventfd(void **state)
{
	struct prt_pci_device *d = find_e1000e();

	(void)state;
	if (!d)
		skip();
	e1000e_raise_lsc(d, PRT_INTR_MODE_MSI);
	e1000e_raise_lsc(d, PRT_INTR_MODE_INTX);
}

/*
 * Sends the 60-byte frame at @p buf_iova from a one-descriptor ring in prt
 * memory and returns the status the NIC wrote back into the descriptor
 * (DD, 3.3.3), after at most 3 s.
 */
static uint8_t e1000e_send_one(struct prt_pci_device *d, prt_iova_t buf_iova)
{
	const struct prt_memzone *ring;
	volatile struct e1000_tx_desc *desc;
	struct timespec t0, t;
	uint8_t status = 0;

	ring = prt_memzone_reserve_aligned("vm_tx_ring", TX_RING * sizeof(*desc), PRT_SOCKET_ID_ANY,
					   PRT_MEMZONE_IOVA_CONTIG, 128);
	assert_non_null(ring);
	assert_int_equal(prt_mem_virt2iova(ring->addr), ring->iova);
	memset(ring->addr, 0, TX_RING * sizeof(*desc));
	desc = ring->addr;
	desc[0].buffer_addr = buf_iova;
	desc[0].length = 60;
	desc[0].cmd = TX_CMD_EOP | TX_CMD_IFCS | TX_CMD_RS;

	prt_write32((uint32_t)ring->iova, reg(d, E1000_TDBAL));
	prt_write32((uint32_t)(ring->iova >> 32), reg(d, E1000_TDBAH));
	prt_write32(TX_RING * sizeof(*desc), reg(d, E1000_TDLEN));
	prt_write32(0, reg(d, E1000_TDH));
	prt_write32(0, reg(d, E1000_TDT));
	prt_write32(E1000_TCTL_EN | E1000_TCTL_PSP, reg(d, E1000_TCTL));
	prt_write32(1, reg(d, E1000_TDT)); /* the doorbell: descriptor 0 is the NIC's */

	clock_gettime(CLOCK_MONOTONIC, &t0);
	do {
		status = desc[0].status;
		clock_gettime(CLOCK_MONOTONIC, &t);
	} while (!(status & TX_STA_DD) && t.tv_sec - t0.tv_sec < 3);
	printf("%s: descriptor at IOVA 0x%llx, buffer at IOVA 0x%llx: status 0x%02x, TDH %u\n",
	       d->name, (unsigned long long)ring->iova, (unsigned long long)buf_iova, status,
	       prt_read32(reg(d, E1000_TDH)));
	if (status & TX_STA_DD)
		assert_int_equal(prt_read32(reg(d, E1000_TDH)), 1);
	prt_write32(0, reg(d, E1000_TCTL));
	assert_int_equal(prt_memzone_free(ring), 0);
	return status;
}

static int count_seg(const struct prt_memseg *ms, void *arg)
{
	(void)ms;
	(*(int *)arg)++;
	return 0;
}

static int nb_segments(void)
{
	int n = 0;

	prt_memseg_walk(count_seg, &n);
	return n;
}

static void fill_frame(void *buf)
{
	memset(buf, 0xff, 6); /* broadcast destination */
	memset((char *)buf + 6, 0x02, 54);
}

/* The NIC reads a frame from prt memory and writes DD back into prt memory. */
static void test_dma_writeback(void **state)
{
	struct prt_pci_device *d = find_e1000e();
	const struct prt_memzone *buf;
	int segs;

	(void)state;
	if (!d)
		skip();
	buf = prt_memzone_reserve_aligned("vm_tx_buf", 2048, PRT_SOCKET_ID_ANY,
					  PRT_MEMZONE_IOVA_CONTIG, 64);
	assert_non_null(buf);
	fill_frame(buf->addr);
	assert_true(e1000e_send_one(d, buf->iova) & TX_STA_DD);
	assert_int_equal(prt_memzone_free(buf), 0);

	/* More than -m 32 gave: a segment added now, mapped by the listener before use. */
	segs = nb_segments();
	buf = prt_memzone_reserve_aligned("vm_tx_big", 48u << 20, PRT_SOCKET_ID_ANY, 0, 64);
	assert_non_null(buf);
	assert_true(nb_segments() > segs);
	fill_frame((char *)buf->addr + (40u << 20));
	assert_true(e1000e_send_one(d, prt_mem_virt2iova((char *)buf->addr + (40u << 20))) &
		    TX_STA_DD);
	assert_int_equal(prt_memzone_free(buf), 0);
}

/*
 * The application's own memory through prt_vfio_dma_map() (IOVA = VA), the
 * IOVA ranges the kernel reports (x86: no MSI window), and a map inside the
 * window refused. With an IOMMU only: noiommu maps nothing.
 */
static void test_user_dma_map(void **state)
{
	struct prt_pci_device *d = find_e1000e();
	struct prt_vfio_iova_range r[16];
	const size_t len = 2u << 20;
	char *raw, *buf;
	int n;

	(void)state;
	if (!d || strcmp(mode, "noiommu") == 0)
		skip();
	n = prt_vfio_iova_ranges(r, 16);
	assert_true(n >= 1);
	for (int i = 0; i < n && i < 16; i++) {
		printf("IOVA range %d: 0x%llx-0x%llx\n", i, (unsigned long long)r[i].start,
		       (unsigned long long)r[i].last);
		assert_false(r[i].start <= 0xfee00000 && 0xfee00000 <= r[i].last);
	}
	raw = mmap(NULL, 2 * len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	assert_true(raw != MAP_FAILED);
	buf = (char *)PRT_ALIGN_CEIL((uintptr_t)raw, len);
	fill_frame(buf);
	assert_int_equal(prt_vfio_dma_map((uintptr_t)buf, (uintptr_t)buf, len), 0);
	assert_int_equal(prt_vfio_dma_map((uintptr_t)buf, (uintptr_t)buf, len), -EEXIST);
	assert_int_equal(prt_vfio_dma_map((uintptr_t)buf + len, 0xfee00000, 4096), -ERANGE);
	assert_int_equal(prt_vfio_dma_map((uintptr_t)buf + 1, (uintptr_t)buf + 1, len), -EINVAL);
	assert_true(e1000e_send_one(d, (uintptr_t)buf) & TX_STA_DD);
	assert_int_equal(prt_vfio_dma_unmap((uintptr_t)buf, (uintptr_t)buf, len), 0);
	assert_int_equal(prt_vfio_dma_unmap((uintptr_t)buf, (uintptr_t)buf, len), -ENOENT);
	munmap(raw, 2 * len);
}

/* Never mapped: below every hugepage segment and outside any IOVA prt hands out. */
#define FAULT_IOVA 0x7f000000ull

/* --fault: a transmit whose frame the NIC must read from FAULT_IOVA. */
static int provoke_fault(void)
{
	struct prt_pci_device *d = find_e1000e();
	uint8_t status;

	if (!d) {
		fprintf(stderr, "--fault needs an e1000e\n");
		return 1;
	}
	status = e1000e_send_one(d, FAULT_IOVA);
	printf("fault %s: asked the NIC to read a frame at unmapped IOVA %#llx (status 0x%02x)\n",
	       d->name, FAULT_IOVA, status);
	return 0;
}

int main(int main_argc, char **main_argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_nic_probed),  cmocka_unit_test(test_bar_registers),
		cmocka_unit_test(test_vmxnet3_registers), cmocka_unit_test(test_capabilities),
		cmocka_unit_test(test_msix_eventfd),	  cmocka_unit_test(test_msi_intx_eventfd),
		cmocka_unit_test(test_dma_writeback),	  cmocka_unit_test(test_user_dma_map),
	};
	char *argv[16 + 2 * MAX_NICS], *argv2[16 + 2 * MAX_NICS], *nics, *tok, *save = NULL;
	char mode_arg[32];
	int argc = 0, fds_before, ret, failed, argi = 1;
	bool fault = false;

	mode = getenv("PRT_VMLAB_MODE");
	nics = getenv("PRT_VMLAB_NICS");
	if (!mode || !nics)
		prt_test_skip("not inside the VM lab (PRT_VMLAB_MODE and PRT_VMLAB_NICS unset)");
	snprintf(mode_arg, sizeof(mode_arg), "--vfio-mode=%s", mode);
	argv[argc++] = "vfio_nic";
	argv[argc++] = "-l";
	argv[argc++] = "0";
	argv[argc++] = "-m";
	argv[argc++] = "32";
	argv[argc++] = mode_arg;
	nics = strdup(nics);
	for (tok = strtok_r(nics, " ", &save); tok && nb_nics < MAX_NICS;
	     tok = strtok_r(NULL, " ", &save)) {
		nic_list[nb_nics++] = tok;
		argv[argc++] = "-a";
		argv[argc++] = tok;
	}
	if (argi < main_argc && strcmp(main_argv[argi], "--fault") == 0) {
		fault = true;
		argi++;
	}
	/* Extra EAL options (e.g. --log-level=debug) from our own command line. */
	for (int i = argi; i < main_argc && argc < 15 + 2 * MAX_NICS; i++)
		argv[argc++] = main_argv[i];
	argv[argc] = NULL;
	memcpy(argv2, argv, sizeof(argv)); /* prt_eal_init() writes argv[0] into argv[ret] */

	vm_nic_driver_only(&test_driver);
	fds_before = prt_test_count_fds();
	ret = prt_eal_init(argc, argv);
	if (ret < 0) {
		fprintf(stderr, "prt_eal_init: %s\n", strerror(-ret));
		return 1;
	}
	if (fault) {
		failed = provoke_fault();
		prt_eal_cleanup();
		free(nics);
		return failed;
	}
	failed = cmocka_run_group_tests(tests, NULL, NULL);
	if (prt_eal_cleanup() != 0)
		failed++;
	if (nb_removed != nb_probed || prt_test_count_fds() != fds_before) {
		fprintf(stderr,
			"after cleanup: %u of %u devices removed, %d fds open (%d before)\n",
			nb_removed, nb_probed, prt_test_count_fds(), fds_before);
		failed++;
	}
	/* Released: a second init opens the same devices again. */
	nb_probed = nb_removed = 0;
	ret = prt_eal_init(argc, argv2);
	if (ret < 0 || nb_probed != nb_nics) {
		fprintf(stderr, "second prt_eal_init: %d, %u devices\n", ret, nb_probed);
		failed++;
	} else {
		prt_eal_cleanup();
	}
	free(nics);
	return failed ? 1 : 0;
}
