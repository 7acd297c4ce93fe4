// SPDX-License-Identifier: GPL-2.0
/*
 * kwarden.conf parser: good files, and every kind of bad line reported as
 * "file:line: message" while the rest of the file still applies.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "harness.h"
#include "config.h"
#include "compiler.h"
#include <linux/kwarden.h>

struct errs {
	int n;
	char msg[16][512];
};

static void collect(void *ctx, const char *msg)
{
	struct errs *e = ctx;

	if (e->n < 16)
		snprintf(e->msg[e->n], sizeof(e->msg[0]), "%s", msg);
	e->n++;
}

static int parse(struct kw_config *cfg, struct errs *e, const char *text)
{
	kw_config_defaults(cfg);
	memset(e, 0, sizeof(*e));
	return kw_config_parse(cfg, "test.conf", text, strlen(text), collect, e);
}

TEST(defaults)
{
	struct kw_config cfg;

	kw_config_defaults(&cfg);
	EXPECT_STREQ("/var/lib/kwarden/alerts.jsonl", cfg.journal_path);
	EXPECT_STREQ("/run/kwarden/control.sock", cfg.socket_path);
	EXPECT_EQ(16ULL << 20, cfg.journal_max_bytes);
	EXPECT_EQ(4U, cfg.journal_keep);
	EXPECT_FALSE(cfg.syslog);
	EXPECT_STREQ("/etc/kwarden/policy", cfg.policy_file);
}

TEST(good_file)
{
	struct kw_config cfg;
	struct errs e;

	ASSERT_EQ(0, parse(&cfg, &e,
		"# kwarden configuration\n"
		"\n"
		"journal_path = /srv/kw/alerts.jsonl\n"
		"  journal_max_bytes=8M   # eight MiB\n"
		"journal_keep\t=\t7\r\n"
		"socket_path = /run/kw.sock\n"
		"scan_interval_ms = 250\n"
		"syslog = yes"));		/* no final newline */
	EXPECT_EQ(0, e.n);
	EXPECT_STREQ("/srv/kw/alerts.jsonl", cfg.journal_path);
	EXPECT_EQ(8ULL << 20, cfg.journal_max_bytes);
	EXPECT_EQ(7U, cfg.journal_keep);
	EXPECT_STREQ("/run/kw.sock", cfg.socket_path);
	EXPECT_EQ(250U, cfg.scan_interval_ms);
	EXPECT_TRUE(cfg.syslog);
}

/* The staged policy's keys: defaults, durations with units, bounds */
TEST(policy_staging_keys)
{
	struct kw_config cfg;
	struct errs e;

	kw_config_defaults(&cfg);
	EXPECT_STREQ("/var/lib/kwarden/policy", cfg.policy_store_dir);
	EXPECT_EQ(600U, cfg.policy_audit_period);
	EXPECT_EQ(0U, cfg.policy_max_would_deny);
	EXPECT_EQ(10U, cfg.policy_storm_denials);
	EXPECT_EQ(60U, cfg.policy_storm_window);
	EXPECT_EQ(2U, cfg.policy_probation_boots);
	ASSERT_EQ(0, parse(&cfg, &e,
		"policy_store_dir = /srv/kw/policy\n"
		"policy_audit_period = 2h\n"
		"policy_max_would_deny = 3\n"
		"policy_storm_denials = 0\n"
		"policy_storm_window = 5m\n"
		"policy_probation_boots = 1\n"));
	EXPECT_EQ(0, e.n);
	EXPECT_STREQ("/srv/kw/policy", cfg.policy_store_dir);
	EXPECT_EQ(7200U, cfg.policy_audit_period);
	EXPECT_EQ(3U, cfg.policy_max_would_deny);
	EXPECT_EQ(0U, cfg.policy_storm_denials);
	EXPECT_EQ(300U, cfg.policy_storm_window);
	EXPECT_EQ(1U, cfg.policy_probation_boots);
	/* 0 s of audit is allowed (enforce at once), a test's 8s too */
	ASSERT_EQ(0, parse(&cfg, &e, "policy_audit_period = 0\n"));
	EXPECT_EQ(0U, cfg.policy_audit_period);
	ASSERT_EQ(0, parse(&cfg, &e, "policy_audit_period = 8s\n"));
	EXPECT_EQ(8U, cfg.policy_audit_period);
	/* out of bounds: reported, the default kept */
	EXPECT_EQ(3, parse(&cfg, &e,
		"policy_audit_period = 31d\n"
		"policy_storm_denials = 257\n"
		"policy_storm_window = 0\n"));
	EXPECT_EQ(600U, cfg.policy_audit_period);
	EXPECT_EQ(10U, cfg.policy_storm_denials);
	EXPECT_EQ(60U, cfg.policy_storm_window);
}

