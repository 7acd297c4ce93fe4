// SPDX-License-Identifier: GPL-2.0
/*
 * Control protocol: the strict request parser (good requests, bad
 * versions, unknown commands and fields, wrong types, garbage, overlong
 * input), the request builder, and the client's reply classifier.
 */
#include <errno.h>
#include <string.h>
#include <stdlib.h>
#include <sys/socket.h>
#include "harness.h"
#include "names.h"
#include "proto.h"

static int req(const char *line, struct kw_request *r, char *err)
{
	err[0] = '\0';
	return kw_request_parse(line, strlen(line), r, err, 256);
}

TEST(good_requests)
{
	struct kw_request r;
	char err[256];

	ASSERT_EQ(0, req("{\"version\":1,\"cmd\":\"status\"}", &r, err));
	EXPECT_EQ(KW_CMD_STATUS, (int)r.cmd);
	ASSERT_EQ(0, req(" { \"cmd\" : \"scan\" , \"version\" : 1 } ", &r, err));
	EXPECT_EQ(KW_CMD_SCAN, (int)r.cmd);
	ASSERT_EQ(0, req("{\"version\":1,\"cmd\":\"alerts\"}", &r, err));
	EXPECT_EQ(KW_CMD_ALERTS, (int)r.cmd);
	EXPECT_EQ(-1, r.filter.kind);
	EXPECT_EQ(0U, r.filter.since_ns);
	EXPECT_STREQ("", r.filter.module);
	EXPECT_FALSE(r.follow);
	ASSERT_EQ(0, req("{\"version\":1,\"cmd\":\"alerts\",\"since\":\"2026-11-26T14:33:01Z\",\"kind\":\"module_load\",\"module\":\"kw_dummy\",\"follow\":true}",
			 &r, err)) TH_LOG("%s", err);
	EXPECT_EQ(1795703581000000000ULL, r.filter.since_ns);
	EXPECT_EQ(KW_KIND_module_load, r.filter.kind);
	EXPECT_STREQ("kw_dummy", r.filter.module);
	EXPECT_TRUE(r.follow);
}

static void bad(struct __test_metadata *_metadata, const char *line,
		const char *expect)
{
	struct kw_request r;
	char err[256];

	EXPECT_NE(0, req(line, &r, err)) TH_LOG("accepted: %s", line);
	EXPECT_STREQ(expect, err);
}

TEST(bad_versions)
{
	bad(_metadata, "{\"cmd\":\"status\"}", "missing 'version'");
	bad(_metadata, "{\"version\":2,\"cmd\":\"status\"}",
	    "unsupported version 2 (kwardend speaks 1)");
	bad(_metadata, "{\"version\":0,\"cmd\":\"status\"}",
	    "unsupported version 0 (kwardend speaks 1)");
	bad(_metadata, "{\"version\":\"1\",\"cmd\":\"status\"}",
	    "'version' must be an integer");
	bad(_metadata, "{\"version\":1.0,\"cmd\":\"status\"}",
	    "'version' must be an integer");
	bad(_metadata, "{\"version\":null,\"cmd\":\"status\"}",
	    "'version' must be an integer");
}

TEST(bad_commands)
{
	bad(_metadata, "{\"version\":1}", "missing 'cmd'");
	bad(_metadata, "{\"version\":1,\"cmd\":\"reboot\"}",
	    "unknown cmd 'reboot' (status, alerts, scan, unlock, lock, modules, module, disable, quarantine, release, policy)");
	bad(_metadata, "{\"version\":1,\"cmd\":\"STATUS\"}",
	    "unknown cmd 'STATUS' (status, alerts, scan, unlock, lock, modules, module, disable, quarantine, release, policy)");
	bad(_metadata, "{\"version\":1,\"cmd\":7}", "'cmd' must be a string");
	bad(_metadata, "{\"version\":1,\"cmd\":[\"status\"]}",
	    "'cmd' must be a string");
}

