/* SPDX-License-Identifier: GPL-2.0 */
/*
 * modlist.c: the facts the module-load policy sees of every module loaded
 * now, for `modules` with "loaded" (kwardenctl policy check and learn).
 */
#ifndef KWD_MODLIST_H
#define KWD_MODLIST_H

#include <json-c/json.h>

struct kwd;

/* {"facts": "kwarden.ko" or "/proc/modules", "modules": [...]} */
json_object *kwd_modlist(struct kwd *d);

#endif /* KWD_MODLIST_H */