TEST(sizes_and_booleans)
{
	static const struct { const char *v; uint64_t bytes; } sizes[] = {
		{ "4096", 4096 }, { "64K", 64 << 10 }, { "64k", 64 << 10 },
		{ "2G", 2ULL << 30 }, { "1024G", 1ULL << 40 },
	};
	static const char *const yes[] = { "yes", "true", "on", "1" };
	static const char *const no[] = { "no", "false", "off", "0" };
	struct kw_config cfg;
	struct errs e;
	char line[64];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		snprintf(line, sizeof(line), "journal_max_bytes = %s\n", sizes[i].v);
		EXPECT_EQ(0, parse(&cfg, &e, line));
		EXPECT_EQ(sizes[i].bytes, cfg.journal_max_bytes);
	}
	for (i = 0; i < 4; i++) {
		snprintf(line, sizeof(line), "syslog = %s\n", yes[i]);
		EXPECT_EQ(0, parse(&cfg, &e, line));
		EXPECT_TRUE(cfg.syslog);
		snprintf(line, sizeof(line), "syslog = %s\n", no[i]);
		EXPECT_EQ(0, parse(&cfg, &e, line));
		EXPECT_FALSE(cfg.syslog);
	}
}

/* One bad line each; the message names file, line and the problem */
TEST(bad_lines)
{
	static const struct { const char *text, *msg; } cases[] = {
		{ "journal_path\n", "test.conf:1: expected 'key = value'" },
		{ "\n\n= 5\n", "test.conf:3: missing key before '='" },
		{ "bogus = 1\n", "test.conf:1: unknown key 'bogus'" },
		{ "journal_keep =\n", "test.conf:1: journal_keep: missing value" },
		{ "journal_keep = many\n", "test.conf:1: journal_keep: 'many' is not a number" },
		{ "journal_keep = -1\n", "test.conf:1: journal_keep: '-1' is not a number" },
		{ "journal_keep = 101\n", "test.conf:1: journal_keep: 101 out of range [0, 100]" },
		{ "journal_keep = 99999999999999999999999\n", "test.conf:1: journal_keep: 99999999999999999999999 out of range [0, 100]" },
		{ "journal_max_bytes = 10\n", "test.conf:1: journal_max_bytes: 10 out of range [4096, 1099511627776]" },
		{ "journal_max_bytes = 5T\n", "test.conf:1: journal_max_bytes: '5T' is not a size (bytes, or with K/M/G)" },
		{ "journal_max_bytes = 16777216000000G\n", "test.conf:1: journal_max_bytes: 16777216000000G out of range [4096, 1099511627776]" },
		{ "scan_interval_ms = 0x10\n", "test.conf:1: scan_interval_ms: '0x10' is not a number" },
		{ "syslog = maybe\n", "test.conf:1: syslog: 'maybe' is not a boolean (yes/no, true/false, on/off, 1/0)" },
		{ "journal_path = relative/x\n", "test.conf:1: journal_path: 'relative/x' is not an absolute path" },
		{ "socket_path = /aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n", "test.conf:1: socket_path: path longer than 107 bytes" },
		{ "journal_path = /a\x01z\n", "test.conf:1: journal_path: control character in path" },
		{ "journal_keep = 1\njournal_keep = 2\n", "test.conf:2: journal_keep: already set on line 1" },
	};
	struct kw_config cfg;
	struct errs e;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		EXPECT_EQ(1, parse(&cfg, &e, cases[i].text)) TH_LOG("case %zu", i);
		EXPECT_STREQ(cases[i].msg, e.msg[0]);
	}
}

TEST(bad_lines_keep_defaults_good_lines_apply)
{
	struct kw_config cfg;
	struct errs e;

	EXPECT_EQ(2, parse(&cfg, &e,
		"journal_keep = lots\n"
		"journal_max_bytes = 1M\n"
		"syslog = sometimes\n"));
	EXPECT_EQ(4U, cfg.journal_keep);
	EXPECT_EQ(1ULL << 20, cfg.journal_max_bytes);
	EXPECT_FALSE(cfg.syslog);
	EXPECT_STREQ("test.conf:3: syslog: 'sometimes' is not a boolean (yes/no, true/false, on/off, 1/0)",
		     e.msg[1]);
}

