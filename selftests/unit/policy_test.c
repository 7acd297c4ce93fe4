// SPDX-License-Identifier: GPL-2.0
/*
 * Module-load policy file: a good file in full, every kind of bad line
 * reported as "file:line: message", hostile input (long lines, NUL bytes,
 * too many rules), the writer round trip, and matching with the kmod's
 * semantics (BLOCK first, first match wins, default, modes, safe mode).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "harness.h"
#pragma GCC diagnostic ignored "-Wsign-compare"
#include "compiler.h"
#include "policy.h"

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

static int parse(struct kw_policy *p, struct errs *e, const char *text)
{
	memset(e, 0, sizeof(*e));
	return kw_policy_parse(p, "policy", text, strlen(text), collect, e);
}

#define H1 "796e45916440cc36c34e68abd525f58e936d384de8e25123709b1f6a0e915393"
#define H2 "5451E06986093CBF3E91A944B8A6F95C385B3C2930945E09167A5D27563ED61C"

TEST(good_file)
{
	struct kw_policy p;
	struct errs e;
	uint8_t h[KW_HASH_LEN];

	ASSERT_EQ(0, parse(&p, &e,
		"# allowlist\n"
		"mode enforce\n"
		"default deny   # everything else\n"
		"allow name=ext4\n"
		"allow name=kw-dummy sha256=" H1 "\n"
		"\tallow file_sha256=" H2 " reason=\"from the \\\"vendor\\\" # 1\"\r\n"
		"deny name=nf_* sig=unsigned taints=OE path=/tmp/*\n"
		"allow sig=signed"));
	ASSERT_EQ(0, e.n);
	EXPECT_EQ(KW_POL_ENFORCE, p.mode);
	EXPECT_EQ(KW_RULE_DENY, p.def);
	ASSERT_EQ(5U, p.nrules);
	EXPECT_EQ(KW_RULE_ALLOW, p.rules[0].action);
	EXPECT_EQ(4U, p.rules[0].line);
	EXPECT_STREQ("ext4", p.rules[0].name);
	EXPECT_EQ(KW_RH_NAME, p.rules[0].has);
	EXPECT_STREQ("kw_dummy", p.rules[1].name);	/* '-' is '_' */
	ASSERT_EQ(0, kw_hash_parse(H1, h));
	EXPECT_EQ(0, memcmp(h, p.rules[1].hash, KW_HASH_LEN));
	EXPECT_EQ(KW_RH_NAME | KW_RH_HASH, p.rules[1].has);
	EXPECT_EQ(KW_RH_FILE_HASH, p.rules[2].has);
	EXPECT_EQ(0x54, p.rules[2].file_hash[0]);
	EXPECT_STREQ("from the \"vendor\" # 1", p.rules[2].reason);
	EXPECT_EQ(KW_RULE_DENY, p.rules[3].action);
	EXPECT_EQ(KW_RULE_SIG_UNSIGNED, p.rules[3].sig);
	EXPECT_EQ((1U << 12) | (1U << 13), p.rules[3].taints);
	EXPECT_STREQ("/tmp/*", p.rules[3].path);
	EXPECT_EQ(KW_RULE_SIG_SIGNED, p.rules[4].sig);
	EXPECT_EQ(8U, p.rules[4].line);
	kw_policy_free(&p);
}

TEST(empty_file_is_off)
{
	struct kw_policy p;
	struct errs e;

	ASSERT_EQ(0, parse(&p, &e, "# nothing\n\n\t# indented\n\x20\t\x20\n"));
	EXPECT_EQ(KW_POL_OFF, p.mode);
	EXPECT_EQ(KW_RULE_ALLOW, p.def);
	EXPECT_EQ(0U, p.nrules);
	kw_policy_free(&p);
}

