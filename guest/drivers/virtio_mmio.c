// SPDX-License-Identifier: MIT
/*
 * Device start-up and the virtio-mmio probe: interrupts first, then every "virtio,mmio"
 * node of the device tree is mapped and identified (magic "virt", version 2, device ID)
 * and given to its driver. Register access for the shared transport code
 * (virtio/mmio_drv.c) is plain uncached loads and stores of the access's width.
 */
#include <libfdt.h>
#include <kern/printk.h>
#include <abi/layout.h>
#include <asm/irq.h>
#include <asm/paging.h>
#include <guest/bootinfo.h>
#include <guest/virtio.h>
#include <mm/slab.h>
#include <virtio/mmio.h>

static u32 virtio_mmio_read(void *regs, u32 off, unsigned int size)
{
	volatile void *p = (u8 *)regs + off;

	switch (size) {
	case 1:
		return *(volatile u8 *)p;
	case 2:
		return *(volatile u16 *)p;
	default:
		return *(volatile u32 *)p;
	}
}

static void virtio_mmio_write(void *regs, u32 off, u32 val, unsigned int size)
{
	volatile void *p = (u8 *)regs + off;

	switch (size) {
	case 1:
		*(volatile u8 *)p = val;
		break;
	case 2:
		*(volatile u16 *)p = val;
		break;
	default:
		*(volatile u32 *)p = val;
		break;
	}
}

static const struct mmio_drv_io virtio_mmio_io = {
	.read = virtio_mmio_read,
	.write = virtio_mmio_write,
};

/* Identify the device behind @n and start its driver. */
static void virtio_mmio_probe(const struct virtio_mmio_node *n)
{
	struct virtio_mmio_device *vdev;
	void *regs = ioremap(n->base, n->size);
	u32 magic;
	int err;

	BUG_ON(!regs);		/* dt_virtio_mmio_node() checked the range */
	vdev = kzalloc(sizeof(*vdev), GFP_KERNEL);
	if (!vdev) {
		printk("virtio-mmio@%lx: out of memory\n", n->base);
		return;
	}
	vdev->node = *n;
	vdev->regs = regs;
	if (mmio_drv_probe(&vdev->drv, &virtio_mmio_io, regs)) {
		magic = virtio_mmio_read(regs, VIRTIO_MMIO_MAGIC_VALUE, 4);
		if (magic == VIRTIO_MMIO_MAGIC && !vdev->drv.device_id &&
		    virtio_mmio_read(regs, VIRTIO_MMIO_VERSION, 4) == VIRTIO_MMIO_VERSION_2)
			printk("virtio-mmio@%lx: empty slot\n", n->base);
		else
			printk("virtio-mmio@%lx: no virtio-mmio version 2 device there "
			       "(magic 0x%x, version %u)\n", n->base, magic,
			       virtio_mmio_read(regs, VIRTIO_MMIO_VERSION, 4));
		goto out_free;
	}
	switch (vdev->drv.device_id) {
	case VIRTIO_ID_BLOCK:
		err = virtio_blk_probe(vdev);
		if (err)
			goto out_free;
		return;
	default:
		printk("virtio-mmio@%lx: device ID %u has no driver; ignored\n", n->base,
		       vdev->drv.device_id);
		goto out_free;
	}
out_free:
	kfree(vdev);
}

void devices_init(const struct boot_info *bi)
{
	const void *fdt = __va(bi->fdt_pa);	/* reserved at boot: still intact */
	struct virtio_mmio_node n;
	const char *why;
	int node;

	irq_init();
	for (node = fdt_node_offset_by_compatible(fdt, -1, DT_COMPAT_VIRTIO_MMIO); node >= 0;
	     node = fdt_node_offset_by_compatible(fdt, node, DT_COMPAT_VIRTIO_MMIO)) {
		if (dt_virtio_mmio_node(fdt, node, &n, &why)) {
			printk("virtio-mmio: %s: %s; ignored\n", fdt_get_name(fdt, node, NULL),
			       why);
			continue;
		}
		virtio_mmio_probe(&n);
	}
}