TEST(fault_budget_and_dangerous_interfaces)
{
	static const char *const bads[] = {
		"10", "10/60", "0/60s", "10/0s", "10/8d", "10/8x",
		"2000000/1s", "/60s", "10/s", "-1/60s",
	};
	struct kw_config cfg;
	struct errs e;
	char line[64];
	size_t i;

	kw_config_defaults(&cfg);
	EXPECT_EQ(10U, cfg.fault_budget);
	EXPECT_EQ(60U, cfg.fault_window_s);
	EXPECT_EQ((unsigned int)KW_POL_AUDIT, cfg.danger_mode);

	ASSERT_EQ(0, parse(&cfg, &e, "fault_budget = 5/10m\n"
				     "dangerous_interfaces = enforce\n"));
	EXPECT_EQ(5U, cfg.fault_budget);
	EXPECT_EQ(600U, cfg.fault_window_s);
	EXPECT_EQ((unsigned int)KW_POL_ENFORCE, cfg.danger_mode);

	ASSERT_EQ(0, parse(&cfg, &e, "fault_budget = 100/1h\n"
				     "dangerous_interfaces = off\n"));
	EXPECT_EQ(100U, cfg.fault_budget);
	EXPECT_EQ(3600U, cfg.fault_window_s);
	EXPECT_EQ((unsigned int)KW_POL_OFF, cfg.danger_mode);

	ASSERT_EQ(0, parse(&cfg, &e, "fault_budget = off\n"));
	EXPECT_EQ(0U, cfg.fault_budget);

	/* bad values are reported and leave the default */
	for (i = 0; i < ARRAY_SIZE(bads); i++) {
		snprintf(line, sizeof(line), "fault_budget = %s\n", bads[i]);
		EXPECT_EQ(1, parse(&cfg, &e, line));
		EXPECT_EQ(10U, cfg.fault_budget);
		EXPECT_EQ(60U, cfg.fault_window_s);
		EXPECT_NE(NULL, strstr(e.msg[0], "test.conf:1: fault_budget: '"));
	}
	EXPECT_EQ(1, parse(&cfg, &e, "dangerous_interfaces = deny\n"));
	EXPECT_EQ((unsigned int)KW_POL_AUDIT, cfg.danger_mode);
	EXPECT_NE(NULL, strstr(e.msg[0], "test.conf:1: dangerous_interfaces: 'deny' is not off, audit or enforce"));
}

/*
 * Numbers whose product with their unit, or whose value, does not fit:
 * reported as out of range, never wrapped or truncated into range.
 */
TEST(overflow_is_out_of_range)
{
	static const struct { const char *text, *msg; } cases[] = {
		/* 5124095576030432 * 3600 wraps to 3584 */
		{ "fault_budget = 10/5124095576030432h\n",
		  "test.conf:1: fault_budget: '10/5124095576030432h' out of range (1 to 1000000 faults, a window of 1 s to 604800 s)" },
		{ "fault_budget = 10/307445734561825861m\n", NULL },
		{ "fault_budget = 10/18446744073709551616s\n", NULL },
		{ "fault_budget = 18446744073709551617/60s\n", NULL },
		{ "fault_budget = 4294967297/60s\n", NULL },
		{ "policy_audit_period = 5124095576030432h\n",
		  "test.conf:1: policy_audit_period: 5124095576030432h out of range [0s, 2592000s]" },
		{ "boot_healthy_after = 307445734561825861m\n", NULL },
		{ "policy_storm_window = 18446744073709551616\n", NULL },
		{ "policy_audit_period = 4294967297\n", NULL },
		/* (2^54 + 4) KiB wraps to 4096 bytes */
		{ "journal_max_bytes = 18014398509481988K\n",
		  "test.conf:1: journal_max_bytes: 18014398509481988K out of range [4096, 1099511627776]" },
		{ "journal_max_bytes = 17179869184G\n", NULL },
		/* 2^32 is 0 in an unsigned int */
		{ "journal_keep = 4294967296\n",
		  "test.conf:1: journal_keep: 4294967296 out of range [0, 100]" },
		{ "response.ftrace_hook = disable after 18446744073709551617\n",
		  "response.ftrace_hook: after '18446744073709551617' is not 1 to" },
	};
	struct kw_config cfg, def;
	struct errs e;
	size_t i;

	kw_config_defaults(&def);
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		EXPECT_EQ(1, parse(&cfg, &e, cases[i].text)) TH_LOG("case %zu", i);
		EXPECT_EQ(0, memcmp(&def, &cfg, sizeof(cfg))) TH_LOG("case %zu", i);
		EXPECT_NE(NULL, strstr(e.msg[0], " out of range") ?:
				strstr(e.msg[0], " is not 1 to"))
			TH_LOG("case %zu: %s", i, e.msg[0]);
		if (cases[i].msg)
			EXPECT_NE(NULL, strstr(e.msg[0], cases[i].msg))
				TH_LOG("case %zu: %s", i, e.msg[0]);
	}
	/* the largest values in range, and long zero-padded ones, still fit */
	ASSERT_EQ(0, parse(&cfg, &e, "fault_budget = 1000000/168h\n"
				     "policy_audit_period = 720h\n"
				     "boot_healthy_after = 0000000000000000000000000000000000000001440m\n"
				     "journal_max_bytes = 1024G\n"));
	EXPECT_EQ(1000000U, cfg.fault_budget);
	EXPECT_EQ(7U * 86400, cfg.fault_window_s);
	EXPECT_EQ(30U * 86400, cfg.policy_audit_period);
	EXPECT_EQ(86400U, cfg.boot_healthy_after);
	EXPECT_EQ(1ULL << 40, cfg.journal_max_bytes);
}

