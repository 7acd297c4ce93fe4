/* SPDX-License-Identifier: GPL-2.0 */
/*
 * status.c: the `status` answer, the mode, and kwarden_degraded alerts.
 */
#ifndef KWD_STATUS_H
#define KWD_STATUS_H

#include <json-c/json.h>

struct kwd;

json_object *kwd_status(struct kwd *d, json_object *kmod,
			const char *kmod_error);
const char *kwd_mode(struct kwd *d);
/* kwarden_degraded: raised by a source that can no longer see */
void kwd_degraded(struct kwd *d, const char *msg);
void kwd_degraded_detail(struct kwd *d, const char *msg, json_object *extra);

#endif /* KWD_STATUS_H */
