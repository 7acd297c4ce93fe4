// SPDX-License-Identifier: GPL-2.0
/*
 * What this kernel series cannot give kwarden is said, not silent: inside
 * a test VM, `kwardenctl status` lists every LSM hook the running kernel
 * lacks (bpf.missing_hooks, and a line in the table), a hook whose loss
 * costs coverage raises one kwarden_degraded alert naming it, and the
 * rest of the BPF side is loaded and attached all the same.
 *
 * The hooks expected missing come from the kernel version, written down
 * here, not asked of the kernel the way kwardend asks: file_truncate
 * appeared in 6.2, bpf_prog_load in 6.9.
 */
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>
#include "unit/harness.h"
#include "kw_vmtest.h"

struct kw_hook_case {
	const char *hook;
	int since;		/* major * 100 + minor */
	bool lost;		/* coverage lost: a kwarden_degraded alert */
};

static const struct kw_hook_case kw_hooks[] = {
	{ "file_truncate", 602, false },
	{ "bpf_prog_load", 609, true },
};

static int kernel_version(void)
{
	struct utsname u;
	int major = 0, minor = 0;

	if (uname(&u) || sscanf(u.release, "%d.%d", &major, &minor) != 2)
		return 0;
	return major * 100 + minor;
}

/* The entry of status' bpf.missing_hooks for @hook, or NULL */
static json_object *missing_entry(json_object *st, const char *hook)
{
	json_object *a = kw_get(kw_get(st, "bpf"), "missing_hooks");
	size_t i, n = a ? json_object_array_length(a) : 0;
	json_object *m;

	for (i = 0; i < n; i++) {
		m = json_object_array_get_idx(a, i);
		if (!strcmp(kw_rec_str(m, "hook") ?: "", hook))
			return m;
	}
	return NULL;
}

/* kwarden_degraded alerts that name @hook as detail.missing_hook */
static int degraded_alerts(const char *hook)
{
	FILE *p = popen("kwardenctl --json alerts --kind kwarden_degraded", "r");
	char *line = NULL;
	json_object *rec;
	size_t cap = 0;
	ssize_t len;
	int n = 0;

	if (!p)
		return -1;
	while ((len = getline(&line, &cap, p)) > 0) {
		rec = kw_parse_line(line, (size_t)len - (line[len - 1] == '\n'));
		if (!strcmp(kw_rec_str(kw_get(rec, "detail"), "missing_hook") ?:
			    "", hook))
			n++;
		json_object_put(rec);
	}
	free(line);
	pclose(p);
	return n;
}

FIXTURE(compat) {
	json_object *st;
	int version;
};

FIXTURE_SETUP(compat)
{
	self->st = kw_status();
	if (!self->st)
		SKIP(return, "kwardend is not running");
	self->version = kernel_version();
	ASSERT_LT(0, self->version);
}

FIXTURE_TEARDOWN(compat)
{
	json_object_put(self->st);
}

/* Each hook is listed exactly where the kernel predates it */
TEST_F(compat, missing_hooks_listed_in_status)
{
	const struct kw_hook_case *c;
	json_object *m;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(kw_hooks); i++) {
		c = &kw_hooks[i];
		m = missing_entry(self->st, c->hook);
		TH_LOG("%s: %s", c->hook, m ? "missing" : "present");
		if (self->version >= c->since) {
			EXPECT_EQ(NULL, m);
			continue;
		}
		ASSERT_NE(NULL, m);
		EXPECT_EQ(c->lost, json_object_get_boolean(kw_get(m, "lost")));
		EXPECT_NE(NULL, kw_rec_str(m, "effect"));
	}
}

/*
 * A kwarden_degraded for each hook whose absence costs coverage (one per
 * start of kwardend: other tests restart it), none for the others.
 */
TEST_F(compat, lost_coverage_is_an_alert)
{
	const struct kw_hook_case *c;
	size_t i;
	int n;

	for (i = 0; i < ARRAY_SIZE(kw_hooks); i++) {
		c = &kw_hooks[i];
		n = degraded_alerts(c->hook);
		/* braces: the harness' EXPECT_* are if statements */
		if (c->lost && self->version < c->since) {
			EXPECT_LE(1, n);
		} else {
			EXPECT_EQ(0, n);
		}
	}
}

/* The table for people says it too */
TEST_F(compat, status_table_says_degraded)
{
	char line[512];
	bool said = false, expect = false;
	FILE *p = popen("kwardenctl status", "r");
	size_t i;

	ASSERT_NE(NULL, p);
	while (fgets(line, sizeof(line), p))
		if (strstr(line, "no hook bpf_prog_load") &&
		    strstr(line, "(DEGRADED)"))
			said = true;
	pclose(p);
	for (i = 0; i < ARRAY_SIZE(kw_hooks); i++)
		if (!strcmp(kw_hooks[i].hook, "bpf_prog_load"))
			expect = self->version < kw_hooks[i].since;
	EXPECT_EQ(expect, said);
}

/* How many of status' bpf.programs are @sec */
static int programs(json_object *st, const char *sec)
{
	json_object *a = kw_get(kw_get(st, "bpf"), "programs");
	size_t i, len = a ? json_object_array_length(a) : 0;
	int n = 0;

	for (i = 0; i < len; i++)
		if (!strcmp(json_object_get_string(
				json_object_array_get_idx(a, i)) ?: "", sec))
			n++;
	return n;
}

/*
 * Whatever is missing, the three objects load (module loads, the guard,
 * dangerous interfaces), and inode_setattr has one program, of this
 * kernel's shape.
 */
TEST_F(compat, objects_load_around_missing_hooks)
{
	/* kwarden.bpf.c and danger.bpf.c each have one */
	EXPECT_EQ(2, programs(self->st, "lsm/kernel_load_data"));
	EXPECT_EQ(1, programs(self->st, "lsm/task_kill"));
	EXPECT_EQ(1, programs(self->st, "lsm/perf_event_alloc"));
	EXPECT_EQ(1, programs(self->st, "lsm/inode_setattr"));
	EXPECT_TRUE(json_object_get_boolean(kw_get(kw_get(self->st, "guard"),
						   "loaded")));
	EXPECT_LT(0, json_object_get_int(kw_get(kw_get(self->st, "bpf"),
						"attached")));
}

TEST_HARNESS_MAIN
