/* SPDX-License-Identifier: GPL-2.0 */
/*
 * boot.c: boot health and crash-loop quarantine; a subscriber
 * remembering the modules each boot loaded.
 */
#ifndef KWD_BOOT_H
#define KWD_BOOT_H

#include <stdbool.h>
#include <stddef.h>
#include <json-c/json.h>
#include "sink.h"

int kwd_boot_init(struct kwd *d);
void kwd_boot_start(struct kwd *d);	/* before the policy is pushed */
extern const struct kwd_subscriber kwd_boot_subscriber;
void kwd_boot_tick(struct kwd *d);
json_object *kwd_boot_status(struct kwd *d);
void kwd_boot_stop(struct kwd *d);
/* The boot before this one: id ("" if none) and whether it was unhealthy */
void kwd_boot_previous(struct kwd *d, char *id, size_t len, bool *unhealthy);
/* The newest earlier boot that became healthy: {"id", "modules": [...]} */
json_object *kwd_boot_last_healthy(struct kwd *d);

#endif /* KWD_BOOT_H */
