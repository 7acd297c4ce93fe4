// SPDX-License-Identifier: GPL-2.0
/*
 * Alert records: every field of the alert contract, with its type, for
 * every kind; and the records built from BPF events and kmod messages.
 */
#include <string.h>
#include "harness.h"
#include "alert.h"
#include "bpf_alert.h"
#include "kmod_alert.h"
#include "names.h"
#include "timefmt.h"

static json_object *field(json_object *o, const char *key)
{
	json_object *v = NULL;

	json_object_object_get_ex(o, key, &v);
	return v;
}

static int has_type(json_object *o, const char *key, enum json_type t)
{
	json_object *v;

	return json_object_object_get_ex(o, key, &v) &&
	       json_object_get_type(v) == t;
}

/* The alert contract: names, types, vocabularies */
static void check_shape(struct __test_metadata *_metadata, json_object *rec)
{
	json_object *ocsf = field(rec, "ocsf");
	uint64_t ns;

	ASSERT_TRUE(has_type(rec, "time", json_type_string));
	ASSERT_EQ(0, kw_time_parse(kw_rec_str(rec, "time"), &ns));
	EXPECT_EQ(27U, strlen(kw_rec_str(rec, "time")));
	EXPECT_EQ('Z', kw_rec_str(rec, "time")[26]);
	EXPECT_TRUE(has_type(rec, "seq", json_type_int));
	ASSERT_TRUE(has_type(rec, "kind", json_type_string));
	EXPECT_LE(0, kw_kind_from_name(kw_rec_str(rec, "kind")));
	ASSERT_TRUE(has_type(rec, "severity", json_type_string));
	EXPECT_LE(0, kw_severity_from_name(kw_rec_str(rec, "severity")));
	EXPECT_TRUE(has_type(rec, "module", json_type_string) ||
		    has_type(rec, "module", json_type_null));
	ASSERT_TRUE(has_type(rec, "action", json_type_string));
	EXPECT_LE(0, kw_action_from_name(kw_rec_str(rec, "action")));
	ASSERT_TRUE(has_type(rec, "message", json_type_string));
	EXPECT_EQ(NULL, strchr(kw_rec_str(rec, "message"), '\n'));
	ASSERT_TRUE(has_type(rec, "source", json_type_string));
	EXPECT_TRUE(has_type(rec, "detail", json_type_object));
	ASSERT_TRUE(has_type(rec, "ocsf", json_type_object));
	EXPECT_TRUE(has_type(ocsf, "class_uid", json_type_int));
	EXPECT_TRUE(has_type(ocsf, "class_name", json_type_string));
	EXPECT_TRUE(has_type(ocsf, "category_uid", json_type_int));
	EXPECT_TRUE(has_type(ocsf, "severity_id", json_type_int));
	EXPECT_TRUE(has_type(ocsf, "time", json_type_int));
	EXPECT_EQ(ns / 1000000, (uint64_t)json_object_get_int64(field(ocsf, "time")));
}

TEST(every_kind_has_the_contract_shape)
{
	unsigned int kind;

	for (kind = 0; kind < KW_KIND_MAX; kind++) {
		struct kw_alert a = {
			.time_ns = 1795703581123456789ULL, .kind = kind,
			.severity = kw_kind_severity(kind),
			.action = KW_ACTION_logged, .source = KW_SOURCE_KMOD,
			.message = "something happened",
		};
		json_object *rec = kw_alert_json(&a), *ocsf;

		ASSERT_NE(NULL, rec);
		check_shape(_metadata, rec);
		EXPECT_STREQ(kw_kind_name(kind), kw_rec_str(rec, "kind"));
		ocsf = field(rec, "ocsf");
		EXPECT_EQ(kw_kind_ocsf_class(kind),
			  (unsigned int)json_object_get_int(field(ocsf, "class_uid")));
		EXPECT_STREQ(kw_ocsf_class_name(kw_kind_ocsf_class(kind)),
			     kw_rec_str(ocsf, "class_name"));
		EXPECT_TRUE(json_object_is_type(field(rec, "module"),
						json_type_null));
		json_object_put(rec);
	}
}

TEST(field_order_and_values)
{
	struct kw_alert a = {
		.time_ns = 1795703581123456789ULL, .kind = KW_KIND_module_hidden,
		.severity = KW_SEV_CRIT, .action = KW_ACTION_contained,
		.module = "rootkit", .source = KW_SOURCE_KMOD,
		.message = "module hidden",
		.detail = json_object_new_object(),
	};
	json_object *rec = kw_alert_json(&a);
	const char *s;

	ASSERT_NE(NULL, rec);
	EXPECT_EQ(NULL, a.detail);	/* taken over */
	s = json_object_to_json_string_ext(rec, JSON_C_TO_STRING_PLAIN);
	EXPECT_STREQ("{\"time\":\"2026-11-26T14:33:01.123456Z\",\"seq\":0,\"kind\":\"module_hidden\",\"severity\":\"crit\",\"module\":\"rootkit\",\"action\":\"contained\",\"message\":\"module hidden\",\"source\":\"kmod\",\"detail\":{},\"ocsf\":{\"class_uid\":1002,\"class_name\":\"Kernel Extension Activity\",\"category_uid\":1,\"severity_id\":5,\"time\":1795703581123}}", s);
	json_object_put(rec);
}