static const struct {
	const char *text;
	const char *msg;	/* the start of the one report */
} bad[] = {
	{ "mode strict\n", "policy:1: mode: expected off, audit or enforce" },
	{ "mode audit\nmode enforce\n", "policy:2: mode given twice" },
	{ "default maybe\n", "policy:1: default: expected allow or deny" },
	{ "allow\n", "policy:1: allow: a rule needs at least one of" },
	{ "allow reason=x\n", "policy:1: allow: a rule needs at least one of" },
	{ "block name=x\n", "policy:1: unknown statement \"block\"" },
	{ "allow name\n", "policy:1: expected KEY=VALUE" },
	{ "allow =x\n", "policy:1: expected KEY=VALUE" },
	{ "allow color=red\n", "policy:1: unknown key \"color\"" },
	{ "allow name=a name=b\n", "policy:1: name given twice" },
	{ "allow name=\n", "policy:1: name: a module name or glob" },
	{ "allow name=a\\b\n", "policy:1: name: a module name or glob" },
	{ "allow name=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n",
	  "policy:1: name: a module name or glob" },
	{ "allow sha256=abc\n", "policy:1: sha256: expected 64 hex digits" },
	{ "allow sha256=" H1 "0\n", "policy:1: sha256: expected 64 hex digits" },
	{ "allow file_sha256=zz" H1 "\n", "policy:1: file_sha256: expected 64 hex digits" },
	{ "allow sig=maybe\n", "policy:1: sig: expected signed or unsigned" },
	{ "allow taints=OZ\n", "policy:1: taints: expected taint letters" },
	{ "allow taints=\n", "policy:1: taints: expected taint letters" },
	{ "allow path=relative/x.ko\n", "policy:1: path: an absolute file name" },
	{ "allow name=x reason=\"unterminated\n", "policy:1: unterminated quote" },
	{ "allow name=x reason=\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"\n",
	  "policy:1: reason: at most 63 characters" },
	{ "allow name=x\x01\n", "policy:1: control character" },
	{ "allow a=1 b=2 c=3 d=4 e=5 f=6 g=7 h=8 i=9 j=10 k=11 l=12 m=13 n=14 o=15 p=16\n",
	  "policy:1: too many words" },
};

TEST(bad_lines)
{
	struct kw_policy p;
	struct errs e;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		EXPECT_EQ(1, parse(&p, &e, bad[i].text)) {
			TH_LOG("input %zu: %s", i, bad[i].text);
		}
		EXPECT_EQ(0, strncmp(e.msg[0], bad[i].msg, strlen(bad[i].msg))) {
			TH_LOG("input %zu: got \"%s\", want \"%s...\"", i,
			       e.msg[0], bad[i].msg);
		}
		EXPECT_EQ(NULL, strchr(e.msg[0], '\n'));
		kw_policy_free(&p);
	}
}

/* Every problem of a file, each with its own line; the good lines stay */
TEST(several_problems_each_on_its_line)
{
	struct kw_policy p;
	struct errs e;

	EXPECT_EQ(3, parse(&p, &e,
		"mode audit\n"
		"allow name=ok\n"
		"allow color=red\n"
		"deny name=x sig=never\n"
		"\n"
		"bogus\n"));
	EXPECT_STREQ("policy:3: unknown key \"color\" (name, sha256, file_sha256, sig, taints, path, reason)",
		     e.msg[0]);
	EXPECT_EQ(0, strncmp(e.msg[1], "policy:4: ", 10));
	EXPECT_EQ(0, strncmp(e.msg[2], "policy:6: ", 10));
	EXPECT_EQ(1U, p.nrules);
	kw_policy_free(&p);
}

TEST(hostile_input)
{
	struct kw_policy p;
	struct errs e;
	size_t len = 3 * KW_POLICY_LINE_MAX, i, n;
	char *text = malloc(len + 64);

	ASSERT_NE(NULL, text);
	/* a line too long, then a good one */
	memset(text, 'a', len);
	memcpy(text + len, "\nmode enforce\n", 15);
	EXPECT_EQ(1, kw_policy_parse(&p, "policy", text, strlen(text), collect,
				     memset(&e, 0, sizeof(e))));
	EXPECT_EQ(0, strncmp(e.msg[0], "policy:1: line longer than", 26));
	EXPECT_EQ(KW_POL_ENFORCE, p.mode);
	kw_policy_free(&p);
	/* a NUL byte inside a line */
	memcpy(text, "mode audit\nallow name=a\0b\n", 26);
	EXPECT_EQ(1, kw_policy_parse(&p, "policy", text, 26, collect,
				     memset(&e, 0, sizeof(e))));
	EXPECT_EQ(0, strncmp(e.msg[0], "policy:2: NUL byte", 18));
	kw_policy_free(&p);
	free(text);

	/* one rule more than the kmod takes */
	n = (size_t)KW_MAX_RULES + 1;
	text = malloc(n * 24 + 1);
	ASSERT_NE(NULL, text);
	text[0] = '\0';
	for (i = 0, len = 0; i < n; i++)
		len += (size_t)sprintf(text + len, "allow name=m%zu\n", i);
	EXPECT_EQ(1, kw_policy_parse(&p, "policy", text, len, collect,
				     memset(&e, 0, sizeof(e))));
	EXPECT_EQ(0, strncmp(e.msg[0], "policy:4097: too many rules", 27));
	EXPECT_EQ((size_t)KW_MAX_RULES, p.nrules);
	kw_policy_free(&p);
	free(text);
}

