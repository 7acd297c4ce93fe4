// SPDX-License-Identifier: GPL-2.0
/*
 * Name tables generated from the KW_KINDS and KW_ACTIONS X-macros, plus
 * the syslog severity names and the OCSF class metadata.
 */
#include <stdio.h>
#include <string.h>
#include "names.h"
#include "compiler.h"

struct kind_info {
	const char *name;
	enum kw_severity severity;
	unsigned int ocsf_class;
};

/* checkpatch calls X-macro entries "complex macros", as in kwarden.h */
#define KW_KIND_INFO(name, sev, ocsf) { #name, sev, ocsf },
static const struct kind_info kinds[KW_KIND_MAX] = {
	KW_KINDS(KW_KIND_INFO)
};
#undef KW_KIND_INFO

#define KW_ACTION_NAME(name) #name,
static const char *const actions[KW_ACTION_MAX] = {
	KW_ACTIONS(KW_ACTION_NAME)
};
#undef KW_ACTION_NAME

/* RFC 5424 / syslog(3) keywords, in enum kw_severity order */
static const char *const severities[] = {
	[KW_SEV_EMERG]	 = "emerg",
	[KW_SEV_ALERT]	 = "alert",
	[KW_SEV_CRIT]	 = "crit",
	[KW_SEV_ERR]	 = "err",
	[KW_SEV_WARNING] = "warning",
	[KW_SEV_NOTICE]	 = "notice",
	[KW_SEV_INFO]	 = "info",
	[KW_SEV_DEBUG]	 = "debug",
};

/* In enum kw_tamper_op order: KW_OP_none, then the list */
#define KW_TAMPER_OP_NAME(name) #name,
static const char *const tamper_ops[KW_OP_MAX] = {
	"none",
	KW_TAMPER_OPS(KW_TAMPER_OP_NAME)
};
#undef KW_TAMPER_OP_NAME

static const char *const guard_classes[KW_GUARD_CLASS_MAX] = {
	[KW_GUARD_NONE]		= "none",
	[KW_GUARD_CONFIG]	= "config",
	[KW_GUARD_JOURNAL]	= "journal",
	[KW_GUARD_RUNTIME]	= "runtime",
	[KW_GUARD_PINS]		= "pins",
	[KW_GUARD_DAEMON]	= "daemon",
	[KW_GUARD_TRACING]	= "tracing",
	[KW_GUARD_MOUNT]	= "mount",
	[KW_GUARD_KMOD]		= "kmod",
};

/* x86 numbering, the only architecture kwarden's BPF side supports */
static const char *const signals[] = {
	[1] = "SIGHUP", [2] = "SIGINT", [3] = "SIGQUIT", [4] = "SIGILL",
	[5] = "SIGTRAP", [6] = "SIGABRT", [7] = "SIGBUS", [8] = "SIGFPE",
	[9] = "SIGKILL", [10] = "SIGUSR1", [11] = "SIGSEGV", [12] = "SIGUSR2",
	[13] = "SIGPIPE", [14] = "SIGALRM", [15] = "SIGTERM",
	[16] = "SIGSTKFLT", [17] = "SIGCHLD", [18] = "SIGCONT",
	[19] = "SIGSTOP", [20] = "SIGTSTP", [21] = "SIGTTIN", [22] = "SIGTTOU",
	[23] = "SIGURG", [24] = "SIGXCPU", [25] = "SIGXFSZ",
	[26] = "SIGVTALRM", [27] = "SIGPROF", [28] = "SIGWINCH", [29] = "SIGIO",
	[30] = "SIGPWR", [31] = "SIGSYS",
};

static const char *const vias[] = {
	[KW_VIA_UNKNOWN]	= "unknown",
	[KW_VIA_FINIT_MODULE]	= "finit_module",
	[KW_VIA_INIT_MODULE]	= "init_module",
	[KW_VIA_REQUEST]	= "request_module",
};

/* OCSF 1.x: Severity ID (1 informational ... 6 fatal) per syslog level */
static const unsigned char ocsf_severity[] = {
	[KW_SEV_EMERG]	 = 6,
	[KW_SEV_ALERT]	 = 5,
	[KW_SEV_CRIT]	 = 5,
	[KW_SEV_ERR]	 = 4,
	[KW_SEV_WARNING] = 3,
	[KW_SEV_NOTICE]	 = 2,
	[KW_SEV_INFO]	 = 1,
	[KW_SEV_DEBUG]	 = 1,
};

static const struct {
	unsigned int uid;
	const char *name;
} ocsf_classes[] = {
	{ 1002, "Kernel Extension Activity" },
	{ 1004, "Memory Activity" },
	{ 2004, "Detection Finding" },
	{ 7001, "Remediation Activity" },
};

static int lookup(const char *const *table, size_t n, const char *name)
{
	size_t i;

	if (!name)
		return -1;
	for (i = 0; i < n; i++)
		if (table[i] && !strcmp(table[i], name))
			return (int)i;
	return -1;
}

