// SPDX-License-Identifier: GPL-2.0
/*
 * kw_rootkit_poke - TEST MODULE, loaded only inside kwarden's test VMs.
 *
 * Writes a 5-byte "jmp hook" into a kernel or module function the way a
 * careful rootkit does: through the kernel's own text_poke(), under
 * text_mutex, exactly as the kernel's patching code calls it.  The place
 * (@target + @offset, default 16 bytes into the function, past ENDBR64 and
 * the ftrace call) is no jump label, static call, kprobe or ftrace site.
 * With delay_ms > 0 the write comes from a work item that long after init
 * returned; otherwise from init.  The original bytes are put back, the
 * same way, when the module is removed.
 *
 * form= writes a wrong form at a real patch site of this module's own
 * instead (never executed while hooked): "scall", its static call
 * trampoline __SCT__kw_sc made to jmp to kw_other, a function of the same
 * type that the key does not name; "jump", its jump label site made to
 * jmp to kw_other, not to the entry's target.
 */
#include <linux/memory.h>
#include <linux/module.h>
#include <linux/jump_label.h>
#include <linux/mutex.h>
#include <linux/static_call.h>
#include <linux/workqueue.h>

#include "kw_test.h"

static char *target = "__x64_sys_acct";
module_param(target, charp, 0444);
static unsigned int offset = 16;
module_param(offset, uint, 0444);
static unsigned int delay_ms;
module_param(delay_ms, uint, 0444);
static char *form = "";
module_param(form, charp, 0444);

typedef void *(*kw_text_poke_fn)(void *addr, const void *opcode, size_t len);

static kw_text_poke_fn kw_text_poke;
static struct mutex *kw_text_mutex;
static u8 *kw_site;
static u8 kw_saved[5];
static bool kw_hooked;
static struct delayed_work kw_later;

static noinline long kw_hook(void)
{
	return -EPERM;
}

static noinline long kw_other(void)
{
	return -EACCES;
}

DEFINE_STATIC_CALL(kw_sc, kw_hook);
static DEFINE_STATIC_KEY_FALSE(kw_key);

/* Holds a static call site and a jump label site; called at load only */
static noinline long kw_sites(void)
{
	if (static_branch_unlikely(&kw_key))
		return kw_other();
	return static_call(kw_sc)();
}

/* The place form= names, or NULL */
static u8 *kw_form_site(void)
{
	struct jump_entry *e = THIS_MODULE->jump_entries;
	unsigned int i;

	if (!strcmp(form, "scall"))
		return (u8 *)STATIC_CALL_TRAMP_ADDR(kw_sc);
	for (i = 0; !strcmp(form, "jump") && i < THIS_MODULE->num_jump_entries;
	     i++, e++)
		if (jump_entry_key(e) == &kw_key.key)
			return (u8 *)jump_entry_code(e);
	return NULL;
}

static noinline void kw_poke(const u8 *bytes)
{
	mutex_lock(kw_text_mutex);
	kw_text_poke(kw_site, bytes, sizeof(kw_saved));
	mutex_unlock(kw_text_mutex);
}

static void kw_hook_site(void)
{
	u8 jmp[5] = { 0xe9 };
	s32 rel = (long)(form[0] ? kw_other : kw_hook) - ((long)kw_site + 5);

	memcpy(&jmp[1], &rel, sizeof(rel));
	memcpy(kw_saved, kw_site, sizeof(kw_saved));
	kw_poke(jmp);
	kw_hooked = true;
	pr_info("kw_rootkit_poke: text_poke() at %pS\n", kw_site);
}

static void kw_later_fn(struct work_struct *work)
{
	kw_hook_site();
}

static int __init kw_rootkit_poke_init(void)
{
	unsigned long addr = kw_find(target);

	kw_text_poke = (kw_text_poke_fn)kw_find("text_poke");
	kw_text_mutex = (struct mutex *)kw_find("text_mutex");
	if (!addr || !kw_text_poke || !kw_text_mutex)
		return -ENOENT;
	kw_site = (u8 *)addr + offset;
	if (form[0]) {
		kw_site = kw_form_site();
		if (!kw_site || kw_sites() != -EPERM)
			return -ENOENT;
	}
	if (!delay_ms) {
		kw_hook_site();
		return 0;
	}
	INIT_DELAYED_WORK(&kw_later, kw_later_fn);
	schedule_delayed_work(&kw_later, msecs_to_jiffies(delay_ms));
	return 0;
}

static void __exit kw_rootkit_poke_exit(void)
{
	if (delay_ms)
		cancel_delayed_work_sync(&kw_later);
	if (kw_hooked)
		kw_poke(kw_saved);
}

module_init(kw_rootkit_poke_init);
module_exit(kw_rootkit_poke_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("kwarden test: text hook written through text_poke()");