TEST(bad_fields)
{
	bad(_metadata, "{\"version\":1,\"cmd\":\"alerts\",\"limit\":5}",
	    "unknown field 'limit'");
	bad(_metadata, "{\"version\":1,\"cmd\":\"status\",\"follow\":true}",
	    "'follow' is not valid for 'status'");
	bad(_metadata, "{\"version\":1,\"cmd\":\"scan\",\"kind\":\"module_load\"}",
	    "'kind' is not valid for 'scan'");
	bad(_metadata, "{\"version\":1,\"cmd\":\"alerts\",\"follow\":1}",
	    "'follow' must be a boolean");
	bad(_metadata, "{\"version\":1,\"cmd\":\"alerts\",\"kind\":3}",
	    "'kind' must be a string");
	bad(_metadata, "{\"version\":1,\"cmd\":\"alerts\",\"kind\":\"rootkit\"}",
	    "'kind': unknown kind 'rootkit'");
	bad(_metadata, "{\"version\":1,\"cmd\":\"alerts\",\"since\":12}",
	    "'since' must be a string");
	bad(_metadata, "{\"version\":1,\"cmd\":\"alerts\",\"since\":\"yesterday\"}",
	    "'since': 'yesterday' is not an RFC 3339 time");
	bad(_metadata, "{\"version\":1,\"cmd\":\"alerts\",\"module\":\"\"}",
	    "'module' must be 1 to 55 bytes");
	bad(_metadata, "{\"version\":1,\"cmd\":\"alerts\",\"module\":\"a b\"}",
	    "'module' has a blank or control character");
	bad(_metadata, "{\"version\":1,\"cmd\":\"alerts\",\"module\":\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"}",
	    "'module' must be 1 to 55 bytes");
	bad(_metadata, "{\"version\":1,\"cmd\":\"alerts\",\"module\":null}",
	    "'module' must be a string");
}

TEST(garbage)
{
	static const char *const lines[] = {
		"", "garbage", "[1,2]", "\"status\"", "1", "null",
		"{\"version\":1,\"cmd\":\"status\"", "{\"version\":1,\"cmd\":\"status\"}}",
		"{\"version\":1,\"cmd\":\"status\"} {}", "{'version':1}",
		"{\"version\":1,\"cmd\":\"status\",}", "{\"version\":01,\"cmd\":\"status\"}",
		"{\"version\":1,\"cmd\":\"st\\u0000atus\"}",
	};
	struct kw_request r;
	char err[256];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(lines); i++) {
		EXPECT_NE(0, req(lines[i], &r, err)) TH_LOG("case %zu", i);
		EXPECT_NE(0, err[0]);
		EXPECT_EQ(NULL, strchr(err, '\n'));
	}
}

TEST(nul_and_deep_nesting)
{
	static const char nul[] = "{\"version\":1,\"cmd\":\"status\"}\0x";
	struct kw_request r;
	char err[256], deep[200];
	int i;

	EXPECT_NE(0, kw_request_parse(nul, sizeof(nul) - 1, &r, err, sizeof(err)));
	EXPECT_STREQ("NUL byte in request", err);
	snprintf(deep, sizeof(deep), "{\"version\":1,\"cmd\":\"status\",\"x\":");
	for (i = 0; i < 40; i++)
		strcat(deep, "[");
	EXPECT_NE(0, req(deep, &r, err));
}

TEST(overlong)
{
	char *line = malloc(KW_REQUEST_MAX + 2);
	struct kw_request r;
	char err[256];
	size_t n;

	ASSERT_NE(NULL, line);
	snprintf(line, KW_REQUEST_MAX, "{\"version\":1,\"cmd\":\"alerts\",\"module\":\"");
	n = strlen(line);
	memset(line + n, 'a', KW_REQUEST_MAX + 1 - n);
	line[KW_REQUEST_MAX + 1] = '\0';
	EXPECT_NE(0, req(line, &r, err));
	EXPECT_STREQ("request longer than 4096 bytes", err);
	free(line);
}

