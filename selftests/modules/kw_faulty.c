// SPDX-License-Identifier: GPL-2.0
/*
 * kw_faulty - a test module that misbehaves the ways broken drivers do,
 * for kwarden's fault attribution (selftests/fault_test.c). Loaded only
 * inside test VMs, never on a real host; every report it provokes is
 * declared first with kwvm-expect.
 *
 *   warns=N period_ms=P  WARN N times, one every P ms, from a work item
 *   core=1               the same, but the WARN is raised by core code
 *                        (ida_free() of an id that was never allocated)
 *                        on the module's behalf
 *   bug=1                BUG() in a kernel thread of the module
 *   oops=1               a NULL pointer write in a kernel thread
 */
#include <linux/bug.h>
#include <linux/idr.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/workqueue.h>

static unsigned int warns;
module_param(warns, uint, 0444);
MODULE_PARM_DESC(warns, "WARNINGs to raise after load");

static unsigned int period_ms = 150;
module_param(period_ms, uint, 0444);
MODULE_PARM_DESC(period_ms, "ms between two of them");

static bool core;
module_param(core, bool, 0444);
MODULE_PARM_DESC(core, "let core code warn on the module's bad argument");

static bool bug;
module_param(bug, bool, 0444);
MODULE_PARM_DESC(bug, "BUG() in a kernel thread");

static bool oops;
module_param(oops, bool, 0444);
MODULE_PARM_DESC(oops, "NULL pointer write in a kernel thread");

static DEFINE_IDA(kw_faulty_ida);
static struct delayed_work kw_faulty_work;
static unsigned int kw_faulty_done, kw_faulty_freed;
static int *kw_faulty_null;	/* oops=1 writes through it */

/*
 * The module frame that core code's warning is blamed on: noinline, and
 * not ending in the call, which would become a jump (a sibling call) and
 * leave no frame of its own.
 */
static noinline void kw_faulty_bad_free(void)
{
	ida_free(&kw_faulty_ida, 42);
	WRITE_ONCE(kw_faulty_freed, kw_faulty_freed + 1);
}

static void kw_faulty_fn(struct work_struct *w)
{
	if (kw_faulty_done >= warns)
		return;
	kw_faulty_done++;
	if (core)
		kw_faulty_bad_free();
	else
		WARN(1, "kw_faulty: deliberate warning %u of %u\n",
		     kw_faulty_done, warns);
	schedule_delayed_work(&kw_faulty_work, msecs_to_jiffies(period_ms));
}

static int kw_faulty_die(void *unused)
{
	if (bug)
		BUG();
	WRITE_ONCE(*kw_faulty_null, 1);
	return 0;
}

static int __init kw_faulty_init(void)
{
	INIT_DELAYED_WORK(&kw_faulty_work, kw_faulty_fn);
	if (warns)
		schedule_delayed_work(&kw_faulty_work, 0);
	if (bug || oops)
		kthread_run(kw_faulty_die, NULL, "kw_faulty");
	return 0;
}

static void __exit kw_faulty_exit(void)
{
	cancel_delayed_work_sync(&kw_faulty_work);
}

module_init(kw_faulty_init);
module_exit(kw_faulty_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("kwarden test: a driver that warns, BUGs and oopses");
