/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * net_virtio: virtio-net over PCI, the modern interface (virtio 1.2, 4.1
 * Virtio Over PCI Bus; VIRTIO_F_VERSION_1 only), driven through VFIO.
 *
 * The device's registers are found through its vendor-specific PCI
 * capabilities (4.1.4): the common configuration (features, status, queue
 * set-up), the notification area (one doorbell per queue), the ISR status
 * and the device configuration (MAC, link status, queue pairs, MTU), each
 * in a BAR the bus mapped. Queues get IOVAs from prt's memory: virtual
 * addresses behind an IOMMU (type1, iommufd), physical ones without
 * (noiommu). With rx or link-state interrupts, MSI-X vector 0 is the
 * configuration change vector (link status: PRT_ETH_EVENT_INTR_LSC) and
 * vector 1 + q belongs to rx queue q (4.1.5.1.2).
 *
 * Devices: 1af4:1041 (modern virtio-net, e.g. QEMU's virtio-net-pci with
 * disable-legacy=on) and 1af4:1000 (transitional) when it has the modern
 * capabilities; a legacy-only device is refused with what to change.
 */
#include <assert.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "prt_cycles.h"
#include "prt_eal.h"
#include "prt_io.h"
#include "prt_pci.h"
#include "virtio_hw.h"
#include "virtio_logs.h"
#include "virtio_net.h"
#include "ethdev_pci.h"
#include "virtio_pci.h"

/* 4.1.4 Virtio Structure PCI Capabilities */
#define PCI_CAP_ID_VNDR 0x09
#define VIRTIO_PCI_CAP_COMMON_CFG 1
#define VIRTIO_PCI_CAP_NOTIFY_CFG 2
#define VIRTIO_PCI_CAP_ISR_CFG 3
#define VIRTIO_PCI_CAP_DEVICE_CFG 4

struct virtio_pci_cap {
	uint8_t cap_vndr;
	uint8_t cap_next;
	uint8_t cap_len;
	uint8_t cfg_type;
	uint8_t bar;
	uint8_t id;
	uint8_t padding[2];
	uint32_t offset;
	uint32_t length;
};

/* 4.1.4.4 Notification structure layout: the multiplier follows the capability. */
#define VIRTIO_PCI_NOTIFY_MULT_OFF sizeof(struct virtio_pci_cap)

/* 4.1.4.3 Common configuration structure layout */
struct virtio_pci_common_cfg {
	uint32_t device_feature_select;
	uint32_t device_feature;
	uint32_t driver_feature_select;
	uint32_t driver_feature;
	uint16_t config_msix_vector;
	uint16_t num_queues;
	uint8_t device_status;
	uint8_t config_generation;
	uint16_t queue_select;
	uint16_t queue_size;
	uint16_t queue_msix_vector;
	uint16_t queue_enable;
	uint16_t queue_notify_off;
	uint32_t queue_desc_lo, queue_desc_hi;
	uint32_t queue_driver_lo, queue_driver_hi;
	uint32_t queue_device_lo, queue_device_hi;
};
static_assert(sizeof(struct virtio_pci_common_cfg) == 56, "4.1.4.3 layout");

/* 4.1.5.1.2: no MSI-X vector for this event. */
#define VIRTIO_MSI_NO_VECTOR 0xffff

/* How long a reset may take to read back 0 (4.1.4.3.2). */

#define VP_MAX_VQS (2 * VIRTIO_MAX_QUEUE_PAIRS + 1)

struct virtio_pci {
	struct virtio_hw hw; /* first: dev_private is a struct virtio_hw */
	struct prt_pci_device *pdev;
	volatile struct virtio_pci_common_cfg *common;
	volatile uint8_t *notify_base;
	uint32_t notify_len;
	uint32_t notify_off_multiplier;
	volatile uint8_t *isr;
	volatile uint8_t *dev_cfg;
	uint32_t dev_cfg_len;
	volatile uint16_t *notify[VP_MAX_VQS]; /* each queue's doorbell */
	uint16_t nb_rx_vectors; /* rx queues with an MSI-X vector (rx interrupts) */
};

