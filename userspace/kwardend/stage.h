/* SPDX-License-Identifier: GPL-2.0 */
/*
 * stage.c: staged policy, audit first, promotion, rollback; a
 * subscriber counting would_deny and denials.
 */
#ifndef KWD_STAGE_H
#define KWD_STAGE_H

#include <stdbool.h>
#include <stdint.h>
#include <json-c/json.h>
#include <stddef.h>
#include "sink.h"

struct kwd;
struct kw_policy;

int kwd_stage_init(struct kwd *d);
void kwd_stage_start(struct kwd *d);	/* after boot and policy start */
unsigned int kwd_stage_mode(struct kwd *d, unsigned int file_mode);
/* for the next kwd_stage_new() */
void kwd_stage_skip_audit(struct kwd *d, bool now);
int kwd_stage_new(struct kwd *d, const char *buf, size_t len,
		  const struct kw_policy *p, const char *origin, char *err,
		  size_t errlen);
extern const struct kwd_subscriber kwd_stage_subscriber;
void kwd_stage_tick(struct kwd *d);
json_object *kwd_stage_status(struct kwd *d);
json_object *kwd_stage_history(struct kwd *d);
/* version 0: the previous one; NULL + err when it cannot */
json_object *kwd_stage_rollback(struct kwd *d, unsigned int ver,
				bool automatic, const char *why, char *err,
				size_t errlen);

#endif /* KWD_STAGE_H */
