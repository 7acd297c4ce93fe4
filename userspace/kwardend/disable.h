/* SPDX-License-Identifier: GPL-2.0 */
/*
 * disable.c: disable, quarantine, release; NULL + err when refused.
 */
#ifndef KWD_DISABLE_H
#define KWD_DISABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <json-c/json.h>

struct kwd;

struct kwd_act {
	const char *name;
	const char *reason;	/* given by the admin, or the response's */
	const char *origin;	/* "kwardenctl (pid N, comm)" or "response: KIND" */
	bool dry_run;
	bool automatic;		/* the response policy: in use -> contain */
	bool contain_only;	/* response "contain": never unload */
};

json_object *kwd_disable(struct kwd *d, const struct kwd_act *act, char *err,
			 size_t errlen);
json_object *kwd_quarantine(struct kwd *d, const struct kwd_act *act,
			    char *err, size_t errlen);
json_object *kwd_release(struct kwd *d, const struct kwd_act *act, char *err,
			 size_t errlen);
void kwd_blocks_start(struct kwd *d);
json_object *kwd_blocks_status(struct kwd *d);

#endif /* KWD_DISABLE_H */
