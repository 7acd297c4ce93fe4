// SPDX-License-Identifier: GPL-2.0
/*
 * kwarden - holding itself in memory while the guard is locked
 *
 * The BPF guard reads delete_module()'s name argument before the kernel
 * copies it, so a task that rewrites the name in between could unload
 * kwarden.ko. While "pinned" is set, kwarden.ko holds a reference on
 * itself: a plain delete_module() then fails with EWOULDBLOCK whatever
 * name the guard saw, and a forced one (O_TRUNC) is refused by the guard
 * for every module. kwardend sets pinned when it locks and clears it when
 * an admin unlocks; the guard protects the parameter file.
 */
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>

#include "kwarden.h"

static bool kw_pinned;
static DEFINE_MUTEX(kw_pin_lock);

static int kw_pin_set(const char *val, const struct kernel_param *kp)
{
	bool on;
	int err = kstrtobool(val, &on);

	if (err)
		return err;
	mutex_lock(&kw_pin_lock);
	if (on && !kw_pinned)
		__module_get(THIS_MODULE);
	else if (!on && kw_pinned)
		module_put(THIS_MODULE);
	kw_pinned = on;
	mutex_unlock(&kw_pin_lock);
	return 0;
}

static int kw_pin_get(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%c\n", READ_ONCE(kw_pinned) ? 'Y' : 'N');
}

static const struct kernel_param_ops kw_pin_ops = {
	.set = kw_pin_set,
	.get = kw_pin_get,
};

module_param_cb(pinned, &kw_pin_ops, NULL, 0600);
MODULE_PARM_DESC(pinned, "Hold a reference on kwarden.ko so that it cannot be unloaded (set by kwardend while locked)");
