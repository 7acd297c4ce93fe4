/* SPDX-License-Identifier: GPL-2.0 */
/*
 * policy.c: the module-load policy, pushed to kwarden.ko (named so beside
 * the library's policy.h, the rules themselves).
 */
#ifndef KWD_MODULE_POLICY_H
#define KWD_MODULE_POLICY_H

#include <stdbool.h>
#include <stdint.h>
#include <json-c/json.h>
#include <stddef.h>
#include "genl.h"
#include "policy_store.h"

struct kwd;

int kwd_policy_init(struct kwd *d);
int kwd_policy_start(struct kwd *d);
void kwd_policy_stop(struct kwd *d);
void kwd_policy_connected(struct kwd *d);
int kwd_policy_push(struct kwd *d, kwd_kmod_done_fn *done, void *ctx);
json_object *kwd_policy_status(struct kwd *d);
void kwd_policy_acked(struct kwd *d, json_object *st);
/* reload (path NULL) or apply; error text in err, or done() later */
int kwd_policy_request(struct kwd *d, const char *path, char *err,
		       size_t errlen, kwd_kmod_done_fn *done, void *ctx);
bool kwd_bpf_dup_module_load(struct kwd *d);
void kwd_policy_restage(struct kwd *d);
int kwd_policy_install(struct kwd *d, const char *buf, size_t len, char *err,
		       size_t errlen, enum kw_stage *stage);

#endif /* KWD_MODULE_POLICY_H */
