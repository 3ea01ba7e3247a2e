// SPDX-License-Identifier: MIT
/*
 * The IOAPIC at IOAPIC_GPA: an index register and a data window, mapped uncached. Every
 * input starts masked; request_irq() routes one at a time to a vector on this CPU.
 */
#include <kern/printk.h>
#include <abi/layout.h>
#include <asm/irq.h>
#include <asm/paging.h>

#define IOAPIC_REGSEL		0x00	/* byte offsets of the two MMIO registers */
#define IOAPIC_WINDOW		0x10

#define IOAPIC_REG_ID		0x00
#define IOAPIC_REG_VER		0x01	/* bits 16..23: redirection entries - 1 */
#define IOAPIC_REG_RTE(pin)	(0x10 + 2 * (pin))	/* low half; the high half follows */

/* Redirection entry, low half: vector in bits 0..7, delivery mode fixed (0), physical
 * destination mode (0), active high (0), edge-triggered (0). High half: destination APIC ID
 * in bits 24..31. */
#define IOAPIC_RTE_MASKED	(1U << 16)
#define IOAPIC_RTE_DEST_SHIFT	24

static volatile u32 *ioapic;
static unsigned int nr_pins;

static u32 ioapic_read(u32 reg)
{
	ioapic[IOAPIC_REGSEL / 4] = reg;
	return ioapic[IOAPIC_WINDOW / 4];
}

static void ioapic_write(u32 reg, u32 val)
{
	ioapic[IOAPIC_REGSEL / 4] = reg;
	ioapic[IOAPIC_WINDOW / 4] = val;
}

void ioapic_init(void)
{
	unsigned int pin;

	ioapic = ioremap(IOAPIC_GPA, PAGE_SIZE);
	BUG_ON(!ioapic);
	nr_pins = ((ioapic_read(IOAPIC_REG_VER) >> 16) & 0xff) + 1;
	for (pin = 0; pin < nr_pins; pin++)
		ioapic_mask(pin);
	printk("ioapic: id %u, %u inputs, at 0x%llx\n", ioapic_read(IOAPIC_REG_ID) >> 24 & 0xf,
	       nr_pins, IOAPIC_GPA);
}

unsigned int ioapic_nr_pins(void)
{
	return nr_pins;
}

void ioapic_mask(unsigned int pin)
{
	BUG_ON(pin >= nr_pins);
	ioapic_write(IOAPIC_REG_RTE(pin), IOAPIC_RTE_MASKED);
	ioapic_write(IOAPIC_REG_RTE(pin) + 1, 0);
}

void ioapic_route(unsigned int pin, u8 vector, u32 dest)
{
	BUG_ON(pin >= nr_pins);
	/* Destination first, while the entry is still masked; unmask last. */
	ioapic_write(IOAPIC_REG_RTE(pin), IOAPIC_RTE_MASKED | vector);
	ioapic_write(IOAPIC_REG_RTE(pin) + 1, dest << IOAPIC_RTE_DEST_SHIFT);
	ioapic_write(IOAPIC_REG_RTE(pin), vector);
}