TEST(request_json_round_trip)
{
	struct kw_request in = { .cmd = KW_CMD_ALERTS, .follow = true }, out;
	json_object *o;
	const char *s;
	char err[256];

	kw_filter_init(&in.filter);
	in.filter.kind = KW_KIND_module_hidden;
	in.filter.since_ns = 1795703581123456000ULL;
	snprintf(in.filter.module, sizeof(in.filter.module), "nf_tables");
	o = kw_request_json(&in);
	s = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN);
	EXPECT_STREQ("{\"version\":1,\"cmd\":\"alerts\",\"since\":\"2026-11-26T14:33:01.123456Z\",\"kind\":\"module_hidden\",\"module\":\"nf_tables\",\"follow\":true}", s);
	ASSERT_EQ(0, req(s, &out, err));
	EXPECT_EQ(in.cmd, out.cmd);
	EXPECT_EQ(in.filter.kind, out.filter.kind);
	EXPECT_EQ(in.filter.since_ns, out.filter.since_ns);
	EXPECT_STREQ(in.filter.module, out.filter.module);
	EXPECT_EQ(in.follow, out.follow);
	json_object_put(o);
	in.cmd = KW_CMD_STATUS;
	o = kw_request_json(&in);
	EXPECT_STREQ("{\"version\":1,\"cmd\":\"status\"}",
		     json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
	json_object_put(o);
}

#define KEY64	"00112233445566778899aabbccddeeff" \
		"00112233445566778899AABBCCDDEEFF"

TEST(unlock_and_lock)
{
	struct kw_request r;
	char err[256];

	ASSERT_EQ(0, req("{\"version\":1,\"cmd\":\"unlock\",\"key\":\"" KEY64 "\"}",
			 &r, err)) TH_LOG("%s", err);
	EXPECT_EQ(KW_CMD_UNLOCK, (int)r.cmd);
	EXPECT_EQ(KW_UNLOCK_DEFAULT_S, (int)r.unlock_s);
	EXPECT_EQ(0x00, r.key[0]);
	EXPECT_EQ(0xff, r.key[15]);
	EXPECT_EQ(0xff, r.key[31]);
	ASSERT_EQ(0, req("{\"version\":1,\"cmd\":\"unlock\",\"for\":86400,\"key\":\"" KEY64 "\"}",
			 &r, err)) TH_LOG("%s", err);
	EXPECT_EQ(86400, (int)r.unlock_s);
	ASSERT_EQ(0, req("{\"version\":1,\"cmd\":\"lock\"}", &r, err));
	EXPECT_EQ(KW_CMD_LOCK, (int)r.cmd);
}

TEST(bad_unlocks)
{
	bad(_metadata, "{\"version\":1,\"cmd\":\"unlock\"}",
	    "'unlock' needs a 'key'");
	bad(_metadata, "{\"version\":1,\"cmd\":\"unlock\",\"for\":60}",
	    "'unlock' needs a 'key'");
	bad(_metadata, "{\"version\":1,\"cmd\":\"unlock\",\"key\":\"0011\"}",
	    "'key' must be 64 hex digits");
	bad(_metadata, "{\"version\":1,\"cmd\":\"unlock\",\"key\":\"" KEY64 "0\"}",
	    "'key' must be 64 hex digits");
	bad(_metadata, "{\"version\":1,\"cmd\":\"unlock\",\"key\":\"g0112233445566778899aabbccddeeff00112233445566778899AABBCCDDEEFF\"}",
	    "'key' must be 64 hex digits");
	bad(_metadata, "{\"version\":1,\"cmd\":\"unlock\",\"key\":\"0011223344556677\\u00008899aabbccddeeff00112233445566778899AABBCCDDEEF\"}",
	    "'key' must be 64 hex digits");
	bad(_metadata, "{\"version\":1,\"cmd\":\"unlock\",\"key\":7}",
	    "'key' must be a string");
	bad(_metadata, "{\"version\":1,\"cmd\":\"unlock\",\"key\":\"" KEY64 "\",\"for\":0}",
	    "'for' must be 1 to 86400 seconds");
	bad(_metadata, "{\"version\":1,\"cmd\":\"unlock\",\"key\":\"" KEY64 "\",\"for\":86401}",
	    "'for' must be 1 to 86400 seconds");
	bad(_metadata, "{\"version\":1,\"cmd\":\"unlock\",\"key\":\"" KEY64 "\",\"for\":\"60\"}",
	    "'for' must be an integer");
	bad(_metadata, "{\"version\":1,\"cmd\":\"unlock\",\"key\":\"" KEY64 "\",\"for\":1.5}",
	    "'for' must be an integer");
	bad(_metadata, "{\"version\":1,\"cmd\":\"lock\",\"key\":\"" KEY64 "\"}",
	    "'key' is not valid for 'lock'");
	bad(_metadata, "{\"version\":1,\"cmd\":\"status\",\"for\":5}",
	    "'for' is not valid for 'status'");
	bad(_metadata, "{\"version\":1,\"cmd\":\"unlock\",\"key\":\"" KEY64 "\",\"follow\":true}",
	    "'follow' is not valid for 'unlock'");
}

