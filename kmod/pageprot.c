// SPDX-License-Identifier: GPL-2.0
/*
 * kwarden - page permissions of the watched regions
 *
 * A page of kernel text or read-only data that becomes writable is a
 * violation before anything is written through it (set_memory_rw(), or a
 * page table entry rewritten by hand).  Each page's mapping is looked up
 * when it is baselined; a page that was read-only then must stay so.
 * Writes through a separate alias mapping leave these entries alone: the
 * byte checks catch those.
 */
#include <linux/bitmap.h>
#include <linux/minmax.h>
#include <linux/slab.h>
#include <asm/pgtable.h>

#include "kwarden.h"

/* Whether @addr is mapped writable; *@leaf is the size of its mapping. */
static bool kw_page_writable(unsigned long addr, unsigned long *leaf)
{
	unsigned int level;
	pte_t *pte = lookup_address(addr, &level);

	*leaf = pte ? page_level_size(level) : PAGE_SIZE;
	return pte && pte_present(*pte) && pte_write(*pte);
}

int kw_prot_baseline(struct kw_region *r)
{
	unsigned long leaf;
	unsigned int pg;

	r->ro = bitmap_zalloc(r->npages, GFP_KERNEL);
	r->wr_alerted = bitmap_zalloc(r->npages, GFP_KERNEL);
	if (!r->ro || !r->wr_alerted)
		return -ENOMEM;
	for (pg = 0; pg < r->npages; pg++)
		if (!kw_page_writable(r->start + pg * KW_PAGE_SIZE, &leaf))
			__set_bit(pg, r->ro);
	return 0;
}

void kw_prot_free(struct kw_region *r)
{
	bitmap_free(r->ro);
	bitmap_free(r->wr_alerted);
}

/* One alert per mapping: a 2M or 1G leaf covers many pages. */
static void kw_prot_alert(struct kw_region *r, unsigned long addr,
			  unsigned long leaf)
{
	struct kw_alert a = {
		.kind = KW_KIND_page_protection_changed,
		.action = KW_ACTION_logged,
		.slot = -1,
		.addr = addr,
		.len = min(leaf, r->end - addr),	/* bytes now writable */
	};

	strscpy(a.region, r->name, sizeof(a.region));
	kw_describe(addr, a.symbol, sizeof(a.symbol), &a.offset, a.module,
		    sizeof(a.module));
	kw_alert_raise(&a);
}

/* Page @pg must still be read-only if it was; once per change. */
void kw_prot_check(struct kw_region *r, unsigned int pg)
{
	unsigned long addr = r->start + pg * KW_PAGE_SIZE, leaf, first;

	if (!r->ro || !test_bit(pg, r->ro))
		return;
	if (!kw_page_writable(addr, &leaf)) {
		__clear_bit(pg, r->wr_alerted);
		return;
	}
	if (__test_and_set_bit(pg, r->wr_alerted))
		return;
	/* only the leaf's first page in the region speaks for it */
	first = max(addr & ~(leaf - 1), r->start);
	if (first == addr)
		kw_prot_alert(r, addr, leaf);
}
