// SPDX-License-Identifier: GPL-2.0
/*
 * kw_rootkit_kprobe - TEST MODULE, loaded only inside kwarden's test VMs.
 *
 * Hooks a syscall through a kprobe, as rootkits do to watch or steer a
 * function without writing text themselves:
 *   mode=kprobe     a kprobe at target+offset with a pre handler here
 *                   (offset 0: on the ftrace site); past_site=1 puts it
 *                   on the first instruction after the site (after
 *                   ENDBR64, if any, and the fentry call: an INT3, later
 *                   optimized), wherever this kernel's build puts that
 *   mode=kretprobe  a kretprobe on target with a return handler here
 * The handlers only count calls.  The probe goes when the module does.
 */
#include <linux/ftrace.h>
#include <linux/kprobes.h>
#include <linux/module.h>
#include <linux/string.h>

static char *target = "__x64_sys_kill";
module_param(target, charp, 0444);
static unsigned int offset;
module_param(offset, uint, 0444);
static char *mode = "kprobe";
module_param(mode, charp, 0444);
static bool past_site;
module_param(past_site, bool, 0444);

static unsigned long kw_calls;
static bool kw_ret;

static int kw_pre(struct kprobe *p, struct pt_regs *regs)
{
	WRITE_ONCE(kw_calls, kw_calls + 1);
	return 0;
}

static int kw_return(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	WRITE_ONCE(kw_calls, kw_calls + 1);
	return 0;
}

static struct kprobe kw_kp = {
	.pre_handler = kw_pre,
};

static struct kretprobe kw_rp = {
	.handler = kw_return,
	.maxactive = 8,
};

/* Aim kw_kp at the instruction after target's ftrace site */
static int kw_aim_past_site(void)
{
	struct kprobe kp = { .symbol_name = target };
	int err = register_kprobe(&kp);

	if (err)
		return err;
	kw_kp.addr = (kprobe_opcode_t *)((unsigned long)kp.addr +
					 MCOUNT_INSN_SIZE);
	unregister_kprobe(&kp);
	return 0;
}

static int __init kw_rootkit_init(void)
{
	int err;

	kw_ret = !strcmp(mode, "kretprobe");
	if (kw_ret) {
		kw_rp.kp.symbol_name = target;
		err = register_kretprobe(&kw_rp);
	} else if (past_site) {
		err = kw_aim_past_site();
		if (!err)
			err = register_kprobe(&kw_kp);
	} else {
		kw_kp.symbol_name = target;
		kw_kp.offset = offset;
		err = register_kprobe(&kw_kp);
	}
	if (err)
		return err;
	pr_info("kw_rootkit_kprobe: %s on %s+%u%s\n", mode, target, offset,
		past_site ? " past its ftrace site" : "");
	return 0;
}

static void __exit kw_rootkit_exit(void)
{
	if (kw_ret)
		unregister_kretprobe(&kw_rp);
	else
		unregister_kprobe(&kw_kp);
	pr_info("kw_rootkit_kprobe: removed after %lu calls\n",
		READ_ONCE(kw_calls));
}

module_init(kw_rootkit_init);
module_exit(kw_rootkit_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("kwarden test: a syscall hooked through a kprobe");
