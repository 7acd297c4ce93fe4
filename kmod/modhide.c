// SPDX-License-Identifier: GPL-2.0
/*
 * kwarden - hidden modules: kwarden's own history against the kernel's views
 *
 * kwarden saw every module come (modwatch.c) and will see it go.  A module
 * it saw come and not go must still be in each view the kernel keeps of
 * loaded modules: the module list (lsmod, /proc/modules, delete_module),
 * its sysfs kobject (/sys/module), the module address tree, and kallsyms
 * (symbols resolved by address name the module).  A rootkit that unlinks
 * itself from one of them is reported as module_hidden, naming the views
 * that disagree; once per change of those views.
 */
#include <linux/module.h>
#include <linux/rculist.h>
#include <linux/string.h>

#include "kwarden.h"

enum kw_view {
	KW_VIEW_LIST	= 1 << 0,
	KW_VIEW_SYSFS	= 1 << 1,
	KW_VIEW_TREE	= 1 << 2,
	KW_VIEW_KALLSYMS = 1 << 3,
};

#define KW_VIEWS_ALL	(KW_VIEW_LIST | KW_VIEW_SYSFS | KW_VIEW_TREE | \
			 KW_VIEW_KALLSYMS)

static const char * const kw_view_names[] = {
	"list", "sysfs", "mod_tree", "kallsyms",
};

static struct list_head *kw_modules;

static bool kw_in_list(const struct module *mod)
{
	struct module *m;
	bool found = false;
	unsigned int n = 0;

	rcu_read_lock();
	list_for_each_entry_rcu(m, kw_modules, list) {
		if (m == mod || ++n > 65536) {
			found = m == mod;
			break;
		}
	}
	rcu_read_unlock();
	return found;
}

static u32 kw_views(struct kw_region *r)
{
	const struct module *mod = r->mod;
	char sym[KW_SYM_LEN], owner[KW_NAME_LEN];
	u32 views = 0;
	u64 off;

	if (kw_in_list(mod))
		views |= KW_VIEW_LIST;
	if (mod->mkobj.kobj.state_in_sysfs)
		views |= KW_VIEW_SYSFS;
	preempt_disable();
	if (kw_module_at(r->start) == mod)
		views |= KW_VIEW_TREE;
	preempt_enable();
	kw_describe(r->start, sym, sizeof(sym), &off, owner, sizeof(owner));
	if (!strcmp(owner, r->owner))
		views |= KW_VIEW_KALLSYMS;
	return views;
}

static void kw_views_str(char *buf, size_t len, u32 views)
{
	size_t i, n = 0;

	n += scnprintf(buf + n, len - n, "missing from:");
	for (i = 0; i < ARRAY_SIZE(kw_view_names); i++)
		if (!(views & (1U << i)))
			n += scnprintf(buf + n, len - n, " %s", kw_view_names[i]);
	n += scnprintf(buf + n, len - n, "; present in:");
	for (i = 0; i < ARRAY_SIZE(kw_view_names); i++)
		if (views & (1U << i))
			n += scnprintf(buf + n, len - n, " %s", kw_view_names[i]);
}

static void kw_report_hidden(struct kw_region *r, u32 views)
{
	struct kw_alert a = {
		.kind = KW_KIND_module_hidden,
		.action = KW_ACTION_logged,
		.slot = -1,
		.addr = r->start,
	};

	strscpy(a.region, "modules", sizeof(a.region));
	strscpy(a.module, r->owner, sizeof(a.module));
	strscpy(a.symbol, r->owner, sizeof(a.symbol));
	kw_views_str(a.views, sizeof(a.views), views);
	kw_alert_raise(&a);
}

/* Check every module kwarden saw come; the caller holds kw_region_lock. */
void kw_modhide_check(void)
{
	struct kw_region *r;
	u32 views;

	if (!kw_modules)
		return;
	list_for_each_entry(r, kw_regions(), node) {
		if (!r->mod || !r->text)
			continue;
		views = kw_views(r);
		if (views == KW_VIEWS_ALL) {
			r->hidden = 0;
			continue;
		}
		if (views == r->hidden)
			continue;
		r->hidden = views;
		kw_report_hidden(r, views);
	}
}

void kw_modhide_init(void)
{
	kw_modules = (struct list_head *)kw_lookup_name("modules");
}
