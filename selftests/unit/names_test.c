// SPDX-License-Identifier: GPL-2.0
/*
 * Name tables against the X-macros of kwarden.h: every kind, action and
 * severity has exactly the name the ABI header spells, both ways.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "harness.h"
#include "names.h"

struct expect_kind {
	const char *name;
	unsigned int kind;
	enum kw_severity sev;
	unsigned int ocsf;
};

#define KW_EXPECT(n, s, o) { #n, KW_KIND_##n, s, o },
static const struct expect_kind expected[] = { KW_KINDS(KW_EXPECT) };
#undef KW_EXPECT

#define KW_EXPECT_ACTION(n) { #n, KW_ACTION_##n },
static const struct { const char *name; unsigned int action; } actions[] = {
	KW_ACTIONS(KW_EXPECT_ACTION)
};
#undef KW_EXPECT_ACTION

static int snake_case(const char *s)
{
	if (!*s || *s == '_')
		return 0;
	for (; *s; s++)
		if (!islower((unsigned char)*s) && *s != '_')
			return 0;
	return 1;
}

TEST(kinds_round_trip)
{
	size_t i;

	ASSERT_EQ((size_t)KW_KIND_MAX, ARRAY_SIZE(expected));
	for (i = 0; i < KW_KIND_MAX; i++) {
		EXPECT_EQ(i, expected[i].kind);
		EXPECT_STREQ(expected[i].name, kw_kind_name(expected[i].kind));
		EXPECT_EQ((int)i, kw_kind_from_name(expected[i].name));
		EXPECT_EQ(expected[i].sev, kw_kind_severity(i));
		EXPECT_EQ(expected[i].ocsf, kw_kind_ocsf_class(i));
		EXPECT_TRUE(snake_case(kw_kind_name(i)));
	}
}

TEST(kinds_unique_and_bounded)
{
	size_t i, j;

	for (i = 0; i < KW_KIND_MAX; i++)
		for (j = i + 1; j < KW_KIND_MAX; j++)
			EXPECT_STRNE(kw_kind_name(i), kw_kind_name(j));
	EXPECT_NULL(kw_kind_name(KW_KIND_MAX));
	EXPECT_NULL(kw_kind_name(~0U));
	EXPECT_EQ(-1, kw_kind_from_name("Module_Load"));
	EXPECT_EQ(-1, kw_kind_from_name("module_load "));
	EXPECT_EQ(-1, kw_kind_from_name(""));
	EXPECT_EQ(-1, kw_kind_from_name(NULL));
}

/* journald MESSAGE_IDs: stable (docs/alerts.md lists them), one per kind */
TEST(kinds_message_ids)
{
	char a[KW_MESSAGE_ID_LEN], b[KW_MESSAGE_ID_LEN];
	size_t i, j;

	EXPECT_STREQ("eba922320d4e4411a42a8846a7030009",
		     kw_kind_message_id(KW_KIND_module_load, a));
	EXPECT_STREQ("eba922320d4e4411a42a8846a7030013",
		     kw_kind_message_id(KW_KIND_tamper_attempt, a));
	for (i = 0; i < KW_KIND_MAX; i++) {
		ASSERT_NE(NULL, kw_kind_message_id(i, a));
		EXPECT_EQ(32U, strlen(a));
		EXPECT_EQ(32U, strspn(a, "0123456789abcdef"));
		for (j = i + 1; j < KW_KIND_MAX; j++)
			EXPECT_STRNE(a, kw_kind_message_id(j, b));
	}
	EXPECT_NULL(kw_kind_message_id(KW_KIND_MAX, a));
	EXPECT_NULL(kw_kind_message_id(~0U, a));
}

/* The starting vocabulary of DESIGN.md is all there, spelled the same */
TEST(design_vocabulary)
{
	static const char *const vocab[] = {
		"kernel_text_modified", "kernel_rodata_modified",
		"ro_after_init_modified", "syscall_table_modified",
		"idt_modified", "msr_modified", "cpu_protection_disabled",
		"module_text_modified", "module_hidden", "module_load",
		"module_load_denied", "ftrace_hook", "kprobe_hook",
		"seq_ops_hook", "fops_hook", "module_fault",
		"module_fault_budget_exceeded", "module_disabled",
		"module_quarantined", "tamper_attempt", "dangerous_interface",
		"policy_applied", "policy_rolled_back", "safe_mode",
		"events_lost", "kwarden_degraded", "livepatch_applied",
		"livepatch_reverted",
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(vocab); i++)
		EXPECT_LE(0, kw_kind_from_name(vocab[i])) TH_LOG("entry %zu", i);
}

TEST(actions_round_trip)
{
	size_t i;

	ASSERT_EQ((size_t)KW_ACTION_MAX, ARRAY_SIZE(actions));
	for (i = 0; i < KW_ACTION_MAX; i++) {
		EXPECT_STREQ(actions[i].name, kw_action_name(actions[i].action));
		EXPECT_EQ((int)actions[i].action,
			  kw_action_from_name(actions[i].name));
	}
	EXPECT_NULL(kw_action_name(KW_ACTION_MAX));
	EXPECT_EQ(-1, kw_action_from_name("ignored"));
}

