/* SPDX-License-Identifier: GPL-2.0 */
/*
 * log.c: the daemon's own log lines, to stderr, syslog or journald.
 */
#ifndef KWD_LOG_H
#define KWD_LOG_H

#include <stdbool.h>
#include <json-c/json.h>
#include "compiler.h"

void kwd_log_init(bool syslog);
__printf(2, 3)
void kwd_log(int prio, const char *fmt, ...);
void kwd_log_alert(json_object *rec, unsigned int severity);

#endif /* KWD_LOG_H */
