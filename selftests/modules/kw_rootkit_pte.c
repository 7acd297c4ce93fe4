// SPDX-License-Identifier: GPL-2.0
/*
 * kw_rootkit_pte - TEST MODULE, loaded only inside kwarden's test VMs.
 *
 * Makes the page of a read-only kernel object writable by setting the RW
 * bit in its page table entry (a 4K PTE or a 2M/1G leaf), the first step
 * of rootkits that then write through the kernel's own mapping.  It
 * writes nothing.  The bit is cleared again when the module is removed.
 */
#include <linux/kprobes.h>
#include <linux/module.h>
#include <asm/pgtable.h>
#include <asm/tlbflush.h>

#include "kw_test.h"

static char *target = "linux_proc_banner";
module_param(target, charp, 0444);

typedef void (*kw_flush_fn)(unsigned long start, unsigned long end);

static pte_t *kw_pte;
static kw_flush_fn kw_flush;
static unsigned long kw_addr;

static void kw_set_rw(bool rw)
{
	pteval_t v = pte_val(*kw_pte);

	v = rw ? v | _PAGE_RW : v & ~_PAGE_RW;
	WRITE_ONCE(*(pteval_t *)kw_pte, v);
	kw_flush(kw_addr & PAGE_MASK, (kw_addr & PAGE_MASK) + PAGE_SIZE);
}

static int __init kw_pte_init(void)
{
	unsigned int level;

	kw_addr = kw_find(target);
	kw_flush = (kw_flush_fn)kw_find("flush_tlb_kernel_range");
	if (!kw_addr || !kw_flush)
		return -ENOENT;
	kw_pte = lookup_address(kw_addr, &level);
	if (!kw_pte || pte_write(*kw_pte))
		return -EINVAL;
	kw_set_rw(true);
	pr_info("kw_rootkit_pte: %s is writable (level %u)\n", target, level);
	return 0;
}

static void __exit kw_pte_exit(void)
{
	kw_set_rw(false);
	pr_info("kw_rootkit_pte: %s is read-only again\n", target);
}

module_init(kw_pte_init);
module_exit(kw_pte_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("kwarden test: a read-only kernel page made writable");
