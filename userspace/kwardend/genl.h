/* SPDX-License-Identifier: GPL-2.0 */
/*
 * genl.c: the generic netlink link to kwarden.ko: its alerts (a source)
 * and the requests made to it.
 */
#ifndef KWD_GENL_H
#define KWD_GENL_H

#include <stdbool.h>
#include <stdint.h>
#include <json-c/json.h>
#include <stddef.h>

struct kwd;
struct nl_msg;
struct nlattr;
struct kw_policy;
struct kw_block;
struct kw_kmod_alert;

typedef void kwd_kmod_done_fn(struct kwd *d, void *ctx, json_object *st,
			      const char *error);
typedef int kwd_genl_put_fn(struct nl_msg *msg, const void *arg);

int kwd_genl_init(struct kwd *d);
int kwd_genl_start(struct kwd *d);
void kwd_genl_stop(struct kwd *d);
void kwd_genl_tick(struct kwd *d);
bool kwd_genl_present(struct kwd *d);
int kwd_genl_request(struct kwd *d, int cmd, kwd_kmod_done_fn *done,
		     void *ctx);
int kwd_genl_request_put(struct kwd *d, int cmd, kwd_genl_put_fn *put,
			 const void *arg, size_t hint, kwd_kmod_done_fn *done,
			 void *ctx);
int kwd_genl_push(struct kwd *d, const struct kw_policy *p,
		  const struct kw_block *blocks, size_t n, uint64_t gen,
		  kwd_kmod_done_fn *done, void *ctx);
void kwd_genl_cancel(struct kwd *d, void *ctx);
json_object *kwd_genl_counters(struct kwd *d);	/* NULL: no socket */
void kwd_genl_read_module_parts(struct nlattr **tb, struct kw_kmod_alert *k);

#endif /* KWD_GENL_H */