TEST(bad_alerts_are_refused)
{
	struct kw_alert a = {
		.kind = KW_KIND_MAX, .severity = KW_SEV_INFO,
		.source = KW_SOURCE_BPF, .message = "x",
		.detail = json_object_new_object(),
	};

	EXPECT_EQ(NULL, kw_alert_json(&a));	/* and no leak of detail */
	a.kind = KW_KIND_module_load;
	a.severity = 8;
	EXPECT_EQ(NULL, kw_alert_json(&a));
	a.severity = KW_SEV_INFO;
	a.action = KW_ACTION_MAX;
	EXPECT_EQ(NULL, kw_alert_json(&a));
	a.action = KW_ACTION_logged;
	a.message = NULL;
	EXPECT_EQ(NULL, kw_alert_json(&a));
}

static void fill_event(struct kw_bpf_event *e)
{
	memset(e, 0, sizeof(*e));
	e->time_ns = 5 * NSEC_PER_SEC;
	e->kind = KW_KIND_module_load;
	e->action = KW_ACTION_logged;
	e->pid = 321;
	e->uid = 0;
	e->via = KW_VIA_FINIT_MODULE;
	e->taints = (1 << 12) | (1 << 13);	/* O, E */
	e->sig_ok = 0;
	snprintf(e->comm, sizeof(e->comm), "insmod");
	snprintf(e->name, sizeof(e->name), "kw_dummy");
	snprintf(e->path, sizeof(e->path), "/root/kw_dummy.ko");
}

TEST(module_load_from_bpf)
{
	struct kw_bpf_event e;
	struct kw_bpf_strs s;
	struct kw_alert a;
	json_object *rec, *d;

	fill_event(&e);
	ASSERT_EQ(0, kw_bpf_alert(&e, 1795703576LL * NSEC_PER_SEC, &a, &s));
	rec = kw_alert_json(&a);
	ASSERT_NE(NULL, rec);
	check_shape(_metadata, rec);
	EXPECT_STREQ("2026-11-26T14:33:01.000000Z", kw_rec_str(rec, "time"));
	EXPECT_STREQ("module_load", kw_rec_str(rec, "kind"));
	EXPECT_STREQ("info", kw_rec_str(rec, "severity"));
	EXPECT_STREQ("kw_dummy", kw_rec_str(rec, "module"));
	EXPECT_STREQ("bpf", kw_rec_str(rec, "source"));
	d = field(rec, "detail");
	EXPECT_STREQ("kw_dummy", kw_rec_str(d, "name"));
	EXPECT_STREQ("/root/kw_dummy.ko", kw_rec_str(d, "path"));
	EXPECT_STREQ("finit_module", kw_rec_str(d, "via"));
	EXPECT_EQ(12288, json_object_get_int(field(d, "taints")));
	EXPECT_STREQ("OE", kw_rec_str(d, "taint_flags"));
	EXPECT_FALSE(json_object_get_boolean(field(d, "sig_ok")));
	EXPECT_EQ(321, json_object_get_int(field(d, "pid")));
	EXPECT_EQ(0, json_object_get_int(field(d, "uid")));
	EXPECT_STREQ("insmod", kw_rec_str(d, "comm"));
	EXPECT_NE(NULL, strstr(kw_rec_str(rec, "message"), "kw_dummy"));
	json_object_put(rec);
}

TEST(init_module_without_path)
{
	struct kw_bpf_event e;
	struct kw_bpf_strs s;
	struct kw_alert a;
	json_object *rec, *d;

	fill_event(&e);
	e.via = KW_VIA_INIT_MODULE;
	e.path[0] = '\0';
	e.sig_ok = 1;
	ASSERT_EQ(0, kw_bpf_alert(&e, 0, &a, &s));
	rec = kw_alert_json(&a);
	d = field(rec, "detail");
	EXPECT_STREQ("init_module", kw_rec_str(d, "via"));
	EXPECT_TRUE(json_object_is_type(field(d, "path"), json_type_null));
	EXPECT_TRUE(json_object_get_boolean(field(d, "sig_ok")));
	json_object_put(rec);
}

/* An autoload request denied by name: the module, and what was asked */
TEST(request_denied_names_module_and_request)
{
	struct kw_bpf_event e;
	struct kw_bpf_strs s;
	struct kw_alert a;
	json_object *rec, *d;

	fill_event(&e);
	e.kind = KW_KIND_module_load_denied;
	e.action = KW_ACTION_denied;
	e.via = KW_VIA_REQUEST;
	snprintf(e.name, sizeof(e.name), "xfs");
	snprintf(e.path, sizeof(e.path), "fs-xfs");
	ASSERT_EQ(0, kw_bpf_alert(&e, 0, &a, &s));
	rec = kw_alert_json(&a);
	EXPECT_STREQ("xfs", kw_rec_str(rec, "module"));
	EXPECT_STREQ("denied", kw_rec_str(rec, "action"));
	d = field(rec, "detail");
	EXPECT_STREQ("request_module", kw_rec_str(d, "via"));
	EXPECT_STREQ("fs-xfs", kw_rec_str(d, "request"));
	EXPECT_EQ(NULL, field(d, "path"));
	EXPECT_NE(NULL, strstr(kw_rec_str(rec, "message"),
			       "request_module \"fs-xfs\""));
	json_object_put(rec);
}