static double seconds_since(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - t0->tv_sec) +
	       (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

/*
 * kw_policy_add() grows its array geometrically: KW_MAX_RULES + 1 adds
 * take milliseconds (one realloc per rule took 16 to 60 s under ASan).
 */
TEST(many_rules_fast)
{
	struct kw_rule r = { .action = KW_RULE_ALLOW, .has = KW_RH_NAME };
	struct timespec t0;
	struct kw_policy p;
	double secs;
	size_t i;

	kw_policy_init(&p);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < KW_MAX_RULES; i++) {
		snprintf(r.name, sizeof(r.name), "m%zu", i);
		r.line = (unsigned int)i + 1;
		ASSERT_EQ(0, kw_policy_add(&p, &r));
		ASSERT_LE(p.nrules, p.cap);
	}
	EXPECT_EQ(-E2BIG, kw_policy_add(&p, &r));
	secs = seconds_since(&t0);
	EXPECT_EQ((size_t)KW_MAX_RULES, p.nrules);
	EXPECT_EQ((size_t)KW_MAX_RULES, p.cap);	/* not a rule beyond */
	for (i = 0; i < KW_MAX_RULES; i++) {
		snprintf(r.name, sizeof(r.name), "m%zu", i);
		ASSERT_STREQ(r.name, p.rules[i].name);
		ASSERT_EQ(i + 1, p.rules[i].line);
	}
	EXPECT_GT(2.0, secs) TH_LOG("%zu rules took %.3f s", i, secs);
	kw_policy_free(&p);
	EXPECT_EQ(0U, p.cap);
}

TEST(load_file)
{
	char path[] = "/tmp/kw-policy-XXXXXX";
	struct kw_policy p;
	struct errs e = {};
	int fd = mkstemp(path);

	ASSERT_LE(0, fd);
	ASSERT_EQ(26, write(fd, "mode audit\nallow name=x y\n", 26));
	close(fd);
	EXPECT_EQ(1, kw_policy_load(&p, path, collect, &e));
	EXPECT_EQ(0, strncmp(e.msg[0], path, strlen(path)));
	EXPECT_STREQ(":2: expected KEY=VALUE, got \"y\"", e.msg[0] + strlen(path));
	kw_policy_free(&p);
	unlink(path);
	EXPECT_EQ(-ENOENT, kw_policy_load(&p, path, collect, &e));
	EXPECT_EQ(-EISDIR, kw_policy_load(&p, "/tmp", collect, &e));
}

TEST(write_round_trip)
{
	struct kw_policy p, q;
	struct errs e;
	char buf[4096];
	FILE *f;
	size_t i;

	ASSERT_EQ(0, parse(&p, &e,
		"mode audit\ndefault deny\n"
		"allow name=a* sha256=" H1 " file_sha256=" H2 "\n"
		"deny sig=unsigned taints=PO path=/x/\"y#z\".ko reason=\"a \\\\ b\"\n"));
	f = fmemopen(buf, sizeof(buf), "w");
	ASSERT_NE(NULL, f);
	kw_policy_write(f, &p);
	fclose(f);
	ASSERT_EQ(0, parse(&q, &e, buf)) {
		TH_LOG("%s", e.msg[0]);
	}
	EXPECT_EQ(p.mode, q.mode);
	EXPECT_EQ(p.def, q.def);
	ASSERT_EQ(p.nrules, q.nrules);
	for (i = 0; i < p.nrules; i++) {
		q.rules[i].line = p.rules[i].line;
		EXPECT_EQ(0, memcmp(&p.rules[i], &q.rules[i], sizeof(p.rules[i])));
	}
	EXPECT_STREQ("/x/y#z.ko", q.rules[1].path);
	EXPECT_STREQ("a \\ b", q.rules[1].reason);
	kw_rule_format(&p.rules[1], buf, sizeof(buf));
	EXPECT_STREQ("deny sig=unsigned taints=PO path=\"/x/y#z.ko\" reason=\"a \\\\ b\"", buf);
	kw_policy_free(&p);
	kw_policy_free(&q);
}

