/* SPDX-License-Identifier: BSD-3-Clause */
/* What PCI ethdev drivers' probe and remove share (ethdev_pci.h). */
#include <errno.h>
#include <string.h>

#include "ethdev_pci.h"

struct prt_eth_dev *prt_eth_dev_pci_allocate(struct prt_pci_device *pdev, size_t priv_size,
					     const struct prt_eth_driver *drv)
{
	struct prt_eth_dev *dev = prt_eth_dev_allocate(pdev->name, priv_size);

	if (dev == NULL) {
		int err = errno;

		PRT_LOG(ERR, PRT_LOGTYPE_ETHDEV, "%s: cannot create its port (%s)", pdev->name,
			strerror(err));
		errno = err;
		return NULL;
	}
	dev->driver = drv;
	dev->data.numa_node = pdev->numa_node < 0 ? PRT_SOCKET_ID_ANY : pdev->numa_node;
	return dev;
}

void prt_eth_dev_pci_probing_finish(struct prt_eth_dev *dev, struct prt_pci_device *pdev, bool lsc)
{
	if (lsc)
		dev->data.dev_flags |= PRT_ETH_DEV_INTR_LSC;
	if (pdev->req_efd >= 0)
		dev->data.dev_flags |= PRT_ETH_DEV_INTR_RMV;
	pdev->driver_data = dev;
	prt_eth_dev_probing_finish(dev);
}

int prt_eth_dev_pci_remove(struct prt_pci_device *pdev, bool (*unplugged)(struct prt_eth_dev *dev))
{
	struct prt_eth_dev *dev = pdev->driver_data;

	if (dev == NULL)
		return 0; /* closed already */
	if (pdev->removed && unplugged(dev)) {
		prt_eth_dev_callback_process(dev, PRT_ETH_EVENT_INTR_RMV, NULL);
		return 0;
	}
	return prt_eth_dev_close(dev->data.port_id);
}