/* Fields the kernel filled to the brim, and names users chose */
TEST(bpf_strings_are_bounded_and_one_line)
{
	struct kw_bpf_event e;
	struct kw_bpf_strs s;
	struct kw_alert a;
	json_object *rec, *d;

	fill_event(&e);
	memset(e.comm, 'c', sizeof(e.comm));
	memset(e.name, 'n', sizeof(e.name));
	memset(e.path, 'p', sizeof(e.path));
	e.comm[3] = '\n';
	ASSERT_EQ(0, kw_bpf_alert(&e, 0, &a, &s));
	rec = kw_alert_json(&a);
	d = field(rec, "detail");
	EXPECT_EQ((size_t)KW_COMM_LEN, strlen(kw_rec_str(d, "comm")));
	EXPECT_EQ('?', kw_rec_str(d, "comm")[3]);
	EXPECT_EQ((size_t)KW_NAME_LEN, strlen(kw_rec_str(d, "name")));
	EXPECT_EQ((size_t)KW_PATH_LEN, strlen(kw_rec_str(d, "path")));
	EXPECT_EQ(NULL, strchr(kw_rec_str(rec, "message"), '\n'));
	json_object_put(rec);
}

TEST(bpf_unknown_records_are_refused)
{
	struct kw_bpf_event e;
	struct kw_bpf_strs s;
	struct kw_alert a;

	fill_event(&e);
	e.kind = KW_KIND_kernel_text_modified;
	EXPECT_NE(0, kw_bpf_alert(&e, 0, &a, &s));
	e.kind = 1000;
	EXPECT_NE(0, kw_bpf_alert(&e, 0, &a, &s));
	e.kind = KW_KIND_module_load;
	e.action = KW_ACTION_MAX;
	EXPECT_NE(0, kw_bpf_alert(&e, 0, &a, &s));
}

static void fill_tamper(struct kw_bpf_event *e, unsigned int op)
{
	fill_event(e);
	e->kind = KW_KIND_tamper_attempt;
	e->action = KW_ACTION_denied;
	e->op = op;
	e->pid = 4242;
	snprintf(e->comm, sizeof(e->comm), "bash");
	snprintf(e->exe, sizeof(e->exe), "bash");
	e->name[0] = '\0';
	e->path[0] = '\0';
}

TEST(tamper_signal)
{
	struct kw_bpf_event e;
	struct kw_bpf_strs s;
	struct kw_alert a;
	json_object *rec, *d;

	fill_tamper(&e, KW_OP_signal);
	e.arg = 9;
	e.target_pid = 77;
	snprintf(e.path, sizeof(e.path), "kwardend");
	ASSERT_EQ(0, kw_bpf_alert(&e, 0, &a, &s));
	rec = kw_alert_json(&a);
	ASSERT_NE(NULL, rec);
	check_shape(_metadata, rec);
	EXPECT_STREQ("tamper_attempt", kw_rec_str(rec, "kind"));
	EXPECT_STREQ("alert", kw_rec_str(rec, "severity"));
	EXPECT_STREQ("denied", kw_rec_str(rec, "action"));
	EXPECT_TRUE(json_object_is_type(field(rec, "module"), json_type_null));
	EXPECT_STREQ("signal SIGKILL to kwardend (pid 77) denied: by bash (pid 4242, uid 0, exe bash)",
		     kw_rec_str(rec, "message"));
	d = field(rec, "detail");
	EXPECT_STREQ("signal", kw_rec_str(d, "what"));
	EXPECT_STREQ("kwardend", kw_rec_str(d, "target"));
	EXPECT_STREQ("SIGKILL", kw_rec_str(d, "signal"));
	EXPECT_EQ(77, json_object_get_int(field(d, "target_pid")));
	EXPECT_EQ(4242, json_object_get_int(field(d, "pid")));
	EXPECT_STREQ("bash", kw_rec_str(d, "exe"));
	EXPECT_EQ(2004, json_object_get_int(field(field(rec, "ocsf"), "class_uid")));
	json_object_put(rec);
}

