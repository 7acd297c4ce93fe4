// SPDX-License-Identifier: GPL-2.0
/*
 * kwarden - safe mode and the kill switch
 *
 * kwarden.disable=1 on the kernel command line keeps kwarden.ko from
 * loading at all.  kwarden.safe_mode=1 there, or safe_mode=1 as a module
 * parameter, brings kwarden up observe-only: it verifies and alerts but
 * changes nothing (no restore), and says so with a safe_mode alert and in
 * its status; kwardend's safe_mode = yes turns it on at run time through
 * the parameter.  Loadable modules do not get "kwarden.*" kernel parameters
 * from every loader, so the command line is read here as well.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/moduleparam.h>
#include <linux/string.h>

#include "kwarden.h"

static bool safe_mode;
static bool kw_mode_live;	/* announced: later switches announce too */

/*
 * One way only: kwardend turns safe mode on when its configuration says
 * so; leaving it takes a reload. The guard protects the file.
 */
static int kw_safe_mode_set(const char *val, const struct kernel_param *kp)
{
	bool on;
	int err = kstrtobool(val, &on);

	if (err)
		return err;
	if (!on)
		return READ_ONCE(safe_mode) ? -EPERM : 0;
	if (READ_ONCE(safe_mode))
		return 0;
	WRITE_ONCE(safe_mode, true);
	if (READ_ONCE(kw_mode_live))
		kw_mode_announce();
	return 0;
}

static const struct kernel_param_ops kw_safe_mode_ops = {
	.set = kw_safe_mode_set,
	.get = param_get_bool,
};

module_param_cb(safe_mode, &kw_safe_mode_ops, &safe_mode, 0600);
MODULE_PARM_DESC(safe_mode, "Observe only: alert, never change anything (also kwarden.safe_mode=1; can be turned on at run time, not off)");

/* Whether @opt ("kwarden.disable=1") is a word of the kernel command line */
bool kw_cmdline_has(const char *opt)
{
	char **cmdline = (char **)kw_lookup_name("saved_command_line");
	const char *p;
	size_t len = strlen(opt);

	if (!cmdline || !*cmdline)
		return false;
	for (p = *cmdline; (p = strstr(p, opt)); p += len)
		if ((p == *cmdline || p[-1] == ' ') &&
		    (p[len] == ' ' || p[len] == '\0'))
			return true;
	return false;
}

bool kw_safe_mode(void)
{
	return READ_ONCE(safe_mode);
}

/* -EPERM when kwarden must not load; call after kw_symbols_init(). */
int kw_mode_init(void)
{
	if (kw_cmdline_has("kwarden.disable=1")) {
		pr_warn("disabled by kwarden.disable=1, not loading\n");
		return -EPERM;
	}
	if (kw_cmdline_has("kwarden.safe_mode=1"))
		safe_mode = true;
	return 0;
}

/* Say it loudly once everything is up. */
void kw_mode_announce(void)
{
	struct kw_alert a = {
		.kind = KW_KIND_safe_mode,
		.action = KW_ACTION_logged,
		.slot = -1,
	};

	WRITE_ONCE(kw_mode_live, true);
	if (!READ_ONCE(safe_mode))
		return;
	pr_warn("safe mode: observing only, nothing will be changed\n");
	strscpy(a.region, "kwarden", sizeof(a.region));
	strscpy(a.symbol, "safe_mode", sizeof(a.symbol));
	kw_alert_raise(&a);
}
