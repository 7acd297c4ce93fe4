// SPDX-License-Identifier: GPL-2.0
/*
 * kwarden - kernel integrity monitor: module entry points
 *
 * Order matters at load: the text-poke recorder starts before the baseline
 * is taken, so that no legitimate patch can fall between the two; the
 * scanner and the netlink family start last.  kwarden never panics the
 * host: on any failure at load it cleans up and refuses to load.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/moduleparam.h>

#include "kwarden.h"

static bool golden;
module_param(golden, bool, 0444);
MODULE_PARM_DESC(golden, "Keep a copy of watched bytes, for old bytes in alerts and restores (default: off, block digests)");

module_param_named(interval_ms, kw_interval_ms, uint, 0444);
MODULE_PARM_DESC(interval_ms, "Period of a full verification pass in ms (default: 500, min 100)");

static void __init kw_report_size(void)
{
	struct kw_totals t;

	mutex_lock(&kw_region_lock);
	kw_region_totals(&t);
	mutex_unlock(&kw_region_lock);
	pr_info("watching %u regions, %u pages: baseline %llu bytes, golden copy %llu bytes\n",
		t.regions, t.pages, t.baseline_bytes, t.golden_bytes);
	pr_info("patch site indexes: %u jump labels, %llu bytes\n",
		kw_jump_core_count(), kw_site_bytes());
}

static int __init kwarden_init(void)
{
	int err;

	err = kw_symbols_init();
	if (err)
		return err;
	err = kw_mode_init();
	if (err)
		return err;
	err = kw_alert_init();
	if (err)
		return err;
	kw_addr_init();
	kw_ftrace_site_init();
	err = kw_site_init();
	if (err)
		goto out_alert;
	err = kw_poke_init();
	if (err)
		goto out_site;
	err = kw_regions_init(golden);
	if (err)
		goto out_poke;
	err = kw_netlink_init();
	if (err)
		goto out_regions;
	kw_modhide_init();
	kw_cpu_init();
	kw_hooks_init();
	kw_proc_check();	/* the baseline of what /proc readers get */
	err = kw_modinfo_init();
	if (err)
		goto out_netlink;
	kw_modgate_init();	/* without it: no hashes, the gate still decides */
	err = kw_policy_init();
	if (err)
		goto out_modgate;
	err = kw_modwatch_init();
	if (err)
		goto out_policy;
	kw_fault_init();
	kw_livepatch_init();
	kw_scan_init();
	kw_selfcheck_init();
	kw_crash_init();
	kw_report_size();
	kw_mode_announce();
	return 0;

out_policy:
	kw_policy_exit();
out_modgate:
	kw_modgate_exit();
	kw_modinfo_exit();
out_netlink:
	kw_netlink_exit();

out_regions:
	kw_regions_exit();
out_poke:
	kw_poke_exit();
out_site:
	kw_site_exit();
out_alert:
	kw_alert_exit();
	return err;
}

static void __exit kwarden_exit(void)
{
	kw_crash_exit();
	kw_selfcheck_exit();
	kw_scan_exit();
	kw_livepatch_exit();
	kw_fault_exit();
	kw_modwatch_exit();
	kw_policy_exit();
	kw_modgate_exit();
	kw_netlink_exit();
	kw_modinfo_exit();
	kw_regions_exit();
	kw_poke_exit();
	kw_site_exit();
	kw_alert_exit();
	pr_info("unloaded\n");
}

module_init(kwarden_init);
module_exit(kwarden_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("kwarden kernel integrity monitor");
MODULE_AUTHOR("kwarden developers");