TEST(tamper_unload_and_files)
{
	struct kw_bpf_event e;
	struct kw_bpf_strs s;
	struct kw_alert a;
	json_object *rec, *d;

	fill_tamper(&e, KW_OP_module_unload);
	e.arg = 01000 | 04000;	/* O_TRUNC | O_NONBLOCK: rmmod -f */
	snprintf(e.name, sizeof(e.name), "kwarden");
	ASSERT_EQ(0, kw_bpf_alert(&e, 0, &a, &s));
	rec = kw_alert_json(&a);
	EXPECT_STREQ("kwarden", kw_rec_str(rec, "module"));
	d = field(rec, "detail");
	EXPECT_STREQ("module_unload", kw_rec_str(d, "what"));
	EXPECT_STREQ("kwarden", kw_rec_str(d, "target"));
	EXPECT_TRUE(json_object_get_boolean(field(d, "force")));
	EXPECT_NE(NULL, strstr(kw_rec_str(rec, "message"), "by force denied"));
	json_object_put(rec);

	/* an entry of a protected directory, named in full by the caller */
	fill_tamper(&e, KW_OP_unlink);
	e.target_class = KW_GUARD_CONFIG | KW_GUARD_DIR | KW_GUARD_ENTRY;
	e.target_dev = 8 << 20 | 1;
	e.target_id = 1234;
	snprintf(e.path, sizeof(e.path), "kwarden.conf");
	ASSERT_EQ(0, kw_bpf_alert_target(&e, 0, "/etc/kwarden/kwarden.conf",
					 &a, &s));
	rec = kw_alert_json(&a);
	d = field(rec, "detail");
	EXPECT_STREQ("unlink", kw_rec_str(d, "what"));
	EXPECT_STREQ("/etc/kwarden/kwarden.conf", kw_rec_str(d, "target"));
	EXPECT_STREQ("config", kw_rec_str(d, "target_class"));
	EXPECT_EQ(8, json_object_get_int(field(d, "dev_major")));
	EXPECT_EQ(1, json_object_get_int(field(d, "dev_minor")));
	EXPECT_EQ(1234, json_object_get_int(field(d, "target_id")));
	EXPECT_STREQ("removing /etc/kwarden/kwarden.conf (kwarden config) denied: by bash (pid 4242, uid 0, exe bash)",
		     kw_rec_str(rec, "message"));
	json_object_put(rec);

	/* without a resolved path, the record's name stands */
	ASSERT_EQ(0, kw_bpf_alert(&e, 0, &a, &s));
	rec = kw_alert_json(&a);
	EXPECT_STREQ("kwarden.conf", kw_rec_str(field(rec, "detail"), "target"));
	json_object_put(rec);
}

/* Every op has a message, bounded and on one line, whatever the strings */
TEST(tamper_every_op)
{
	struct kw_bpf_event e;
	struct kw_bpf_strs s;
	struct kw_alert a;
	json_object *rec;
	unsigned int op;

	for (op = KW_OP_signal; op < KW_OP_MAX; op++) {
		fill_tamper(&e, op);
		memset(e.path, 'p', sizeof(e.path));
		memset(e.exe, 'x', sizeof(e.exe));
		e.path[5] = '\n';
		e.arg = 0xffffffff;
		e.target_class = 0xffffffff;
		ASSERT_EQ(0, kw_bpf_alert(&e, 0, &a, &s)) TH_LOG("op %u", op);
		rec = kw_alert_json(&a);
		ASSERT_NE(NULL, rec) TH_LOG("op %u", op);
		EXPECT_STREQ(kw_tamper_op_name(op),
			     kw_rec_str(field(rec, "detail"), "what"));
		EXPECT_EQ(NULL, strchr(kw_rec_str(rec, "message"), '\n'));
		EXPECT_NE(0, kw_rec_str(rec, "message")[0]);
		json_object_put(rec);
	}
	fill_tamper(&e, KW_OP_MAX);
	EXPECT_NE(0, kw_bpf_alert(&e, 0, &a, &s));
}

/* Safe mode: the guard reports what it would have denied */
TEST(tamper_observe_only)
{
	struct kw_bpf_event e;
	struct kw_bpf_strs s;
	struct kw_alert a;
	json_object *rec;

	fill_tamper(&e, KW_OP_create);
	e.action = KW_ACTION_logged;
	snprintf(e.path, sizeof(e.path), "extra");
	ASSERT_EQ(0, kw_bpf_alert(&e, 0, &a, &s));
	rec = kw_alert_json(&a);
	EXPECT_STREQ("logged", kw_rec_str(rec, "action"));
	EXPECT_NE(NULL, strstr(kw_rec_str(rec, "message"),
			       "allowed (safe mode: observe only)"));
	json_object_put(rec);
}

/* Records of older BPF programs end before op; their tail reads as zero */
TEST(bpf_record_sizes)
{
	struct kw_bpf_event e, big;
	char raw[sizeof(struct kw_bpf_event) + 8];

	memset(raw, 0x5a, sizeof(raw));
	EXPECT_NE(0, kw_bpf_event_copy(&e, raw, KW_BPF_EVENT_V1_LEN - 1));
	ASSERT_EQ(0, kw_bpf_event_copy(&e, raw, KW_BPF_EVENT_V1_LEN));
	EXPECT_EQ(0U, e.op);
	EXPECT_EQ(0U, e.target_id);
	EXPECT_EQ(0, e.exe[0]);
	EXPECT_EQ(0x5a, (unsigned char)e.path[KW_PATH_LEN - 1]);
	ASSERT_EQ(0, kw_bpf_event_copy(&big, raw, sizeof(raw)));
	EXPECT_EQ(0x5a5a5a5aU, big.op);
}