static unsigned int decide(const struct kw_policy *p, const char *name,
			   bool sig_ok, unsigned int taints, const uint8_t *hash,
			   bool safe, unsigned int *line)
{
	struct kw_mod_facts f = {
		.name = name, .sig_ok = sig_ok, .taints = taints, .hash = hash,
		.path = "/lib/modules/x/kernel/a.ko",
	};
	const struct kw_rule *r;
	unsigned int v;

	r = kw_policy_match(p, &f, safe, &v);
	*line = r ? r->line : 0;
	return v;
}

TEST(matching)
{
	struct kw_policy p;
	struct kw_rule block = { .action = KW_RULE_BLOCK, .has = KW_RH_NAME,
				 .name = "bad*" };
	struct errs e;
	uint8_t h[KW_HASH_LEN], other[KW_HASH_LEN] = { 1 };
	unsigned int line;

	ASSERT_EQ(0, kw_hash_parse(H1, h));
	ASSERT_EQ(0, parse(&p, &e,
		"mode enforce\ndefault deny\n"
		"allow name=ok\n"				/* 3 */
		"allow name=hashed sha256=" H1 "\n"		/* 4 */
		"deny name=ok*\n"				/* 5 */
		"allow name=ok2\n"				/* 6: never */
		"allow sig=signed taints=P\n"			/* 7 */
		"allow path=/lib/modules/*/kernel/*\n"));	/* 8 */
	ASSERT_EQ(0, kw_policy_add(&p, &block));

	EXPECT_EQ(KW_VERDICT_ALLOWED, decide(&p, "ok", 0, 0, NULL, 0, &line));
	EXPECT_EQ(3U, line);
	EXPECT_EQ(KW_VERDICT_DENIED, decide(&p, "ok2", 0, 0, NULL, 0, &line));
	EXPECT_EQ(5U, line);				/* first match wins */
	EXPECT_EQ(KW_VERDICT_ALLOWED, decide(&p, "hashed", 0, 0, h, 0, &line));
	EXPECT_EQ(4U, line);
	/* a wrong or unknown hash: the rule does not match, path does */
	EXPECT_EQ(KW_VERDICT_ALLOWED, decide(&p, "hashed", 0, 0, other, 0, &line));
	EXPECT_EQ(8U, line);
	EXPECT_EQ(KW_VERDICT_ALLOWED, decide(&p, "x", 1, 1, NULL, 0, &line));
	EXPECT_EQ(7U, line);
	/* BLOCK before every other rule, in every mode but safe mode */
	EXPECT_EQ(KW_VERDICT_DENIED, decide(&p, "bad1", 1, 1, NULL, 0, &line));
	EXPECT_EQ(0U, line);
	p.mode = KW_POL_AUDIT;
	EXPECT_EQ(KW_VERDICT_DENIED, decide(&p, "bad1", 0, 0, NULL, 0, &line));
	EXPECT_EQ(KW_VERDICT_WOULD_DENY, decide(&p, "ok2", 0, 0, NULL, 0, &line));
	p.mode = KW_POL_OFF;
	EXPECT_EQ(KW_VERDICT_DENIED, decide(&p, "bad1", 0, 0, NULL, 0, &line));
	EXPECT_EQ(KW_VERDICT_NONE, decide(&p, "ok2", 0, 0, NULL, 0, &line));
	EXPECT_EQ(KW_VERDICT_WOULD_DENY, decide(&p, "bad1", 0, 0, NULL, 1, &line));
	p.mode = KW_POL_ENFORCE;
	EXPECT_EQ(KW_VERDICT_WOULD_DENY, decide(&p, "ok2", 0, 0, NULL, 1, &line));
	/* the default, and a path that does not match */
	p.rules[5].has = 0;
	p.rules[5].sig = KW_RULE_SIG_UNSIGNED;
	snprintf(p.rules[5].path, sizeof(p.rules[5].path), "/nowhere/*");
	p.rules[5].has = KW_RH_PATH;
	p.rules[5].sig = 0;
	EXPECT_EQ(KW_VERDICT_DENIED, decide(&p, "zzz", 0, 0, NULL, 0, &line));
	EXPECT_EQ(0U, line);
	p.def = KW_RULE_ALLOW;
	EXPECT_EQ(KW_VERDICT_ALLOWED, decide(&p, "zzz", 0, 0, NULL, 0, &line));
	kw_policy_free(&p);
}

TEST_HARNESS_MAIN
