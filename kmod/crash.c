// SPDX-License-Identifier: GPL-2.0
/*
 * kwarden - name the module a crash happened in, for the next boot
 *
 * When the kernel oopses or panics, one line is printed that names the
 * module whose code was running:
 *
 *   kwarden: oops in module NAME (ip: SYMBOL+OFF/SIZE [NAME])
 *   kwarden: panic in module NAME (stack: SYMBOL+OFF/SIZE [NAME])
 *   kwarden: panic in no module
 *
 * The panic notifiers run before the kernel log is dumped to pstore, so
 * the line survives the reboot; kwardend reads it there on the next boot
 * and attributes the unhealthy boot to NAME (docs/resilience.md).
 *
 * The evidence is the faulting instruction (oops), else the first frame on
 * the crashing stack that belongs to a module other than kwarden; for a
 * panic with no module on its stack, the last oops that named one.  The
 * handlers allocate nothing, take no lock and use static buffers: oopses
 * are serialised by the die lock, and only one CPU runs the panic path.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kallsyms.h>
#include <linux/kdebug.h>
#include <linux/kernel.h>
#include <linux/notifier.h>
#include <linux/panic_notifier.h>
#include <linux/ptrace.h>
#include <linux/stacktrace.h>
#include <linux/string.h>

#include "kwarden.h"

#define KW_CRASH_FRAMES	32

struct kw_crash {
	unsigned long frames[KW_CRASH_FRAMES];
	char sym[KSYM_SYMBOL_LEN];
	char module[KW_NAME_LEN];
	const char *how;	/* "ip" or "stack" */
};

static struct kw_crash kw_oops;		/* the last oops, for the panic */
static struct kw_crash kw_panic_rec;

/*
 * The module of @addr ("" for none) into c->module, its symbol into c->sym.
 * Frames of kwarden itself count only when @self: our own notifier is on
 * every crashing stack, but an oops at our own code is ours.
 */
static bool kw_crash_module_at(struct kw_crash *c, unsigned long addr,
			       bool self)
{
	char *open, *close;

	sprint_symbol(c->sym, addr);
	open = strrchr(c->sym, '[');
	close = open ? strchr(open, ']') : NULL;
	if (!open || !close || close == open + 1)
		return false;
	if ((size_t)(close - open - 1) >= sizeof(c->module))
		return false;
	memcpy(c->module, open + 1, close - open - 1);
	c->module[close - open - 1] = '\0';
	if (!self && !strcmp(c->module, KBUILD_MODNAME)) {
		c->module[0] = '\0';
		return false;
	}
	return true;
}

/* First module frame on the current stack, the notifiers' own skipped */
static bool kw_crash_stack(struct kw_crash *c)
{
	unsigned int i, n;

	n = stack_trace_save(c->frames, KW_CRASH_FRAMES, 0);
	for (i = 0; i < n; i++) {
		if (kw_crash_module_at(c, c->frames[i], false)) {
			c->how = "stack";
			return true;
		}
	}
	return false;
}

static int kw_crash_die(struct notifier_block *nb, unsigned long val,
			void *data)
{
	struct die_args *args = data;
	struct kw_crash *c = &kw_oops;

	if (val != DIE_OOPS || !args || !args->regs || user_mode(args->regs))
		return NOTIFY_DONE;
	c->module[0] = '\0';
	if (kw_crash_module_at(c, instruction_pointer(args->regs), true))
		c->how = "ip";
	else if (!kw_crash_stack(c))
		return NOTIFY_DONE;
	pr_emerg("oops in module %s (%s: %s)\n", c->module, c->how,
		 c->sym);
	return NOTIFY_DONE;
}

static int kw_crash_panic(struct notifier_block *nb, unsigned long val,
			  void *data)
{
	struct kw_crash *c = &kw_panic_rec;

	/*
	 * The stack of a "Fatal exception" panic runs through the oops'
	 * exception frame; an oops seen earlier is the fallback.
	 */
	if (!kw_crash_stack(c))
		c = kw_oops.module[0] ? &kw_oops : NULL;
	if (c)
		pr_emerg("panic in module %s (%s: %s)\n", c->module,
			 c->how, c->sym);
	else
		pr_emerg("panic in no module\n");
	return NOTIFY_DONE;
}

static struct notifier_block kw_die_nb = {
	.notifier_call = kw_crash_die,
};

static struct notifier_block kw_panic_nb = {
	.notifier_call = kw_crash_panic,
	.priority = INT_MAX,	/* before anyone who might not return */
};

void kw_crash_init(void)
{
	int err = register_die_notifier(&kw_die_nb);

	if (err)
		pr_warn("no oops attribution: %d\n", err);
	atomic_notifier_chain_register(&panic_notifier_list, &kw_panic_nb);
}

void kw_crash_exit(void)
{
	atomic_notifier_chain_unregister(&panic_notifier_list, &kw_panic_nb);
	unregister_die_notifier(&kw_die_nb);
}