TEST(comments)
{
	struct kw_config cfg;
	struct errs e;

	/* '#' inside a value is kept; '#' after a blank starts a comment */
	EXPECT_EQ(0, parse(&cfg, &e,
		"#journal_keep = 1\n"
		"   # indented comment\n"
		"journal_path = /srv/a#b.jsonl # trailing\n"));
	EXPECT_STREQ("/srv/a#b.jsonl", cfg.journal_path);
	EXPECT_EQ(4U, cfg.journal_keep);
}

TEST(long_line_and_nul)
{
	struct kw_config cfg;
	struct errs e;
	char *text = malloc(3000);

	ASSERT_NE(NULL, text);
	memset(text, 'a', 2999);
	text[2999] = '\0';
	EXPECT_EQ(1, parse(&cfg, &e, text));
	EXPECT_STREQ("test.conf:1: line longer than 1023 bytes", e.msg[0]);
	free(text);
	kw_config_defaults(&cfg);
	memset(&e, 0, sizeof(e));
	EXPECT_EQ(1, kw_config_parse(&cfg, "test.conf", "syslog = y\0es\n", 14,
				     collect, &e));
	EXPECT_STREQ("test.conf:1: NUL byte in line", e.msg[0]);
}

TEST(control_characters_are_not_echoed)
{
	struct kw_config cfg;
	struct errs e;

	EXPECT_EQ(1, parse(&cfg, &e, "syslog = \x1b[31mred\n"));
	EXPECT_EQ(NULL, strchr(e.msg[0], '\x1b'));
}

TEST(no_report_callback)
{
	struct kw_config cfg;

	kw_config_defaults(&cfg);
	EXPECT_EQ(2, kw_config_parse(&cfg, "x", "a\nb = 1\n", 8, NULL, NULL));
}

TEST(load_file)
{
	char path[] = "/tmp/kw-conf-XXXXXX";
	struct kw_config cfg;
	struct errs e = {};
	int fd = mkstemp(path);

	ASSERT_LE(0, fd);
	ASSERT_EQ(28, write(fd, "journal_keep = 9\nsyslog = x\n", 28));
	close(fd);
	kw_config_defaults(&cfg);
	EXPECT_EQ(1, kw_config_load(&cfg, path, collect, &e));
	EXPECT_EQ(9U, cfg.journal_keep);
	EXPECT_EQ(0, strncmp(e.msg[0], path, strlen(path)));
	EXPECT_STREQ(":2: syslog: 'x' is not a boolean (yes/no, true/false, on/off, 1/0)",
		     e.msg[0] + strlen(path));
	unlink(path);
	EXPECT_EQ(-ENOENT, kw_config_load(&cfg, path, collect, &e));
}

static void put_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

