// SPDX-License-Identifier: GPL-2.0
/*
 * kw_rootkit_hide - TEST MODULE, loaded only inside kwarden's test VMs.
 *
 * Hides itself the way module-hiding rootkits do: it unlinks its struct
 * module from the module list (lsmod, /proc/modules and rmmod no longer
 * see it) and, with sysfs=1, deletes its kobject (/sys/module/<name>).
 * With unhide_ms > 0 (list only) it links itself back that long after,
 * so that the test can remove it again.  A module hidden from sysfs stays
 * hidden: the VM is thrown away.
 */
#include <linux/kobject.h>
#include <linux/kprobes.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/rculist.h>
#include <linux/workqueue.h>

#include "kw_test.h"

static bool sysfs;
module_param(sysfs, bool, 0444);
static unsigned int unhide_ms;
module_param(unhide_ms, uint, 0444);


static struct list_head *kw_prev;
static struct mutex *kw_mutex;
static struct delayed_work kw_unhide_work;

static void kw_unhide(struct work_struct *work)
{
	mutex_lock(kw_mutex);
	list_add_rcu(&THIS_MODULE->list, kw_prev);
	mutex_unlock(kw_mutex);
	pr_info("kw_rootkit_hide: back in the module list\n");
}

static int __init kw_hide_init(void)
{
	kw_mutex = (struct mutex *)kw_find("module_mutex");
	if (!kw_mutex)
		return -ENOENT;
	mutex_lock(kw_mutex);
	kw_prev = THIS_MODULE->list.prev;
	list_del_rcu(&THIS_MODULE->list);
	mutex_unlock(kw_mutex);
	if (sysfs)
		kobject_del(&THIS_MODULE->mkobj.kobj);
	pr_info("kw_rootkit_hide: hidden from the list%s\n",
		sysfs ? " and sysfs" : "");
	if (unhide_ms && !sysfs) {
		INIT_DELAYED_WORK(&kw_unhide_work, kw_unhide);
		schedule_delayed_work(&kw_unhide_work,
				      msecs_to_jiffies(unhide_ms));
	}
	return 0;
}

static void __exit kw_hide_exit(void)
{
}

module_init(kw_hide_init);
module_exit(kw_hide_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("kwarden test: a module that hides itself");
