/* SPDX-License-Identifier: GPL-2.0 */
/*
 * danger.c: dangerous_interfaces, see bpf/danger.bpf.c.
 */
#ifndef KWD_DANGER_H
#define KWD_DANGER_H

#include <stdbool.h>
#include <stdint.h>
#include <json-c/json.h>

struct kwd;

int kwd_danger_init(struct kwd *d);
void kwd_danger_configure(struct kwd *d, int conf_fd);
json_object *kwd_danger_status(struct kwd *d);
void kwd_danger_contained_sync(struct kwd *d);
bool kwd_danger_contained_guards(struct kwd *d, const char *name);

#endif /* KWD_DANGER_H */