TEST(unlock_json_round_trip)
{
	struct kw_request in = { .cmd = KW_CMD_UNLOCK, .unlock_s = 120 }, out;
	json_object *o;
	const char *s;
	char err[256];
	int i;

	kw_filter_init(&in.filter);
	for (i = 0; i < KW_KEY_LEN; i++)
		in.key[i] = (uint8_t)(i * 7);
	o = kw_request_json(&in);
	s = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN);
	ASSERT_EQ(0, req(s, &out, err)) TH_LOG("%s", err);
	EXPECT_EQ(KW_CMD_UNLOCK, (int)out.cmd);
	EXPECT_EQ(120, (int)out.unlock_s);
	EXPECT_EQ(0, memcmp(in.key, out.key, KW_KEY_LEN));
	json_object_put(o);
	in.cmd = KW_CMD_LOCK;
	o = kw_request_json(&in);
	EXPECT_STREQ("{\"version\":1,\"cmd\":\"lock\"}",
		     json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
	json_object_put(o);
}

static int classify(const char *line, char *err)
{
	json_object *o;
	int r = kw_reply_parse(line, strlen(line), &o, err, 256);

	json_object_put(o);
	return r;
}

TEST(policy_requests)
{
	struct kw_request r;
	json_object *o;
	char err[256];

	ASSERT_EQ(0, req("{\"version\":1,\"cmd\":\"policy\"}", &r, err));
	EXPECT_EQ(KW_CMD_POLICY, (int)r.cmd);
	EXPECT_EQ(KW_POLICY_SHOW, (int)r.policy_op);
	ASSERT_EQ(0, req("{\"version\":1,\"cmd\":\"policy\",\"op\":\"reload\"}", &r, err));
	EXPECT_EQ(KW_POLICY_RELOAD, (int)r.policy_op);
	ASSERT_EQ(0, req("{\"version\":1,\"cmd\":\"policy\",\"op\":\"apply\",\"path\":\"/tmp/p\"}",
			 &r, err));
	EXPECT_EQ(KW_POLICY_APPLY, (int)r.policy_op);
	EXPECT_STREQ("/tmp/p", r.path);
	o = kw_request_json(&r);
	EXPECT_STREQ("{ \"version\": 1, \"cmd\": \"policy\", \"op\": \"apply\", \"path\": \"\\/tmp\\/p\" }",
		     json_object_to_json_string(o));
	json_object_put(o);

	EXPECT_EQ(-EINVAL, req("{\"version\":1,\"cmd\":\"policy\",\"op\":\"apply\"}", &r, err));
	EXPECT_STREQ("'path' goes with op 'apply', and only there", err);
	EXPECT_EQ(-EINVAL, req("{\"version\":1,\"cmd\":\"policy\",\"path\":\"/x\"}", &r, err));
	EXPECT_EQ(-EINVAL, req("{\"version\":1,\"cmd\":\"policy\",\"op\":\"apply\",\"path\":\"rel\"}",
			       &r, err));
	EXPECT_EQ(0, strncmp(err, "'path' must be an absolute", 26));
	EXPECT_EQ(-EINVAL, req("{\"version\":1,\"cmd\":\"policy\",\"op\":\"delete\"}", &r, err));
	EXPECT_STREQ("'op' must be show, reload, apply, history or rollback", err);
	EXPECT_EQ(-EINVAL, req("{\"version\":1,\"cmd\":\"policy\",\"op\":1}", &r, err));
	EXPECT_EQ(-EINVAL, req("{\"version\":1,\"cmd\":\"status\",\"op\":\"show\"}", &r, err));
	EXPECT_STREQ("'op' is not valid for 'status'", err);
}

