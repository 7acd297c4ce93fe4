/* SPDX-License-Identifier: GPL-2.0 */
/*
 * modinfo.c: a module as /proc, sysfs, the disk and the journal show it.
 */
#ifndef KWD_MODINFO_H
#define KWD_MODINFO_H

#include <stdbool.h>
#include <json-c/json.h>

struct kwd;

json_object *kwd_module_facts(struct kwd *d, const char *name);
json_object *kwd_modules(struct kwd *d);
bool kwd_module_loaded(const char *name);

#endif /* KWD_MODINFO_H */