/* kwarden.conf.d/NAME.conf in name order, later wins; others skipped */
TEST(dropins)
{
	char dir[] = "/tmp/kw-confd-XXXXXX", path[256], d[300], f[400];
	struct kw_config cfg;
	struct errs e = {};

	ASSERT_NE(NULL, mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/kwarden.conf", dir);
	snprintf(d, sizeof(d), "%s.d", path);
	kw_config_defaults(&cfg);
	/* no directory: nothing to read, no problem */
	EXPECT_EQ(0, kw_config_load_dropins(&cfg, path, collect, &e));
	put_file(path, "journal_keep = 3\nquarantine_after = 4\n");
	ASSERT_EQ(0, mkdir(d, 0700));
	snprintf(f, sizeof(f), "%s/20-late.conf", d);
	put_file(f, "journal_keep = 7\n");
	snprintf(f, sizeof(f), "%s/10-early.conf", d);
	put_file(f, "journal_keep = 5\nfault_budget = 5/20s\nsyslog = x\n");
	snprintf(f, sizeof(f), "%s/30-skipped.conf.bak", d);
	put_file(f, "journal_keep = 99\n");
	snprintf(f, sizeof(f), "%s/.40-hidden.conf", d);
	put_file(f, "journal_keep = 98\n");
	EXPECT_EQ(0, kw_config_load(&cfg, path, collect, &e));
	EXPECT_EQ(1, kw_config_load_dropins(&cfg, path, collect, &e));
	EXPECT_EQ(7U, cfg.journal_keep);
	EXPECT_EQ(4U, cfg.quarantine_after);
	EXPECT_EQ(5U, cfg.fault_budget);
	EXPECT_EQ(20U, cfg.fault_window_s);
	ASSERT_EQ(1, e.n);
	EXPECT_NE(NULL, strstr(e.msg[0], "/kwarden.conf.d/10-early.conf:3: syslog"));
	/* an unreadable drop-in (a directory named .conf) is one problem */
	snprintf(f, sizeof(f), "%s/50-dir.conf", d);
	ASSERT_EQ(0, mkdir(f, 0700));
	EXPECT_EQ(2, kw_config_load_dropins(&cfg, path, collect, &e));
	snprintf(f, sizeof(f), "rm -rf %s", dir);
	EXPECT_EQ(0, system(f));
}

TEST(oversized_file)
{
	char path[] = "/tmp/kw-conf-XXXXXX";
	struct kw_config cfg;
	struct errs e = {};
	char *buf = calloc(1, KW_CONF_MAX_BYTES + 10);
	int fd = mkstemp(path);

	ASSERT_LE(0, fd);
	ASSERT_NE(NULL, buf);
	memset(buf, '\n', KW_CONF_MAX_BYTES + 10);
	ASSERT_EQ(KW_CONF_MAX_BYTES + 10,
		  write(fd, buf, KW_CONF_MAX_BYTES + 10));
	close(fd);
	kw_config_defaults(&cfg);
	EXPECT_EQ(1, kw_config_load(&cfg, path, collect, &e));
	EXPECT_NE(NULL, strstr(e.msg[0], "file larger than 65536 bytes"));
	unlink(path);
	free(buf);
}

/* The response policy: default log, ACTION [after N], strict errors */
TEST(response_policy)
{
	struct kw_config cfg;
	struct errs e;
	unsigned int k;

	kw_config_defaults(&cfg);
	for (k = 0; k < KW_KIND_MAX; k++)
		EXPECT_EQ(KW_RESP_LOG, cfg.response[k].action);
	EXPECT_FALSE(cfg.safe_mode);
	EXPECT_STREQ("/var/lib/kwarden/blocked", cfg.blocklist_dir);
	EXPECT_STREQ("/etc/modprobe.d/kwarden-blocked.conf",
		     cfg.modprobe_blocklist);

	ASSERT_EQ(0, parse(&cfg, &e,
		"response.ftrace_hook = disable\n"
		"response.module_fault = quarantine after 3\n"
		"response.syscall_table_modified = restore\n"
		"response.kprobe_hook=contain   # in use? contain\n"
		"safe_mode = on\n"
		"blocklist_dir = /srv/blocked\n"));
	EXPECT_EQ(0, e.n);
	EXPECT_EQ(KW_RESP_DISABLE, cfg.response[KW_KIND_ftrace_hook].action);
	EXPECT_EQ(KW_RESP_QUARANTINE, cfg.response[KW_KIND_module_fault].action);
	EXPECT_EQ(3U, cfg.response[KW_KIND_module_fault].after);
	EXPECT_EQ(KW_RESP_RESTORE,
		  cfg.response[KW_KIND_syscall_table_modified].action);
	EXPECT_EQ(KW_RESP_CONTAIN, cfg.response[KW_KIND_kprobe_hook].action);
	EXPECT_EQ(KW_RESP_LOG, cfg.response[KW_KIND_fops_hook].action);
	EXPECT_TRUE(cfg.safe_mode);
	EXPECT_STREQ("/srv/blocked", cfg.blocklist_dir);

	ASSERT_EQ(8, parse(&cfg, &e,
		"response.nonsense = disable\n"
		"response.ftrace_hook = explode\n"
		"response.module_disabled = disable\n"
		"response.fops_hook = restore\n"
		"response.module_fault = quarantine after 0\n"
		"response.module_fault = quarantine after\n"
		"response.kprobe_hook = disable later 3\n"
		"response.idt_modified = restore\n"
		"response.idt_modified = log\n"));
	EXPECT_STREQ("test.conf:1: response.nonsense: unknown kind", e.msg[0]);
	EXPECT_NE(NULL, strstr(e.msg[1], "'explode' is not one of log, restore"));
	EXPECT_NE(NULL, strstr(e.msg[2], "names no module"));
	EXPECT_NE(NULL, strstr(e.msg[3], "restore works for"));
	EXPECT_NE(NULL, strstr(e.msg[4], "after '0' is not 1 to"));
	EXPECT_NE(NULL, strstr(e.msg[5], "expected 'ACTION' or 'ACTION after N'"));
	EXPECT_NE(NULL, strstr(e.msg[6], "expected 'ACTION' or 'ACTION after N'"));
	EXPECT_STREQ("test.conf:9: response.idt_modified: already set on line 8",
		     e.msg[7]);
	/* bad lines leave the default */
	EXPECT_EQ(KW_RESP_LOG, cfg.response[KW_KIND_ftrace_hook].action);
	EXPECT_EQ(KW_RESP_RESTORE, cfg.response[KW_KIND_idt_modified].action);
}

TEST(boot_health_keys)
{
	struct kw_config cfg;
	struct errs e;

	kw_config_defaults(&cfg);
	EXPECT_EQ(60U, cfg.boot_healthy_after);
	EXPECT_EQ(2U, cfg.quarantine_after);
	EXPECT_STREQ("/var/lib/kwarden/boots", cfg.boot_dir);
	EXPECT_STREQ("", cfg.boot_healthy_target);

	ASSERT_EQ(0, parse(&cfg, &e,
		"boot_healthy_after = 2m\n"
		"boot_healthy_target = multi-user.target\n"
		"quarantine_after = 3\n"
		"boot_dir = /srv/boots\n"));
	EXPECT_EQ(120U, cfg.boot_healthy_after);
	EXPECT_STREQ("multi-user.target", cfg.boot_healthy_target);
	EXPECT_EQ(3U, cfg.quarantine_after);
	EXPECT_STREQ("/srv/boots", cfg.boot_dir);

	ASSERT_EQ(0, parse(&cfg, &e, "boot_healthy_after = 45\n"));
	EXPECT_EQ(45U, cfg.boot_healthy_after);
	ASSERT_EQ(0, parse(&cfg, &e, "boot_healthy_after = 30s\n"));
	EXPECT_EQ(30U, cfg.boot_healthy_after);
}

TEST(boot_health_bad_values)
{
	static const char *const bad[] = {
		"boot_healthy_after = 0\n",
		"boot_healthy_after = 2d\n",
		"boot_healthy_after = 25h\n",
		"boot_healthy_after = s\n",
		"boot_healthy_target = ../../etc/x\n",
		"boot_healthy_target = multi user.target\n",
		"quarantine_after = 101\n",
	};
	struct kw_config cfg;
	struct errs e;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		EXPECT_EQ(1, parse(&cfg, &e, bad[i]));
		EXPECT_EQ(60U, cfg.boot_healthy_after);
		EXPECT_STREQ("", cfg.boot_healthy_target);
		EXPECT_EQ(2U, cfg.quarantine_after);
	}
	parse(&cfg, &e, bad[0]);
	EXPECT_STREQ("test.conf:1: boot_healthy_after: 0 out of range [1s, 86400s]",
		     e.msg[0]);
	parse(&cfg, &e, bad[1]);
	EXPECT_STREQ("test.conf:1: boot_healthy_after: '2d' is not a duration (seconds, or with s/m/h)",
		     e.msg[0]);
}

TEST_HARNESS_MAIN
