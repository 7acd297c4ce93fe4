// SPDX-License-Identifier: GPL-2.0
/*
 * Logging: to journald with structured fields when systemd runs us,
 * otherwise one line per message on stderr; to syslog(3) when asked.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <syslog.h>
#ifdef HAVE_LIBSYSTEMD
#include <systemd/sd-journal.h>
#endif
#include "kwd.h"
#include "log.h"
#include "names.h"

static bool use_journald;
static bool use_syslog;

void kwd_log_init(bool syslog_too)
{
#ifdef HAVE_LIBSYSTEMD
	/* stderr of a systemd service already goes to the journal */
	use_journald = getenv("JOURNAL_STREAM") != NULL;
#endif
	use_syslog = syslog_too;
	if (use_syslog)
		openlog("kwardend", LOG_PID | LOG_NDELAY, LOG_DAEMON);
}

static void emit(int prio, const char *msg)
{
#ifdef HAVE_LIBSYSTEMD
	if (use_journald)
		sd_journal_send("MESSAGE=%s", msg, "PRIORITY=%d", prio,
				"SYSLOG_IDENTIFIER=kwardend", NULL);
	else
#endif
		fprintf(stderr, "kwardend: %s: %s\n", kw_severity_name(prio),
			msg);
	if (use_syslog)
		syslog(prio, "%s", msg);
}

void kwd_log(int prio, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	emit(prio, msg);
}

/* One alert: message for people, kind/seq/module for machines */
void kwd_log_alert(json_object *rec, unsigned int severity)
{
	const char *kind = kw_rec_str(rec, "kind");
	const char *module = kw_rec_str(rec, "module");
	const char *msg = kw_rec_str(rec, "message");
	uint64_t seq = kw_rec_u64(rec, "seq");
#ifdef HAVE_LIBSYSTEMD
	char id[KW_MESSAGE_ID_LEN];
	/* an unknown kind (-1) never reaches here: kw_alert_json refuses it */
	const char *mid = kw_kind_message_id((unsigned int)kw_kind_from_name(kind),
					     id);

	if (use_journald)
		sd_journal_send("MESSAGE=%s", msg, "PRIORITY=%u", severity,
				"MESSAGE_ID=%s", mid ? mid : "",
				"SYSLOG_IDENTIFIER=kwardend",
				"KWARDEN_KIND=%s", kind,
				"KWARDEN_SEQ=%llu", (unsigned long long)seq,
				"KWARDEN_MODULE=%s", module ? module : "",
				"KWARDEN_ACTION=%s", kw_rec_str(rec, "action"),
				"KWARDEN_ALERT=%s",
				json_object_to_json_string_ext(rec,
					JSON_C_TO_STRING_PLAIN), NULL);
	else
#endif
		fprintf(stderr, "kwardend: alert %s seq=%llu kind=%s module=%s action=%s: %s\n",
			kw_severity_name(severity), (unsigned long long)seq,
			kind, module ? module : "-",
			kw_rec_str(rec, "action"), msg);
	if (use_syslog)
		syslog((int)severity, "%s [kind=%s seq=%llu module=%s]", msg,
		       kind, (unsigned long long)seq, module ? module : "-");
}