TEST(taint_letters)
{
	char buf[32];

	kw_taint_letters(0, buf, sizeof(buf));
	EXPECT_STREQ("", buf);
	kw_taint_letters(1, buf, sizeof(buf));
	EXPECT_STREQ("P", buf);
	kw_taint_letters((1 << 12) | (1 << 13) | (1 << 15), buf, sizeof(buf));
	EXPECT_STREQ("OEK", buf);
	kw_taint_letters(~0UL, buf, 3);
	EXPECT_STREQ("PF", buf);
}

/* A hook written over do_sys_openat2, as kwarden.ko reports it */
static const struct kw_kmod_alert text_hook = {
	.has = KW_KA_ADDR | KW_KA_OFFSET | KW_KA_LEN | KW_KA_TARGET |
	       KW_KA_TIME,
	.kseq = 7, .time_ns = 1795703581000000000ULL,
	.kind = KW_KIND_kernel_text_modified,
	.region = "core_text", .addr = 0xffffffff81234564ULL,
	.symbol = "do_sys_openat2", .offset = 4, .len = 5,
	.old = { 0x0f, 0x1f, 0x44, 0x00, 0x00 }, .old_len = 5,
	.new = { 0xe9, 0x10, 0x20, 0x30, 0x40 }, .new_len = 5,
	.target = 0xffffffffc0001000ULL, .target_sym = "evil_hook",
	.module = "rootkit",
};

TEST(kmod_text_alert)
{
	struct kw_kmod_alert k = text_hook;
	struct kw_alert a;
	json_object *rec, *d;

	ASSERT_EQ(0, kw_kmod_alert(&k, "boot-1", &a));
	rec = kw_alert_json(&a);
	ASSERT_NE(NULL, rec);
	check_shape(_metadata, rec);
	EXPECT_STREQ("crit", kw_rec_str(rec, "severity"));	/* kind default */
	EXPECT_STREQ("logged", kw_rec_str(rec, "action"));
	EXPECT_STREQ("rootkit", kw_rec_str(rec, "module"));
	EXPECT_STREQ("kmod", kw_rec_str(rec, "source"));
	d = field(rec, "detail");
	EXPECT_STREQ("core_text", kw_rec_str(d, "region"));
	EXPECT_STREQ("0xffffffff81234564", kw_rec_str(d, "address"));
	EXPECT_STREQ("do_sys_openat2", kw_rec_str(d, "symbol"));
	EXPECT_EQ(4, json_object_get_int(field(d, "offset")));
	EXPECT_STREQ("do_sys_openat2+0x4", kw_rec_str(d, "where"));
	EXPECT_EQ(5, json_object_get_int(field(d, "len")));
	EXPECT_STREQ("0f1f440000", kw_rec_str(d, "old"));
	EXPECT_STREQ("e910203040", kw_rec_str(d, "new"));
	EXPECT_STREQ("0xffffffffc0001000", kw_rec_str(d, "target"));
	EXPECT_STREQ("evil_hook", kw_rec_str(d, "target_symbol"));
	EXPECT_EQ(7, json_object_get_int(field(d, "kseq")));
	EXPECT_STREQ("boot-1", kw_rec_str(d, "boot_id"));
	EXPECT_STREQ("kernel text modified at do_sys_openat2+0x4 (core_text), module rootkit: 5 bytes differ, branches to evil_hook",
		     kw_rec_str(rec, "message"));
	json_object_put(rec);
}

/* Block digests (no golden copy): new bytes, no old ones, no count */
TEST(kmod_alert_without_old_bytes)
{
	struct kw_kmod_alert k = text_hook;
	struct kw_alert a;
	json_object *rec, *d;

	k.len = 0;
	k.old_len = 0;
	ASSERT_EQ(0, kw_kmod_alert(&k, "boot-1", &a));
	rec = kw_alert_json(&a);
	ASSERT_NE(NULL, rec);
	check_shape(_metadata, rec);
	d = field(rec, "detail");
	EXPECT_EQ(NULL, kw_rec_str(d, "old"));
	EXPECT_STREQ("e910203040", kw_rec_str(d, "new"));
	EXPECT_STREQ("kernel text modified at do_sys_openat2+0x4 (core_text), module rootkit, branches to evil_hook",
		     kw_rec_str(rec, "message"));
	json_object_put(rec);
}

