// SPDX-License-Identifier: GPL-2.0
/*
 * kw_rootkit_ftrace - TEST MODULE, loaded only inside kwarden's test VMs.
 *
 * Hooks a syscall through ftrace, the way current rootkits do, without
 * writing any kernel text itself: an ftrace_ops filtered to one function.
 *   mode=ipmodify  SAVE_REGS | IPMODIFY | RECURSION, the flags of a hook
 *                  that redirects the function; this handler only counts
 *                  calls and never touches regs->ip
 *   mode=plain     RECURSION only: a handler that just watches
 *   mode=direct    a direct call from the function's ftrace site to a
 *                  trampoline here that returns at once
 *   mode=fprobe    an fprobe, whose ops runs the kernel's fprobe_handler,
 *                  with an entry handler here
 * The hook is removed when the module is.  Builds for 6.1 and 6.12, whose
 * fprobe handler and direct-call APIs differ (see the #if blocks).
 */
#include <linux/fprobe.h>
#include <linux/ftrace.h>
#include <linux/module.h>
#include <linux/string.h>
#include <linux/version.h>
#include <asm/ibt.h>
#include <asm/linkage.h>
#include <asm/nospec-branch.h>

/* Call depth tracking (6.2) accounts for every call; before it, nothing. */
#ifndef CALL_DEPTH_ACCOUNT
#define CALL_DEPTH_ACCOUNT ""
#endif

static char *target = "__x64_sys_getdents64";
module_param(target, charp, 0444);
static char *mode = "ipmodify";
module_param(mode, charp, 0444);

static unsigned long kw_calls;
static bool kw_direct, kw_fprobe;

static void notrace kw_ftrace_handler(unsigned long ip,
				      unsigned long parent_ip,
				      struct ftrace_ops *op,
				      struct ftrace_regs *fregs)
{
	WRITE_ONCE(kw_calls, kw_calls + 1);
}

/* Called instead of __fentry__: account for the call, and return. */
void kw_direct_tramp(void);
asm (
"	.pushsection	.text, \"ax\", @progbits\n"
"	.type		kw_direct_tramp, @function\n"
"	.globl		kw_direct_tramp\n"
"kw_direct_tramp:\n"
	ASM_ENDBR
	CALL_DEPTH_ACCOUNT
	ASM_RET
"	.size		kw_direct_tramp, .-kw_direct_tramp\n"
"	.popsection\n"
);

static struct ftrace_ops kw_ops;

#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 5, 0)
static int kw_fprobe_entry(struct fprobe *fp, unsigned long entry_ip,
			   unsigned long ret_ip, struct pt_regs *regs,
			   void *entry_data)
{
	WRITE_ONCE(kw_calls, kw_calls + 1);
	return 0;
}

#define kw_direct_register(ops, addr)	register_ftrace_direct(ops, addr)
/* frees the filter too */
#define kw_direct_unregister(ops, addr)	unregister_ftrace_direct(ops, addr, true)
#else
static void kw_fprobe_entry(struct fprobe *fp, unsigned long entry_ip,
			    struct pt_regs *regs, void *entry_data)
{
	WRITE_ONCE(kw_calls, kw_calls + 1);
}

#define kw_direct_register(ops, addr)	register_ftrace_direct_multi(ops, addr)

static void kw_direct_unregister(struct ftrace_ops *ops, unsigned long addr)
{
	unregister_ftrace_direct_multi(ops, addr);
	ftrace_free_filter(ops);
}
#endif

static struct fprobe kw_fp = {
	.entry_handler = kw_fprobe_entry,
};

static int kw_hook(void)
{
	int err;

	if (kw_fprobe)
		return register_fprobe(&kw_fp, target, NULL);
	err = ftrace_set_filter(&kw_ops, target, strlen(target), 0);
	if (err)
		return err;
	if (kw_direct)
		return kw_direct_register(&kw_ops,
					  (unsigned long)kw_direct_tramp);
	kw_ops.func = kw_ftrace_handler;
	kw_ops.flags = FTRACE_OPS_FL_RECURSION;
	if (strcmp(mode, "plain"))
		kw_ops.flags |= FTRACE_OPS_FL_SAVE_REGS |
				FTRACE_OPS_FL_IPMODIFY;
	return register_ftrace_function(&kw_ops);
}

static int __init kw_rootkit_init(void)
{
	int err;

	kw_direct = !strcmp(mode, "direct");
	kw_fprobe = !strcmp(mode, "fprobe");
	err = kw_hook();
	if (err) {
		if (!kw_fprobe)
			ftrace_free_filter(&kw_ops);
		return err;
	}
	pr_info("kw_rootkit_ftrace: hooked %s (%s)\n", target, mode);
	return 0;
}

static void __exit kw_rootkit_exit(void)
{
	if (kw_fprobe) {
		unregister_fprobe(&kw_fp);
	} else if (kw_direct) {
		kw_direct_unregister(&kw_ops, (unsigned long)kw_direct_tramp);
	} else {
		unregister_ftrace_function(&kw_ops);
		ftrace_free_filter(&kw_ops);
	}
	pr_info("kw_rootkit_ftrace: unhooked %s after %lu calls\n", target,
		READ_ONCE(kw_calls));
}

module_init(kw_rootkit_init);
module_exit(kw_rootkit_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("kwarden test: a syscall hooked through ftrace");