TEST(replies)
{
	char err[256];
	json_object *o = kw_reply_error("no such thing");

	EXPECT_STREQ("{\"version\":1,\"ok\":false,\"error\":\"no such thing\"}",
		     json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
	json_object_put(o);
	EXPECT_EQ(KW_REPLY_OK, classify("{\"version\":1,\"ok\":true,\"end\":true}", err));
	EXPECT_EQ(KW_REPLY_ERROR, classify("{\"version\":1,\"ok\":false,\"error\":\"x\"}", err));
	EXPECT_EQ(KW_REPLY_RECORD, classify("{\"time\":\"2026-11-26T14:33:01.000000Z\",\"seq\":1,\"kind\":\"module_load\"}", err));
	EXPECT_GT(0, classify("{\"version\":2,\"ok\":true}", err));
	EXPECT_GT(0, classify("{\"version\":1,\"ok\":\"yes\"}", err));
	EXPECT_GT(0, classify("{\"version\":1,\"ok\":false}", err));
	EXPECT_GT(0, classify("{\"seq\":1}", err));
	EXPECT_GT(0, classify("nonsense", err));
}

TEST(unix_address)
{
	struct sockaddr_un sun;
	char path[200];

	ASSERT_EQ(0, kw_unix_addr("/run/kwarden/control.sock", &sun));
	EXPECT_EQ(AF_UNIX, sun.sun_family);
	EXPECT_STREQ("/run/kwarden/control.sock", sun.sun_path);
	memset(path, 'a', sizeof(path) - 1);
	path[sizeof(path) - 1] = '\0';
	EXPECT_EQ(-ENAMETOOLONG, kw_unix_addr(path, &sun));
	path[sizeof(sun.sun_path) - 1] = '\0';
	EXPECT_EQ(0, kw_unix_addr(path, &sun));
}

/* modules, module, disable, quarantine, release */
TEST(module_commands)
{
	struct kw_request r;
	json_object *o;
	char err[256];

	ASSERT_EQ(0, req("{\"version\":1,\"cmd\":\"modules\"}", &r, err));
	EXPECT_EQ((int)KW_CMD_MODULES, (int)r.cmd);
	ASSERT_EQ(0, req("{\"version\":1,\"cmd\":\"disable\",\"name\":\"kw-rogue\",\"dry_run\":true,\"reason\":\"hooks\\ngetdents\"}",
			   &r, err));
	EXPECT_EQ((int)KW_CMD_DISABLE, (int)r.cmd);
	EXPECT_STREQ("kw_rogue", r.name);	/* as the kernel names it */
	EXPECT_TRUE(r.dry_run);
	EXPECT_STREQ("hooks?getdents", r.reason);
	o = kw_request_json(&r);
	EXPECT_STREQ("{\"version\":1,\"cmd\":\"disable\",\"name\":\"kw_rogue\",\"dry_run\":true,\"reason\":\"hooks?getdents\"}",
		     json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
	json_object_put(o);
	ASSERT_EQ(0, req("{\"version\":1,\"cmd\":\"release\",\"name\":\"x\"}", &r, err));
	EXPECT_EQ((int)KW_CMD_RELEASE, (int)r.cmd);
	ASSERT_EQ(0, req("{\"version\":1,\"cmd\":\"quarantine\",\"name\":\"x\",\"reason\":\"r\"}", &r, err));
	ASSERT_EQ(0, req("{\"version\":1,\"cmd\":\"module\",\"name\":\"x\"}", &r, err));

	bad(_metadata, "{\"version\":1,\"cmd\":\"disable\"}",
	    "'disable' needs a 'name'");
	bad(_metadata, "{\"version\":1,\"cmd\":\"module\"}",
	    "'module' needs a 'name'");
	bad(_metadata, "{\"version\":1,\"cmd\":\"disable\",\"name\":\"../x\"}",
	    "'name' must be a module name: 1 to 55 of A-Z a-z 0-9 _ -");
	bad(_metadata, "{\"version\":1,\"cmd\":\"disable\",\"name\":\"\"}",
	    "'name' must be a module name: 1 to 55 of A-Z a-z 0-9 _ -");
	bad(_metadata, "{\"version\":1,\"cmd\":\"disable\",\"name\":\"a\\u0000b\"}",
	    "'name' must be a module name: 1 to 55 of A-Z a-z 0-9 _ -");
	bad(_metadata, "{\"version\":1,\"cmd\":\"disable\",\"name\":7}",
	    "'name' must be a string");
	bad(_metadata, "{\"version\":1,\"cmd\":\"disable\",\"name\":\"x\",\"dry_run\":1}",
	    "'dry_run' must be a boolean");
	bad(_metadata, "{\"version\":1,\"cmd\":\"quarantine\",\"name\":\"x\",\"dry_run\":true}",
	    "'dry_run' is not valid for 'quarantine'");
	bad(_metadata, "{\"version\":1,\"cmd\":\"release\",\"name\":\"x\",\"reason\":\"r\"}",
	    "'reason' is not valid for 'release'");
	bad(_metadata, "{\"version\":1,\"cmd\":\"modules\",\"name\":\"x\"}",
	    "'name' is not valid for 'modules'");
	bad(_metadata, "{\"version\":1,\"cmd\":\"status\",\"name\":\"x\"}",
	    "'name' is not valid for 'status'");
}

/* modules with "loaded": the policy facts of the modules loaded now */
TEST(modules_loaded)
{
	struct kw_request r;
	json_object *o;
	char err[256];

	ASSERT_EQ(0, req("{\"version\":1,\"cmd\":\"modules\"}", &r, err));
	EXPECT_FALSE(r.loaded);
	ASSERT_EQ(0, req("{\"version\":1,\"cmd\":\"modules\",\"loaded\":true}", &r, err));
	EXPECT_EQ((int)KW_CMD_MODULES, (int)r.cmd);
	EXPECT_TRUE(r.loaded);
	o = kw_request_json(&r);
	EXPECT_STREQ("{\"version\":1,\"cmd\":\"modules\",\"loaded\":true}",
		     json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
	json_object_put(o);
	r.loaded = false;
	o = kw_request_json(&r);
	EXPECT_STREQ("{\"version\":1,\"cmd\":\"modules\"}",
		     json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
	json_object_put(o);
	bad(_metadata, "{\"version\":1,\"cmd\":\"modules\",\"loaded\":1}",
	    "'loaded' must be a boolean");
	bad(_metadata, "{\"version\":1,\"cmd\":\"status\",\"loaded\":true}",
	    "'loaded' is not valid for 'status'");
	bad(_metadata, "{\"version\":1,\"cmd\":\"module\",\"name\":\"x\",\"loaded\":true}",
	    "'loaded' is not valid for 'module'");
}

/* The staged policy's ops: history, rollback with an optional version */
TEST(policy_stage_ops)
{
	struct kw_request r;
	json_object *o;
	char err[256];

	ASSERT_EQ(0, req("{\"version\":1,\"cmd\":\"policy\",\"op\":\"history\"}", &r, err));
	EXPECT_EQ((int)KW_POLICY_HISTORY, (int)r.policy_op);
	ASSERT_EQ(0, req("{\"version\":1,\"cmd\":\"policy\",\"op\":\"rollback\"}", &r, err));
	EXPECT_EQ((int)KW_POLICY_ROLLBACK, (int)r.policy_op);
	EXPECT_EQ(0, (int)r.version);
	ASSERT_EQ(0, req("{\"version\":1,\"cmd\":\"policy\",\"op\":\"rollback\",\"policy_version\":7}",
			 &r, err));
	EXPECT_EQ(7, (int)r.version);
	/* the protocol's own "version" stays 1 on the way out */
	o = kw_request_json(&r);
	EXPECT_STREQ("{\"version\":1,\"cmd\":\"policy\",\"op\":\"rollback\",\"policy_version\":7}",
		     json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
	json_object_put(o);
	bad(_metadata, "{\"version\":1,\"cmd\":\"policy\",\"op\":\"history\",\"policy_version\":2}",
	    "'policy_version' goes with op 'rollback', and only there");
	bad(_metadata, "{\"version\":1,\"cmd\":\"policy\",\"op\":\"rollback\",\"policy_version\":0}",
	    "'policy_version' must be 1 to 100000");
	bad(_metadata, "{\"version\":1,\"cmd\":\"policy\",\"op\":\"rollback\",\"policy_version\":\"2\"}",
	    "'policy_version' must be a number");
	bad(_metadata, "{\"version\":1,\"cmd\":\"status\",\"policy_version\":2}",
	    "'policy_version' is not valid for 'status'");
	bad(_metadata, "{\"version\":1,\"cmd\":\"policy\",\"op\":\"undo\"}",
	    "'op' must be show, reload, apply, history or rollback");
}

TEST_HARNESS_MAIN