TEST(kmod_minimal_alert)
{
	struct kw_kmod_alert k = {
		.kseq = 1, .kind = KW_KIND_module_hidden,
		.has = KW_KA_SEVERITY | KW_KA_ACTION,
		.severity = KW_SEV_ALERT, .action = KW_ACTION_contained,
	};
	struct kw_alert a;
	json_object *rec, *d;

	ASSERT_EQ(0, kw_kmod_alert(&k, NULL, &a));
	rec = kw_alert_json(&a);
	ASSERT_NE(NULL, rec);
	check_shape(_metadata, rec);
	EXPECT_STREQ("alert", kw_rec_str(rec, "severity"));
	EXPECT_STREQ("contained", kw_rec_str(rec, "action"));
	d = field(rec, "detail");
	EXPECT_EQ(NULL, field(d, "address"));
	EXPECT_EQ(NULL, field(d, "old"));
	EXPECT_EQ(NULL, field(d, "boot_id"));
	EXPECT_STREQ("module hidden", kw_rec_str(rec, "message"));
	json_object_put(rec);
	k.kind = KW_KIND_MAX;
	EXPECT_NE(0, kw_kmod_alert(&k, NULL, &a));
}

TEST(kmod_table_slot_alert)
{
	struct kw_kmod_alert k = {
		.has = KW_KA_ADDR | KW_KA_OFFSET | KW_KA_TARGET | KW_KA_SLOT,
		.kseq = 3, .kind = KW_KIND_syscall_table_modified,
		.region = "core_rodata", .addr = 0xffffffff82000168ULL,
		.symbol = "sys_call_table", .offset = 0x168, .slot = 45,
		.new = { 0x10, 0x10, 0x00, 0xc0 }, .new_len = 8,
		.target = 0xffffffffc0001010ULL, .target_sym = "evil_recvfrom",
		.module = "kw_rootkit_data",
	};
	struct kw_alert a;
	json_object *rec, *d;

	ASSERT_EQ(0, kw_kmod_alert(&k, NULL, &a));
	rec = kw_alert_json(&a);
	ASSERT_NE(NULL, rec);
	check_shape(_metadata, rec);
	d = field(rec, "detail");
	EXPECT_STREQ("sys_call_table", kw_rec_str(d, "symbol"));
	EXPECT_EQ(45, json_object_get_int(field(d, "slot")));
	EXPECT_EQ(0x168, json_object_get_int(field(d, "offset")));
	EXPECT_STREQ("sys_call_table[45]", kw_rec_str(d, "where"));
	EXPECT_STREQ("101000c000000000", kw_rec_str(d, "new"));
	EXPECT_STREQ("syscall table modified at sys_call_table[45] (core_rodata), module kw_rootkit_data, now points to evil_recvfrom",
		     kw_rec_str(rec, "message"));
	json_object_put(rec);
}

TEST(kmod_hook_alert)
{
	struct kw_kmod_alert k = {
		.has = KW_KA_ADDR | KW_KA_OFFSET | KW_KA_LEN | KW_KA_TARGET,
		.kseq = 9, .kind = KW_KIND_ftrace_hook,
		.region = "ftrace_ops", .addr = 0xffffffff81234564ULL,
		.symbol = "__x64_sys_getdents64", .offset = 4, .len = 5,
		.old = { 0x0f, 0x1f, 0x44, 0x00, 0x00 }, .old_len = 5,
		.new = { 0xe8, 0x10, 0x20, 0x30, 0x40 }, .new_len = 5,
		.target = 0xffffffffc0001000ULL, .target_sym = "evil_handler",
		.module = "rootkit", .hook_flags = "ipmodify regs",
	};
	struct kw_alert a;
	json_object *rec, *d;

	ASSERT_EQ(0, kw_kmod_alert(&k, NULL, &a));
	rec = kw_alert_json(&a);
	ASSERT_NE(NULL, rec);
	check_shape(_metadata, rec);
	EXPECT_STREQ("err", kw_rec_str(rec, "severity"));
	d = field(rec, "detail");
	EXPECT_STREQ("ipmodify regs", kw_rec_str(d, "hook_flags"));
	EXPECT_STREQ("evil_handler", kw_rec_str(d, "target_symbol"));
	EXPECT_STREQ("ftrace hook at __x64_sys_getdents64+0x4 (ftrace_ops), module rootkit: handler evil_handler (ipmodify regs)",
		     kw_rec_str(rec, "message"));
	json_object_put(rec);
}

/* A change written through text_poke() where no patch site allows it */
TEST(kmod_text_poke_caller)
{
	struct kw_kmod_alert k = {
		.has = KW_KA_ADDR | KW_KA_OFFSET | KW_KA_LEN | KW_KA_TARGET,
		.kseq = 10, .kind = KW_KIND_kernel_text_modified,
		.region = "core_text", .addr = 0xffffffff81234570ULL,
		.symbol = "__x64_sys_acct", .offset = 16, .len = 5,
		.old = { 0x14, 0x00, 0x00, 0x00, 0xe8 }, .old_len = 5,
		.new = { 0xe9, 0x10, 0x20, 0x30, 0x40 }, .new_len = 5,
		.target = 0xffffffffc0001000ULL, .target_sym = "kw_hook",
		.module = "rootkit", .caller = "rootkit",
		.caller_sym = "rootkit_work+0x2a",
	};
	struct kw_alert a;
	json_object *rec, *d;

	ASSERT_EQ(0, kw_kmod_alert(&k, NULL, &a));
	rec = kw_alert_json(&a);
	ASSERT_NE(NULL, rec);
	check_shape(_metadata, rec);
	d = field(rec, "detail");
	EXPECT_STREQ("rootkit", kw_rec_str(d, "caller"));
	EXPECT_STREQ("rootkit_work+0x2a", kw_rec_str(d, "caller_symbol"));
	EXPECT_NE(NULL, strstr(kw_rec_str(rec, "message") ?: "",
			       "written through text_poke by rootkit"));
	json_object_put(rec);
}

