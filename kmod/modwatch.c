// SPDX-License-Identifier: GPL-2.0
/*
 * kwarden - every module's text and read-only data, watched
 *
 * A module is baselined from a module notifier at MODULE_STATE_COMING that
 * runs after every other one (jump labels, static calls, kprobes), when
 * its text is already read-only and its alternatives and ftrace sites are
 * in place.  It is never re-baselined when it goes LIVE: a patch made from
 * its init function, to its own memory or anyone else's, is a change like
 * any other.  Modules loaded before kwarden, kwarden itself included, are
 * baselined when kwarden loads.  At MODULE_STATE_GOING the regions go.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/notifier.h>

#include "kwarden.h"

static struct list_head *kw_modules;
static struct mutex *kw_module_mutex;

static bool kw_mod_watched(const struct module *mod)
{
	struct kw_region *r;

	list_for_each_entry(r, kw_regions(), node)
		if (r->mod == mod)
			return true;
	return false;
}

static void kw_mod_add(struct module *mod, const char *name,
		       enum kw_kind kind, bool text)
{
	unsigned long start;
	size_t size;
	struct kw_region *r;

	kw_mod_range(mod, text, &start, &size);
	if (!size)
		return;
	r = kw_region_new(name, kind, start, start + size, text, mod);
	if (IS_ERR(r))
		pr_warn("cannot watch %s of %s: %ld\n", name,
			mod->name, PTR_ERR(r));
}

static void kw_mod_watch(struct module *mod)
{
	mutex_lock(&kw_region_lock);
	if (!kw_mod_watched(mod)) {
		kw_mod_add(mod, "module_text", KW_KIND_module_text_modified,
			   true);
		kw_mod_add(mod, "module_rodata", KW_KIND_module_rodata_modified,
			   false);
	}
	mutex_unlock(&kw_region_lock);
}

static void kw_mod_unwatch(struct module *mod)
{
	struct kw_region *r, *tmp;

	mutex_lock(&kw_region_lock);
	list_for_each_entry_safe(r, tmp, kw_regions(), node)
		if (r->mod == mod)
			kw_region_del(r);
	mutex_unlock(&kw_region_lock);
}

static int kw_mod_notify(struct notifier_block *nb, unsigned long state,
			 void *data)
{
	if (state == MODULE_STATE_COMING)
		kw_mod_watch(data);
	else if (state == MODULE_STATE_GOING)
		kw_mod_unwatch(data);
	return NOTIFY_OK;
}

static struct notifier_block kw_mod_nb = {
	.notifier_call = kw_mod_notify,
	.priority = INT_MIN,	/* after everyone who patches a module */
};

/* Modules already there, kwarden itself included. */
static void kw_mod_watch_loaded(void)
{
	struct module *mod;

	mutex_lock(kw_module_mutex);
	list_for_each_entry(mod, kw_modules, list)
		if (mod->state != MODULE_STATE_UNFORMED &&
		    mod->state != MODULE_STATE_GOING)
			kw_mod_watch(mod);
	mutex_unlock(kw_module_mutex);
}

int kw_modwatch_init(void)
{
	int err;

	kw_modules = (struct list_head *)kw_lookup_name("modules");
	kw_module_mutex = (struct mutex *)kw_lookup_name("module_mutex");
	if (!kw_modules || !kw_module_mutex)
		return -ENOENT;
	err = register_module_notifier(&kw_mod_nb);
	if (err)
		return err;
	kw_mod_watch_loaded();
	return 0;
}

void kw_modwatch_exit(void)
{
	unregister_module_notifier(&kw_mod_nb);
}
