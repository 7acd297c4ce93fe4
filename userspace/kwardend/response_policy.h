/* SPDX-License-Identifier: GPL-2.0 */
/*
 * response.c: the response policy of kwarden.conf, a subscriber whose
 * actions wait for the tick (named so beside the library's response.h,
 * the rules themselves).
 */
#ifndef KWD_RESPONSE_POLICY_H
#define KWD_RESPONSE_POLICY_H

#include "sink.h"

int kwd_response_init(struct kwd *d);
extern const struct kwd_subscriber kwd_response_subscriber;
void kwd_response_tick(struct kwd *d);
void kwd_response_start(struct kwd *d);

#endif /* KWD_RESPONSE_POLICY_H */
