// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness: kwarden.conf parser. Any input must parse without a
 * crash, every problem report must be one "file:line: ..." line, and
 * every number that is accepted must be in bounds and exact: the input is
 * also tried as the value of each numeric key, and an accepted value must
 * equal what a reference reading of it in 128-bit arithmetic gives (no
 * wrap, no truncation).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "compiler.h"
#include "config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define DURATION_MAX	(30U * 86400)	/* the longest of any duration key */
#define REF_CAP		((__uint128_t)1 << 100)

static void check(void *ctx, const char *msg)
{
	if (strncmp(msg, "fuzz.conf:", 10) || strchr(msg, '\n'))
		abort();
}

static void count(void *ctx, const char *msg)
{
	check(ctx, msg);
	(*(int *)ctx)++;
}

/* What any accepted file may hold */
static void check_bounds(const struct kw_config *c)
{
	if (c->journal_path[0] != '/' || c->socket_path[0] != '/' ||
	    c->journal_max_bytes < 4096 || c->journal_max_bytes > 1ULL << 40 ||
	    c->journal_keep > 100 || c->fault_budget > KW_FAULT_BUDGET_MAX ||
	    !c->fault_window_s || c->fault_window_s > KW_FAULT_WINDOW_MAX ||
	    !c->boot_healthy_after || c->boot_healthy_after > DURATION_MAX ||
	    c->policy_audit_period > DURATION_MAX ||
	    !c->policy_storm_window || c->policy_storm_window > DURATION_MAX)
		abort();
}

/*
 * Reference: decimal digits, then at most one letter of units (muls[i] for
 * units[i]); saturates at REF_CAP. -1 if v is not written so.
 */
static int ref_number(const char *v, size_t len, const char *units,
		      const unsigned int *muls, __uint128_t *out)
{
	const char *u;
	size_t i;

	*out = 0;
	for (i = 0; i < len && v[i] >= '0' && v[i] <= '9'; i++) {
		*out = *out * 10 + (unsigned int)(v[i] - '0');
		if (*out > REF_CAP)
			*out = REF_CAP;
	}
	if (!i)
		return -1;
	if (i == len)
		return 0;
	u = units && v[i] ? strchr(units, v[i]) : NULL;
	if (!u || i + 1 != len)
		return -1;
	*out *= muls[u - units];
	return 0;
}

static const unsigned int time_muls[] = { 1, 60, 3600 };
static const unsigned int size_muls[] = { 1024, 1024, 1 << 20, 1 << 20,
					   1 << 30, 1 << 30 };

/* An accepted "fault_budget = v": exactly COUNT/WINDOW, in bounds */
static void check_budget(const struct kw_config *c, const char *v, size_t len)
{
	const char *slash = memchr(v, '/', len);
	__uint128_t n, w;

	if ((len == 3 && !memcmp(v, "off", 3)) || (len == 1 && *v == '0')) {
		if (c->fault_budget)
			abort();
		return;
	}
	if (!slash || ref_number(v, (size_t)(slash - v), NULL, NULL, &n) ||
	    ref_number(slash + 1, len - (size_t)(slash - v) - 1, "smh",
		       time_muls, &w) ||
	    (v[len - 1] >= '0' && v[len - 1] <= '9'))
		abort();
	if (n != c->fault_budget || w != c->fault_window_s)
		abort();
}

/* An accepted "KEY = v" of a number: the field holds exactly v */
static void check_number(const char *key, const struct kw_config *c,
			 const char *v, size_t len)
{
	static const struct {
		const char *key;
		size_t off;
		const char *units;
		const unsigned int *muls;
	} nums[] = {
		{ "journal_max_bytes", offsetof(struct kw_config, journal_max_bytes),
		  "kKmMgG", size_muls },
		{ "journal_keep", offsetof(struct kw_config, journal_keep),
		  NULL, NULL },
		{ "boot_healthy_after",
		  offsetof(struct kw_config, boot_healthy_after), "smh", time_muls },
		{ "policy_audit_period",
		  offsetof(struct kw_config, policy_audit_period), "smh", time_muls },
		{ "policy_storm_window",
		  offsetof(struct kw_config, policy_storm_window), "smh", time_muls },
		{ "policy_max_would_deny",
		  offsetof(struct kw_config, policy_max_would_deny), NULL, NULL },
	};
	__uint128_t want;
	uint64_t got;
	size_t i;

	if (!strcmp(key, "fault_budget")) {
		check_budget(c, v, len);
		return;
	}
	for (i = 0; strcmp(nums[i].key, key); i++)
		;
	if (ref_number(v, len, nums[i].units, nums[i].muls, &want))
		abort();
	got = i ? *(const unsigned int *)((const char *)c + nums[i].off)
		: c->journal_max_bytes;
	if (want != got)
		abort();
}

static bool is_blank(char ch)
{
	return ch == ' ' || ch == '\t' || ch == '\r';
}

/* data as the value of each numeric key, on a line of its own */
static void try_as_value(const char *v, size_t len)
{
	static const char *const keys[] = {
		"fault_budget", "journal_max_bytes", "journal_keep",
		"boot_healthy_after", "policy_audit_period",
		"policy_storm_window", "policy_max_would_deny",
	};
	struct kw_config cfg;
	char line[256];
	int n, errors;
	size_t i;

	if (len > 128 || memchr(v, '\n', len) || memchr(v, '\0', len) ||
	    memchr(v, '#', len))
		return;
	for (i = 0; i < ARRAY_SIZE(keys); i++) {
		n = snprintf(line, sizeof(line), "%s = %.*s\n", keys[i],
			     (int)len, v);
		kw_config_defaults(&cfg);
		errors = 0;
		if (kw_config_parse(&cfg, "fuzz.conf", line, (size_t)n, count,
				    &errors) != errors)
			abort();
		check_bounds(&cfg);
		if (errors)
			continue;
		/* the parser's value: without the blanks around it */
		while (len && is_blank(*v))
			v++, len--;
		while (len && is_blank(v[len - 1]))
			len--;
		check_number(keys[i], &cfg, v, len);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kw_config cfg;

	kw_config_defaults(&cfg);
	kw_config_parse(&cfg, "fuzz.conf", (const char *)data, size, check,
			NULL);
	check_bounds(&cfg);
	try_as_value((const char *)data, size);
	return 0;
}