static struct virtio_pci *vp_of(struct virtio_hw *hw)
{
	return prt_container_of(hw, struct virtio_pci, hw);
}

static const char *vp_name(const struct virtio_pci *vp)
{
	return vp->pdev->name;
}

/* ---- the common configuration (4.1.4.3) ---- */

static uint64_t vp_get_features(struct virtio_hw *hw)
{
	volatile struct virtio_pci_common_cfg *c = vp_of(hw)->common;
	uint64_t lo, hi;

	prt_write32(0, &c->device_feature_select);
	lo = prt_read32(&c->device_feature);
	prt_write32(1, &c->device_feature_select);
	hi = prt_read32(&c->device_feature);
	return lo | hi << 32;
}

static int vp_set_features(struct virtio_hw *hw, uint64_t features)
{
	volatile struct virtio_pci_common_cfg *c = vp_of(hw)->common;

	prt_write32(0, &c->driver_feature_select);
	prt_write32((uint32_t)features, &c->driver_feature);
	prt_write32(1, &c->driver_feature_select);
	prt_write32((uint32_t)(features >> 32), &c->driver_feature);
	return 0;
}

static uint8_t vp_get_status(struct virtio_hw *hw)
{
	return prt_read8(&vp_of(hw)->common->device_status);
}

static int vp_set_status(struct virtio_hw *hw, uint8_t status)
{
	prt_write8(status, &vp_of(hw)->common->device_status);
	return 0;
}

int virtio_pci_reset_wait(const struct virtio_pci_cfg_access *a, unsigned int timeout_ms)
{
	uint64_t deadline = prt_time_ns() + timeout_ms * 1000000ull;

	a->status_write(a->arg, 0);
	/* 4.1.4.3.2: the reset is done when device_status reads 0. */
	while (a->status_read(a->arg) != 0) {
		if (prt_time_ns() > deadline)
			return -ETIMEDOUT;
		nanosleep(&(struct timespec){ .tv_nsec = 100000 }, NULL);
	}
	return 0;
}

int virtio_pci_read_config(const struct virtio_pci_cfg_access *a, size_t offset, void *buf,
			   size_t len)
{
	uint8_t *dst = buf;

	/* 4.1.4.3.1 / 2.5.1: read again if config_generation moved meanwhile. */
	for (unsigned int tries = 0; tries < VIRTIO_PCI_GENERATION_RETRIES; tries++) {
		uint8_t gen = a->generation_read(a->arg);

		for (size_t i = 0; i < len; i++)
			dst[i] = a->cfg_read8(a->arg, offset + i);
		if (gen == a->generation_read(a->arg))
			return 0;
	}
	return -EIO;
}

/* The waits' access to a PCI device: its common and device configuration in the BARs. */
static uint8_t vp_status_read(void *arg)
{
	return prt_read8(&((struct virtio_pci *)arg)->common->device_status);
}

static void vp_status_write(void *arg, uint8_t status)
{
	prt_write8(status, &((struct virtio_pci *)arg)->common->device_status);
}

static uint8_t vp_generation_read(void *arg)
{
	return prt_read8(&((struct virtio_pci *)arg)->common->config_generation);
}

static uint8_t vp_cfg_read8(void *arg, size_t offset)
{
	return prt_read8(&((struct virtio_pci *)arg)->dev_cfg[offset]);
}

static struct virtio_pci_cfg_access vp_access(struct virtio_pci *vp)
{
	return (struct virtio_pci_cfg_access){
		.status_read = vp_status_read,
		.status_write = vp_status_write,
		.generation_read = vp_generation_read,
		.cfg_read8 = vp_cfg_read8,
		.arg = vp,
	};
}