TEST(kmod_where_without_symbol)
{
	struct kw_kmod_alert k = {
		.has = KW_KA_ADDR, .addr = 0xffffffff82000000ULL,
		.region = "rodata",
	};
	char buf[64];

	kw_where(&k, buf, sizeof(buf));
	EXPECT_STREQ("0xffffffff82000000", buf);
	k.has = 0;
	kw_where(&k, buf, sizeof(buf));
	EXPECT_STREQ("rodata", buf);
}

/* dangerous_interface: each operation's phrase and fields */
TEST(danger_alerts)
{
	struct kw_bpf_event e;
	struct kw_bpf_strs s;
	struct kw_alert a;
	json_object *rec, *d;

	fill_tamper(&e, KW_OP_mem_write);
	e.kind = KW_KIND_dangerous_interface;
	e.target_dev = (1 << 20) | 1;
	e.arg = 3;
	snprintf(e.path, sizeof(e.path), "/dev/mem");
	ASSERT_EQ(0, kw_bpf_alert(&e, 0, &a, &s));
	rec = kw_alert_json(&a);
	ASSERT_NE(NULL, rec);
	check_shape(_metadata, rec);
	EXPECT_STREQ("dangerous_interface", kw_rec_str(rec, "kind"));
	EXPECT_STREQ("warning", kw_rec_str(rec, "severity"));
	EXPECT_STREQ("opening /dev/mem (the mem device) for write denied: by bash (pid 4242, uid 0, exe bash)",
		     kw_rec_str(rec, "message"));
	d = field(rec, "detail");
	EXPECT_STREQ("mem_write", kw_rec_str(d, "what"));
	EXPECT_STREQ("/dev/mem", kw_rec_str(d, "target"));
	EXPECT_STREQ("mem", kw_rec_str(d, "device"));
	EXPECT_EQ(1, json_object_get_int(field(d, "dev_minor")));
	json_object_put(rec);

	fill_tamper(&e, KW_OP_bpf_write_user);
	e.kind = KW_KIND_dangerous_interface;
	e.action = KW_ACTION_logged;
	e.arg = 36;
	e.target_id = 5;
	snprintf(e.path, sizeof(e.path), "evil");
	ASSERT_EQ(0, kw_bpf_alert(&e, 0, &a, &s));
	rec = kw_alert_json(&a);
	EXPECT_NE(NULL, strstr(kw_rec_str(rec, "message"),
			       "loading BPF program evil that calls bpf_probe_write_user (instruction 5) allowed and reported"));
	d = field(rec, "detail");
	EXPECT_STREQ("bpf_probe_write_user", kw_rec_str(d, "helper"));
	EXPECT_EQ(5, json_object_get_int(field(d, "insn")));
	EXPECT_TRUE(json_object_is_type(field(rec, "module"), json_type_null));
	json_object_put(rec);

	fill_tamper(&e, KW_OP_probe_kwarden);
	e.kind = KW_KIND_dangerous_interface;
	e.arg = KW_PROBE_PERF_KPROBE;
	e.target_id = 0xffffffffc0001000ULL;
	snprintf(e.path, sizeof(e.path), "kw_scan_now");
	ASSERT_EQ(0, kw_bpf_alert(&e, 0, &a, &s));
	rec = kw_alert_json(&a);
	EXPECT_STREQ("kwarden", kw_rec_str(rec, "module"));
	EXPECT_NE(NULL, strstr(kw_rec_str(rec, "message"),
			       "perf kprobe on kwarden.ko's code at kw_scan_now, 0xffffffffc0001000 denied"));
	d = field(rec, "detail");
	EXPECT_STREQ("perf_kprobe", kw_rec_str(d, "how"));
	EXPECT_STREQ("0xffffffffc0001000", kw_rec_str(d, "address"));
	json_object_put(rec);

	/* an operation beyond the list is refused */
	e.op = KW_OP_MAX;
	EXPECT_NE(0, kw_bpf_alert(&e, 0, &a, &s));
}

