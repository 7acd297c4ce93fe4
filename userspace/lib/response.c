// SPDX-License-Identifier: GPL-2.0
/*
 * Parsing the response policy of kwarden.conf, strictly: known kinds that
 * name a module, known actions, a bounded threshold.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "compiler.h"
#include "names.h"
#include "response.h"

static const char *const names[KW_RESP_MAX] = {
	[KW_RESP_LOG]		= "log",
	[KW_RESP_RESTORE]	= "restore",
	[KW_RESP_CONTAIN]	= "contain",
	[KW_RESP_DISABLE]	= "disable",
	[KW_RESP_QUARANTINE]	= "quarantine",
};

const char *kw_response_name(unsigned int r)
{
	return r < KW_RESP_MAX ? names[r] : NULL;
}

int kw_response_from_name(const char *name)
{
	unsigned int i;

	for (i = 0; i < KW_RESP_MAX; i++)
		if (!strcmp(name, names[i]))
			return (int)i;
	return -1;
}

/* Our own kinds, and those that name a task or nothing */
bool kw_response_kind_ok(unsigned int kind)
{
	switch (kind) {
	case KW_KIND_module_disabled:
	case KW_KIND_module_quarantined:
	case KW_KIND_tamper_attempt:
	case KW_KIND_dangerous_interface:
	case KW_KIND_policy_applied:
	case KW_KIND_policy_rolled_back:
	case KW_KIND_safe_mode:
	case KW_KIND_events_lost:
	case KW_KIND_kwarden_degraded:
	case KW_KIND_protection_unlocked:
	case KW_KIND_protection_locked:
		return false;
	default:
		return kind < KW_KIND_MAX;
	}
}

bool kw_restorable_kind(unsigned int kind)
{
	return kind == KW_KIND_kernel_rodata_modified ||
	       kind == KW_KIND_ro_after_init_modified ||
	       kind == KW_KIND_syscall_table_modified ||
	       kind == KW_KIND_idt_modified;
}

int kw_response_parse(const char *kind, const char *value,
		      struct kw_response_rule *rule, unsigned int *kind_out,
		      char *err, size_t errlen)
{
	char action[32], word[16], extra[2];
	unsigned long n = 1;
	int k, a, fields;
	char *end;
	char num[24];

	k = kw_kind_from_name(kind);
	if (k < 0) {
		snprintf(err, errlen, "response.%.64s: unknown kind", kind);
		return -EINVAL;
	}
	if (!kw_response_kind_ok((unsigned int)k)) {
		snprintf(err, errlen, "response.%s: this kind names no module to act on",
			 kind);
		return -EINVAL;
	}
	fields = sscanf(value, "%31s %15s %23s %1s", action, word, num, extra);
	a = fields >= 1 ? kw_response_from_name(action) : -1;
	if (a < 0) {
		snprintf(err, errlen, "response.%s: '%.64s' is not one of log, restore, contain, disable, quarantine",
			 kind, value);
		return -EINVAL;
	}
	if (fields == 2 || fields > 3 || (fields == 3 && strcmp(word, "after"))) {
		snprintf(err, errlen, "response.%s: expected 'ACTION' or 'ACTION after N', not '%.64s'",
			 kind, value);
		return -EINVAL;
	}
	if (fields == 3) {
		errno = 0;
		n = strtoul(num, &end, 10);
		if (errno || *end || num[0] == '-' || !n ||
		    n > KW_RESP_AFTER_MAX) {
			snprintf(err, errlen, "response.%s: after '%.24s' is not 1 to %d",
				 kind, num, KW_RESP_AFTER_MAX);
			return -EINVAL;
		}
	}
	if (a == KW_RESP_RESTORE && !kw_restorable_kind((unsigned int)k)) {
		snprintf(err, errlen, "response.%s: restore works for syscall_table_modified, kernel_rodata_modified, ro_after_init_modified and idt_modified only",
			 kind);
		return -EINVAL;
	}
	rule->action = (unsigned char)a;
	rule->after = (unsigned int)n;
	*kind_out = (unsigned int)k;
	return 0;
}