const char *kw_kind_name(unsigned int kind)
{
	return kind < KW_KIND_MAX ? kinds[kind].name : NULL;
}

int kw_kind_from_name(const char *name)
{
	unsigned int i;

	for (i = 0; name && i < KW_KIND_MAX; i++)
		if (!strcmp(kinds[i].name, name))
			return (int)i;
	return -1;
}

enum kw_severity kw_kind_severity(unsigned int kind)
{
	return kind < KW_KIND_MAX ? kinds[kind].severity : KW_SEV_ERR;
}

unsigned int kw_kind_ocsf_class(unsigned int kind)
{
	return kind < KW_KIND_MAX ? kinds[kind].ocsf_class : 2004;
}

/*
 * journald's MESSAGE_ID of an alert kind: a fixed 112-bit prefix, then the
 * kind's number (ABI, append only) in the last 16 bits, so an ID never
 * changes and a new kind gets a new one. docs/alerts.md lists them.
 */
#define KW_MESSAGE_ID_PREFIX "eba922320d4e4411a42a8846a703"

const char *kw_kind_message_id(unsigned int kind, char buf[KW_MESSAGE_ID_LEN])
{
	if (kind >= KW_KIND_MAX)
		return NULL;
	snprintf(buf, KW_MESSAGE_ID_LEN, "%s%04x", KW_MESSAGE_ID_PREFIX,
		 kind);
	return buf;
}

const char *kw_severity_name(unsigned int sev)
{
	return sev < ARRAY_SIZE(severities) ? severities[sev] : NULL;
}

int kw_severity_from_name(const char *name)
{
	return lookup(severities, ARRAY_SIZE(severities), name);
}

const char *kw_action_name(unsigned int action)
{
	return action < KW_ACTION_MAX ? actions[action] : NULL;
}

int kw_action_from_name(const char *name)
{
	return lookup(actions, KW_ACTION_MAX, name);
}

const char *kw_via_name(unsigned int via)
{
	return via < ARRAY_SIZE(vias) ? vias[via] : vias[KW_VIA_UNKNOWN];
}

static const char *const pol_modes[] = {
	[KW_POL_OFF] = "off",
	[KW_POL_AUDIT] = "audit",
	[KW_POL_ENFORCE] = "enforce",
};

static const char *const rule_actions[] = {
	[KW_RULE_ALLOW] = "allow",
	[KW_RULE_DENY] = "deny",
	[KW_RULE_BLOCK] = "block",
};

static const char *const verdicts[] = {
	[KW_VERDICT_NONE] = "none",
	[KW_VERDICT_ALLOWED] = "allowed",
	[KW_VERDICT_WOULD_DENY] = "would_deny",
	[KW_VERDICT_DENIED] = "denied",
};

static const char *const faults[] = {
	[KW_FAULT_NONE] = "none",
	[KW_FAULT_WARNING] = "warning",
	[KW_FAULT_BUG] = "bug",
	[KW_FAULT_OOPS] = "oops",
};

static const char *pick(const char *const *names, size_t n, unsigned int v)
{
	return v < n ? names[v] : NULL;
}

const char *kw_pol_mode_name(unsigned int mode)
{
	return pick(pol_modes, ARRAY_SIZE(pol_modes), mode);
}

int kw_pol_mode_from_name(const char *name)
{
	return lookup(pol_modes, ARRAY_SIZE(pol_modes), name);
}

const char *kw_rule_action_name(unsigned int action)
{
	return pick(rule_actions, ARRAY_SIZE(rule_actions), action);
}

int kw_rule_action_from_name(const char *name)
{
	return lookup(rule_actions, ARRAY_SIZE(rule_actions), name);
}

const char *kw_verdict_name(unsigned int verdict)
{
	return pick(verdicts, ARRAY_SIZE(verdicts), verdict);
}

const char *kw_fault_name(unsigned int fault)
{
	return pick(faults, ARRAY_SIZE(faults), fault);
}

const char *kw_ocsf_class_name(unsigned int class_uid)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(ocsf_classes); i++)
		if (ocsf_classes[i].uid == class_uid)
			return ocsf_classes[i].name;
	return "Other";
}

unsigned int kw_ocsf_category(unsigned int class_uid)
{
	return class_uid / 1000;
}

unsigned int kw_ocsf_severity_id(unsigned int sev)
{
	return sev < ARRAY_SIZE(ocsf_severity) ? ocsf_severity[sev] : 0;
}

const char *kw_tamper_op_name(unsigned int op)
{
	return op < KW_OP_MAX ? tamper_ops[op] : NULL;
}

int kw_tamper_op_from_name(const char *name)
{
	return lookup(tamper_ops, KW_OP_MAX, name);
}

const char *kw_guard_class_name(unsigned int cls)
{
	cls = KW_GUARD_CLASS(cls);
	return cls < KW_GUARD_CLASS_MAX ? guard_classes[cls] : NULL;
}

const char *kw_signal_name(unsigned int sig)
{
	return sig < ARRAY_SIZE(signals) ? signals[sig] : NULL;
}
