/* SPDX-License-Identifier: GPL-2.0 */
/*
 * flood.c: repeats of one attempt counted, not journalled one by one
 * (part of the pipeline, sink.c).
 */
#ifndef KWD_FLOOD_H
#define KWD_FLOOD_H

#include <stdbool.h>
#include <stdint.h>
#include <json-c/json.h>
#include "alert.h"

struct kwd;

int kwd_flood_start(struct kwd *d);
void kwd_flood_stop(struct kwd *d);
void kwd_flood_tick(struct kwd *d);
bool kwd_flood_hold(struct kwd *d, const struct kw_alert *a, json_object *rec);
uint64_t kwd_flood_held(struct kwd *d);

#endif /* KWD_FLOOD_H */