static int vp_reset(struct virtio_hw *hw)
{
	struct virtio_pci *vp = vp_of(hw);
	struct virtio_pci_cfg_access a = vp_access(vp);

	if (vp->pdev->removed)
		return 0; /* the BARs read all ones now: nothing to reset */
	if (virtio_pci_reset_wait(&a, VIRTIO_PCI_RESET_TIMEOUT_MS) < 0) {
		VIRTIO_LOG(ERR,
			   "%s: the device did not finish its reset within %d ms (device_status "
			   "never read 0, virtio 1.2 4.1.4.3.2): it cannot be used; reset it "
			   "(echo 1 > /sys/bus/pci/devices/%s/reset) or check the hypervisor",
			   vp_name(vp), VIRTIO_PCI_RESET_TIMEOUT_MS, vp->pdev->name);
		return -ETIMEDOUT;
	}
	return 0;
}

static int vp_read_dev_config(struct virtio_hw *hw, size_t offset, void *buf, size_t len)
{
	struct virtio_pci *vp = vp_of(hw);
	struct virtio_pci_cfg_access a = vp_access(vp);

	if (offset > vp->dev_cfg_len || len > vp->dev_cfg_len - offset)
		return -EINVAL;
	if (vp->pdev->removed)
		return -ENODEV; /* the BARs read all ones: a link "up", among others */
	if (virtio_pci_read_config(&a, offset, buf, len) < 0) {
		VIRTIO_LOG(ERR,
			   "%s: config_generation changed on each of %d reads of the device "
			   "configuration (virtio 1.2 4.1.4.3.1): the device is broken",
			   vp_name(vp), VIRTIO_PCI_GENERATION_RETRIES);
		return -EIO;
	}
	return 0;
}

static uint16_t vp_get_queue_size(struct virtio_hw *hw, uint16_t qidx)
{
	volatile struct virtio_pci_common_cfg *c = vp_of(hw)->common;

	if (qidx >= prt_read16(&c->num_queues))
		return 0;
	prt_write16(qidx, &c->queue_select);
	return prt_read16(&c->queue_size);
}

static void write64_split(uint64_t v, volatile uint32_t *lo, volatile uint32_t *hi)
{
	/* 4.1.3.1: 64-bit fields may be written as two 32-bit halves, low first. */
	prt_write32((uint32_t)v, lo);
	prt_write32((uint32_t)(v >> 32), hi);
}

/* The MSI-X vector of queue @qidx: 1 + q for rx queue q with rx interrupts. */
static uint16_t queue_vector(const struct virtio_pci *vp, uint16_t qidx)
{
	if (qidx % 2 == 0 && qidx / 2 < vp->nb_rx_vectors)
		return (uint16_t)(1 + qidx / 2);
	return VIRTIO_MSI_NO_VECTOR;
}

/* 4.1.5.1.3 Virtqueue Configuration */
static int vp_setup_queue(struct virtio_hw *hw, struct virtqueue *vq)
{
	struct virtio_pci *vp = vp_of(hw);
	volatile struct virtio_pci_common_cfg *c = vp->common;
	uint16_t qidx = vq->queue_index, vec = queue_vector(vp, qidx), off;
	struct vq_ring_addrs a;
	uint64_t notify;

	if (qidx >= VP_MAX_VQS)
		return -EINVAL;
	virtqueue_ring_addrs(vq, &a);
	prt_write16(qidx, &c->queue_select);
	prt_write16(vq->size, &c->queue_size);
	write64_split(a.desc, &c->queue_desc_lo, &c->queue_desc_hi);
	write64_split(a.driver, &c->queue_driver_lo, &c->queue_driver_hi);
	write64_split(a.device, &c->queue_device_lo, &c->queue_device_hi);
	prt_write16(vec, &c->queue_msix_vector);
	/* 4.1.5.1.2.1: the device answers NO_VECTOR when it could not take the vector. */
	if (prt_read16(&c->queue_msix_vector) != vec) {
		VIRTIO_LOG(ERR, "%s: queue %u: the device refused MSI-X vector %u", vp_name(vp),
			   qidx, vec);
		return -EIO;
	}
	/* 4.1.4.4: the doorbell is at cap.offset + queue_notify_off * notify_off_multiplier. */
	off = prt_read16(&c->queue_notify_off);
	notify = (uint64_t)off * vp->notify_off_multiplier;
	if (notify + sizeof(uint16_t) > vp->notify_len) {
		VIRTIO_LOG(
			ERR,
			"%s: queue %u: its doorbell (offset %llu) lies outside the notification area (%u bytes)",
			vp_name(vp), qidx, (unsigned long long)notify, vp->notify_len);
		return -EIO;
	}
	vp->notify[qidx] = (volatile uint16_t *)(void *)(vp->notify_base + notify);
	prt_write16(1, &c->queue_enable);
	return 0;
}