/* module_fault: blamed module, place, caller frame, taints, count */
TEST(kmod_fault_alert)
{
	struct kw_kmod_alert k = {
		.has = KW_KA_ADDR | KW_KA_OFFSET | KW_KA_TARGET | KW_KA_FAULT |
		       KW_KA_TASK,
		.kseq = 9, .kind = KW_KIND_module_fault,
		.addr = 0xffffffff81600010ULL, .symbol = "ida_free",
		.offset = 0xe6, .target = 0xffffffffc0002020ULL,
		.target_sym = "kw_faulty_bad_free", .module = "kw_faulty",
		.fault = KW_FAULT_WARNING, .taints_old = 1 << 12,
		.taints = (1 << 12) | (1 << 9), .count = 21, .pid = 10,
		.comm = "kworker/0:1",
	};
	struct kw_alert a;
	json_object *rec, *d;

	ASSERT_EQ(0, kw_kmod_alert(&k, "boot-1", &a));
	rec = kw_alert_json(&a);
	ASSERT_NE(NULL, rec);
	check_shape(_metadata, rec);
	EXPECT_STREQ("module_fault", kw_rec_str(rec, "kind"));
	EXPECT_STREQ("err", kw_rec_str(rec, "severity"));
	EXPECT_STREQ("kw_faulty", kw_rec_str(rec, "module"));
	EXPECT_STREQ("module fault: warning in module kw_faulty at ida_free+0xe6, called from kw_faulty_bad_free, fault 21 of this module",
		     kw_rec_str(rec, "message"));
	d = field(rec, "detail");
	EXPECT_STREQ("kw_faulty", kw_rec_str(d, "name"));
	EXPECT_STREQ("warning", kw_rec_str(d, "fault"));
	EXPECT_STREQ("kw_faulty_bad_free", kw_rec_str(d, "target_symbol"));
	EXPECT_STREQ("WO", kw_rec_str(d, "taint_flags"));
	EXPECT_STREQ("O", kw_rec_str(d, "taints_old_flags"));
	EXPECT_EQ(21, json_object_get_int(field(d, "count")));
	EXPECT_STREQ("kworker/0:1", kw_rec_str(d, "comm"));
	json_object_put(rec);
}

/* livepatch_*: both functions, the object, the module; the kmod's severity */
TEST(kmod_livepatch_alert)
{
	struct kw_kmod_alert k = {
		.has = KW_KA_ADDR | KW_KA_OFFSET | KW_KA_LEN | KW_KA_TARGET |
		       KW_KA_SEVERITY | KW_KA_MODLOAD,
		.kseq = 4, .kind = KW_KIND_livepatch_applied,
		.severity = KW_SEV_NOTICE, .region = "livepatch",
		.addr = 0xffffffff81400000ULL, .symbol = "cmdline_proc_show",
		.target = 0xffffffffc0003010ULL,
		.target_sym = "kw_livepatch_cmdline_proc_show",
		.module = "kw_livepatch", .object = "vmlinux",
		.taints = (1 << 12) | (1 << 15), .verdict = KW_VERDICT_ALLOWED,
		.rule = "rule 1 (line 3): ours",
	};
	struct kw_alert a;
	json_object *rec, *d;

	ASSERT_EQ(0, kw_kmod_alert(&k, NULL, &a));
	rec = kw_alert_json(&a);
	ASSERT_NE(NULL, rec);
	check_shape(_metadata, rec);
	EXPECT_STREQ("livepatch_applied", kw_rec_str(rec, "kind"));
	EXPECT_STREQ("notice", kw_rec_str(rec, "severity"));
	EXPECT_STREQ("kw_livepatch", kw_rec_str(rec, "module"));
	EXPECT_STREQ("livepatch kw_livepatch replaced cmdline_proc_show (vmlinux) with kw_livepatch_cmdline_proc_show, signature not verified, module policy: allowed (rule 1 (line 3): ours)",
		     kw_rec_str(rec, "message"));
	d = field(rec, "detail");
	EXPECT_STREQ("cmdline_proc_show", kw_rec_str(d, "symbol"));
	EXPECT_STREQ("kw_livepatch_cmdline_proc_show",
		     kw_rec_str(d, "target_symbol"));
	EXPECT_STREQ("vmlinux", kw_rec_str(d, "object"));
	EXPECT_STREQ("kw_livepatch", kw_rec_str(d, "name"));
	EXPECT_STREQ("OK", kw_rec_str(d, "taint_flags"));
	EXPECT_FALSE(json_object_get_boolean(field(d, "sig_ok")));
	EXPECT_NULL(field(d, "len"));
	EXPECT_EQ(1002, json_object_get_int(field(field(rec, "ocsf"),
						  "class_uid")));
	json_object_put(rec);
	/* without a severity of its own: the kind's default, crit */
	k.kind = KW_KIND_livepatch_reverted;
	k.has &= ~KW_KA_SEVERITY;
	memset(k.msg, 0, sizeof(k.msg));
	ASSERT_EQ(0, kw_kmod_alert(&k, NULL, &a));
	rec = kw_alert_json(&a);
	ASSERT_NE(NULL, rec);
	EXPECT_STREQ("crit", kw_rec_str(rec, "severity"));
	EXPECT_EQ(0, strncmp(kw_rec_str(rec, "message") ?: "",
			     "livepatch kw_livepatch reverted: cmdline_proc_show (vmlinux) no longer goes to kw_livepatch_cmdline_proc_show", 100));
	json_object_put(rec);
}

TEST_HARNESS_MAIN