TEST(severities_are_syslog_names)
{
	static const char *const names[] = {
		"emerg", "alert", "crit", "err", "warning", "notice", "info",
		"debug",
	};
	size_t i;

	for (i = 0; i < 8; i++) {
		EXPECT_STREQ(names[i], kw_severity_name(i));
		EXPECT_EQ((int)i, kw_severity_from_name(names[i]));
		EXPECT_LE(1U, kw_ocsf_severity_id(i));
		EXPECT_GE(6U, kw_ocsf_severity_id(i));
	}
	EXPECT_NULL(kw_severity_name(8));
	EXPECT_EQ(-1, kw_severity_from_name("error"));
	/* more severe never maps to a lower OCSF severity */
	for (i = 1; i < 8; i++)
		EXPECT_GE(kw_ocsf_severity_id(i - 1), kw_ocsf_severity_id(i));
}

TEST(ocsf_classes)
{
	size_t i;
	unsigned int cls;

	for (i = 0; i < KW_KIND_MAX; i++) {
		cls = kw_kind_ocsf_class(i);
		EXPECT_TRUE(cls == 1002 || cls == 1004 || cls == 2004 ||
			    cls == 7001);
		EXPECT_STRNE("Other", kw_ocsf_class_name(cls));
		EXPECT_EQ(cls / 1000, kw_ocsf_category(cls));
	}
	EXPECT_STREQ("Kernel Extension Activity", kw_ocsf_class_name(1002));
	EXPECT_STREQ("Memory Activity", kw_ocsf_class_name(1004));
	EXPECT_STREQ("Detection Finding", kw_ocsf_class_name(2004));
	EXPECT_STREQ("Remediation Activity", kw_ocsf_class_name(7001));
}

TEST(via_names)
{
	EXPECT_STREQ("finit_module", kw_via_name(KW_VIA_FINIT_MODULE));
	EXPECT_STREQ("init_module", kw_via_name(KW_VIA_INIT_MODULE));
	EXPECT_STREQ("request_module", kw_via_name(KW_VIA_REQUEST));
	EXPECT_STREQ("unknown", kw_via_name(KW_VIA_UNKNOWN));
	EXPECT_STREQ("unknown", kw_via_name(99));
}

#define KW_EXPECT_OP(n) { #n, KW_OP_##n },
static const struct { const char *name; unsigned int op; } ops[] = {
	KW_TAMPER_OPS(KW_EXPECT_OP)
};
#undef KW_EXPECT_OP

TEST(tamper_ops_round_trip)
{
	size_t i;

	ASSERT_EQ((size_t)KW_OP_MAX - 1, ARRAY_SIZE(ops));
	EXPECT_STREQ("none", kw_tamper_op_name(KW_OP_none));
	for (i = 0; i < ARRAY_SIZE(ops); i++) {
		EXPECT_EQ(i + 1, ops[i].op);
		EXPECT_STREQ(ops[i].name, kw_tamper_op_name(ops[i].op));
		EXPECT_EQ((int)ops[i].op, kw_tamper_op_from_name(ops[i].name));
		EXPECT_TRUE(snake_case(ops[i].name));
	}
	EXPECT_NULL(kw_tamper_op_name(KW_OP_MAX));
	EXPECT_EQ(-1, kw_tamper_op_from_name("kill"));
}

TEST(guard_classes_and_signals)
{
	unsigned int i;

	for (i = 0; i < KW_GUARD_CLASS_MAX; i++) {
		EXPECT_NE(NULL, kw_guard_class_name(i));
		EXPECT_TRUE(snake_case(kw_guard_class_name(i)));
	}
	EXPECT_STREQ("pins", kw_guard_class_name(KW_GUARD_PINS | KW_GUARD_DIR |
						 KW_GUARD_ENTRY));
	EXPECT_NULL(kw_guard_class_name(KW_GUARD_CLASS_MAX));
	EXPECT_STREQ("SIGKILL", kw_signal_name(9));
	EXPECT_STREQ("SIGTERM", kw_signal_name(15));
	EXPECT_STREQ("SIGSTOP", kw_signal_name(19));
	EXPECT_NULL(kw_signal_name(0));
	EXPECT_NULL(kw_signal_name(64));
}

/* docs/alerts.md names every kind, in backticks, as the code spells it */
TEST(docs_list_every_kind)
{
	char path[512], name[64], *text;
	const char *slash = strrchr(__FILE__, '/');
	size_t i, n;
	FILE *f;

	/* __FILE__ is relative to the top of the tree, two levels up */
	snprintf(path, sizeof(path), "%.*s/../../docs/alerts.md",
		 slash ? (int)(slash - __FILE__) : 1, slash ? __FILE__ : ".");
	f = fopen(path, "r");
	if (!f)
		SKIP(return, "%s not found from here", path);
	text = calloc(1, 1 << 16);
	ASSERT_NE(NULL, text);
	n = fread(text, 1, (1 << 16) - 1, f);
	fclose(f);
	ASSERT_LT(0U, n);
	for (i = 0; i < KW_KIND_MAX; i++) {
		snprintf(name, sizeof(name), "`%s`", kw_kind_name(i));
		EXPECT_NE(NULL, strstr(text, name)) TH_LOG("%s", name);
	}
	free(text);
}

TEST_HARNESS_MAIN