static void vp_notify(struct virtqueue *vq)
{
	struct virtio_pci *vp = vp_of(vq->notify_arg);

	/* 4.1.5.2: without VIRTIO_F_NOTIFICATION_DATA the driver writes the
	 * queue index; prt_write16 orders the ring writes before it. */
	prt_write16(vq->queue_index, vp->notify[vq->queue_index]);
}

/* ---- MSI-X (4.1.5.1.2) ---- */

static int vp_intr_setup(struct virtio_hw *hw, uint16_t nb_rxq)
{
	struct virtio_pci *vp = vp_of(hw);
	struct prt_intr_handle *h = &vp->pdev->intr_handle;
	int n;

	n = prt_intr_enable(h, PRT_INTR_MODE_MSIX, (uint32_t)nb_rxq + 1);
	if (n < 0)
		return n;
	if (n < nb_rxq + 1) {
		VIRTIO_LOG(
			ERR,
			"%s: %d MSI-X vectors for %u rx queues and the configuration; give the device more (QEMU: vectors=%u)",
			vp_name(vp), n, nb_rxq, 2 * nb_rxq + 2);
		prt_intr_disable(h);
		return -ENOSPC;
	}
	prt_write16(0, &vp->common->config_msix_vector);
	if (prt_read16(&vp->common->config_msix_vector) != 0) {
		VIRTIO_LOG(ERR, "%s: the device refused MSI-X vector 0 for configuration changes",
			   vp_name(vp));
		prt_intr_disable(h);
		return -EIO;
	}
	vp->nb_rx_vectors = nb_rxq;
	return 0;
}

static int vp_intr_fd(struct virtio_hw *hw, uint16_t rxq)
{
	return prt_intr_efd(&vp_of(hw)->pdev->intr_handle, 1u + rxq);
}

static void vp_intr_ack(struct virtio_hw *hw, uint16_t rxq)
{
	prt_intr_ack(&vp_of(hw)->pdev->intr_handle, 1u + rxq);
}

static void vp_intr_release(struct virtio_hw *hw)
{
	struct virtio_pci *vp = vp_of(hw);

	vp->nb_rx_vectors = 0;
	prt_intr_disable(&vp->pdev->intr_handle);
}

/*
 * MSI-X vector 0: the device changed its configuration (4.1.5.3), e.g. the
 * link status; runs on prt's interrupt thread.
 */
static void vp_config_intr(int fd, void *arg)
{
	struct virtio_pci *vp = arg;

	(void)fd;
	prt_intr_ack(&vp->pdev->intr_handle, 0);
	if (vp->pdev->removed)
		return; /* the BARs read all ones: nothing to learn */
	/* 4.1.4.5: the device also set bit 1 of ISR status; reading it clears it. */
	if (vp->isr != NULL)
		(void)prt_read8(vp->isr);
	virtio_lsc_handle(&vp->hw);
}

static int vp_lsc_enable(struct virtio_hw *hw)
{
	struct virtio_pci *vp = vp_of(hw);

	/* intr_setup made vector 0 the config_msix_vector (4.1.5.1.2). */
	return prt_intr_callback_register(prt_intr_efd(&vp->pdev->intr_handle, 0), vp_config_intr,
					  vp);
}

static void vp_lsc_disable(struct virtio_hw *hw)
{
	prt_intr_callback_unregister(prt_intr_efd(&vp_of(hw)->pdev->intr_handle, 0));
}

static void vp_close(struct virtio_hw *hw)
{
	struct virtio_pci *vp = vp_of(hw);

	vp->pdev->driver_data = NULL; /* the bus's remove() finds the port gone */
}

static const struct virtio_ops virtio_pci_ops = {
	.name = "pci",
	.get_features = vp_get_features,
	.set_features = vp_set_features,
	.get_status = vp_get_status,
	.set_status = vp_set_status,
	.reset = vp_reset,
	.read_dev_config = vp_read_dev_config,
	.get_queue_size = vp_get_queue_size,
	.setup_queue = vp_setup_queue,
	.notify = vp_notify,
	.intr_setup = vp_intr_setup,
	.intr_fd = vp_intr_fd,
	.intr_ack = vp_intr_ack,
	.intr_release = vp_intr_release,
	.lsc_enable = vp_lsc_enable,
	.lsc_disable = vp_lsc_disable,
	.close = vp_close,
};

/* ---- probe: the capability walk (4.1.4) ---- */

/*
 * The address of @cap's structure in its BAR (4.1.4: at offset, length
 * bytes, at least @min_len); NULL (logged) when it is not all mapped: past
 * the BAR, or in a part the kernel does not let be mapped (the MSI-X table),
 * where the first access would fault.
 */
static volatile uint8_t *cap_addr(struct virtio_pci *vp, const struct virtio_pci_cap *cap,
				  uint32_t min_len)
{
	volatile uint8_t *p = NULL;
	int err = -ERANGE;

	if (cap->length >= min_len)
		p = prt_pci_bar_range(vp->pdev, cap->bar, cap->offset, cap->length, &err);
	if (p == NULL)
		VIRTIO_LOG(
			ERR,
			"%s: virtio capability type %u points at BAR %u offset 0x%x length %u, which is %s",
			vp_name(vp), cap->cfg_type, cap->bar, cap->offset, cap->length,
			err == -ENXIO  ? "not mapped" :
			err == -EFAULT ? "in a part of the BAR the kernel does not let be mapped "
					 "(it keeps the MSI-X table there): the device is refused" :
					 "outside the BAR or too short");
	return p;
}

static int caps_walk(struct virtio_pci *vp)
{
	struct prt_pci_device *pdev = vp->pdev;
	bool seen[VIRTIO_PCI_CAP_DEVICE_CFG + 1] = { false };
	int pos;

	for (pos = prt_pci_find_capability(pdev, PCI_CAP_ID_VNDR); pos > 0;
	     pos = prt_pci_find_next_capability(pdev, PCI_CAP_ID_VNDR, pos)) {
		struct virtio_pci_cap cap;
		volatile uint8_t *p;

		if (prt_pci_read_config(pdev, &cap, sizeof(cap), pos) != sizeof(cap))
			return -EIO;
		/* 4.1.4: the first capability of each type the driver can use wins. */
		if (cap.cfg_type > VIRTIO_PCI_CAP_DEVICE_CFG || cap.cfg_type == 0 ||
		    seen[cap.cfg_type])
			continue;
		switch (cap.cfg_type) {
		case VIRTIO_PCI_CAP_COMMON_CFG:
			p = cap_addr(vp, &cap, sizeof(struct virtio_pci_common_cfg));
			vp->common = (volatile struct virtio_pci_common_cfg *)(volatile void *)p;
			break;
		case VIRTIO_PCI_CAP_NOTIFY_CFG:
			p = cap_addr(vp, &cap, sizeof(uint16_t));
			if (prt_pci_read_config(pdev, &vp->notify_off_multiplier, sizeof(uint32_t),
						pos + VIRTIO_PCI_NOTIFY_MULT_OFF) !=
			    sizeof(uint32_t))
				return -EIO;
			vp->notify_base = p;
			vp->notify_len = cap.length;
			break;
		case VIRTIO_PCI_CAP_ISR_CFG:
			p = cap_addr(vp, &cap, 1);
			vp->isr = p;
			break;
		default:
			p = cap_addr(vp, &cap, sizeof(struct virtio_net_config));
			vp->dev_cfg = p;
			vp->dev_cfg_len = cap.length;
			break;
		}
		if (p == NULL)
			return -EIO;
		seen[cap.cfg_type] = true;
	}
	if (pos < 0)
		return pos;
	if (vp->common == NULL || vp->notify_base == NULL || vp->dev_cfg == NULL) {
		VIRTIO_LOG(
			ERR,
			"%s: no virtio 1.x (modern) capabilities: a legacy-only device, which prt does not drive; give QEMU disable-legacy=on (or disable-modern=off)",
			vp_name(vp));
		return -ENOTSUP;
	}
	return 0;
}

static struct prt_pci_driver virtio_pci_driver;
static struct prt_eth_driver virtio_pci_eth_driver = { .name = "net_virtio" };

static int virtio_pci_probe(struct prt_pci_driver *drv, struct prt_pci_device *pdev)
{
	struct prt_eth_dev *dev;
	struct virtio_pci *vp;
	int ret;

	(void)drv;
	dev = prt_eth_dev_pci_allocate(pdev, sizeof(*vp), &virtio_pci_eth_driver);
	if (dev == NULL)
		return -errno;
	vp = dev->dev_private;
	vp->pdev = pdev;
	vp->hw = (struct virtio_hw){
		.ops = &virtio_pci_ops,
		.eth = dev,
		.socket_id = dev->data.numa_node,
		.wanted_features = ~0ull,
	};
	ret = caps_walk(vp);
	if (ret == 0)
		ret = virtio_ethdev_init(&vp->hw);
	if (ret < 0) {
		prt_eth_dev_release(dev);
		return ret;
	}
	if (prt_eal_iova_mode() == PRT_IOVA_PA)
		VIRTIO_LOG(NOTICE,
			   "%s: no IOMMU: the device is given physical addresses (IOVA mode PA)",
			   pdev->name);
	/* Link changes reach the application through the configuration vector
	 * (MSI-X) when the device reports a link status (VIRTIO_NET_F_STATUS). */
	prt_eth_dev_pci_probing_finish(
		dev, pdev,
		prt_intr_vec_max(&pdev->intr_handle, PRT_INTR_MODE_MSIX) > 0 &&
			(vp->hw.device_features & (1ull << VIRTIO_NET_F_STATUS)));
	return 0;
}

/*
 * The kernel took the device back (on the interrupt thread, while lcores may
 * still poll): the rings are in prt's memory and the doorbells now write to
 * dummy memory, so nothing breaks; the port is closed at cleanup.
 */
static bool virtio_pci_unplugged(struct prt_eth_dev *dev)
{
	VIRTIO_LOG(ERR, "%s: the kernel took the device back (hot-unplug or unbind)",
		   dev->data.name);
	/* The link reads down from now on: raised as LSC where asked for. */
	if (virtio_hw_get(dev)->lsc_on)
		virtio_lsc_handle(virtio_hw_get(dev));
	return true;
}

static int virtio_pci_remove(struct prt_pci_device *pdev)
{
	return prt_eth_dev_pci_remove(pdev, virtio_pci_unplugged);
}

static const struct prt_pci_id virtio_pci_ids[] = {
	{ PRT_PCI_DEVICE(0x1af4, 0x1041) }, /* 4.1.2: 0x1040 + device id 1 (network) */
	{ PRT_PCI_DEVICE(0x1af4, 0x1000) }, /* transitional network device */
	{ .vendor_id = 0 },
};

static struct prt_pci_driver virtio_pci_driver = {
	.name = "net_virtio",
	.id_table = virtio_pci_ids,
	.drv_flags = PRT_PCI_DRV_NEED_MAPPING | PRT_PCI_DRV_INTR_RMV,
	.probe = virtio_pci_probe,
	.remove = virtio_pci_remove,
};

PRT_PCI_DRIVER_REGISTER(virtio_pci_driver)
