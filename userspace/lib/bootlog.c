// SPDX-License-Identifier: GPL-2.0
/*
 * Boot records and crash logs, parsed. Both come from files a crash may
 * have cut short or an attacker may have written: every line is bounded,
 * every name checked, and nothing is trusted to be well formed.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "bootlog.h"
#include "alert.h"

static bool name_char(char c)
{
	return isalnum((unsigned char)c) || c == '_' || c == '-';
}

/* A module name: 1 to KW_NAME_LEN - 1 of [A-Za-z0-9_-] */
static bool name_ok(const char *s, size_t len)
{
	size_t i;

	if (!len || len >= KW_NAME_LEN)
		return false;
	for (i = 0; i < len; i++)
		if (!name_char(s[i]))
			return false;
	return true;
}

bool kw_boot_id_ok(const char *s)
{
	size_t i, n = strlen(s);

	if (n < 8 || n >= KW_BOOT_ID_LEN)
		return false;
	for (i = 0; i < n; i++)
		if (!isxdigit((unsigned char)s[i]) && s[i] != '-')
			return false;
	return true;
}

int kw_boot_add_module(struct kw_boot *b, const char *name)
{
	size_t i;

	if (!name_ok(name, strlen(name)))
		return -EINVAL;
	for (i = 0; i < b->nmodules; i++)
		if (!strcmp(b->modules[i], name))
			return 0;
	if (b->nmodules >= KW_BOOT_MAX_MODULES)
		return -ENOSPC;
	if (!b->modules) {
		b->modules = calloc(KW_BOOT_MAX_MODULES, sizeof(*b->modules));
		if (!b->modules)
			return -ENOMEM;
	}
	snprintf(b->modules[b->nmodules++], KW_NAME_LEN, "%s", name);
	return 1;
}

void kw_boot_free(struct kw_boot *b)
{
	free(b->modules);
	b->modules = NULL;
	b->nmodules = 0;
}

static int parse_u64(const char *s, uint64_t *out)
{
	char *end;

	if (!isdigit((unsigned char)*s))
		return -EINVAL;
	errno = 0;
	*out = strtoull(s, &end, 10);
	if (errno || (*end && *end != ' '))
		return -EINVAL;
	return 0;
}

/* One complete line, NUL-terminated, without its newline */
static void parse_line(struct kw_boot *b, char *line)
{
	char *val = strchr(line, ' ');
	uint64_t ns;

	if (!val)
		return;
	*val++ = '\0';
	if (!strcmp(line, "id") && kw_boot_id_ok(val)) {
		snprintf(b->id, sizeof(b->id), "%s", val);
	} else if (!strcmp(line, "start")) {
		parse_u64(val, &b->start_ns);
	} else if (!strcmp(line, "early")) {
		if (kw_boot_add_module(b, val) == 1)
			b->nearly++;
	} else if (!strcmp(line, "module")) {
		char *name = strchr(val, ' ');

		if (name && !parse_u64(val, &ns))
			kw_boot_add_module(b, name + 1);
	} else if (!strcmp(line, "healthy")) {
		if (!parse_u64(val, &ns) && !b->healthy_ns)
			b->healthy_ns = ns;
	} else if (!strcmp(line, "verdict")) {
		char *what = strchr(val, ' ');

		if (!what || parse_u64(val, &ns))
			return;
		if (!strcmp(what + 1, "healthy"))
			b->verdict = KW_BOOT_HEALTHY;
		else if (!strcmp(what + 1, "unhealthy"))
			b->verdict = KW_BOOT_UNHEALTHY;
		else
			return;
		b->verdict_ns = ns;
	} else if (!strcmp(line, "culprit")) {
		if (name_ok(val, strlen(val)))
			memcpy(b->culprit, val, strlen(val) + 1);
	} else if (!strcmp(line, "evidence")) {
		snprintf(b->evidence, sizeof(b->evidence), "%s", val);
		kw_one_line(b->evidence);
	}
}

int kw_boot_parse(const char *buf, size_t len, struct kw_boot *b)
{
	const char *s = buf, *end = buf + len, *nl;
	char line[512];
	bool first = true;

	memset(b, 0, sizeof(*b));
	if (len > KW_BOOT_RECORD_MAX)
		return -EFBIG;
	while (s < end && (nl = memchr(s, '\n', (size_t)(end - s)))) {
		size_t n = (size_t)(nl - s);

		if (n < sizeof(line) && !memchr(s, '\0', n)) {
			memcpy(line, s, n);
			line[n] = '\0';
			if (first && strcmp(line, "kwarden-boot 1")) {
				kw_boot_free(b);
				return -EINVAL;
			}
			if (!first)
				parse_line(b, line);
		}
		first = false;
		s = nl + 1;
	}
	if (first || !b->id[0]) {
		kw_boot_free(b);
		return -EINVAL;
	}
	return 0;
}

/* ---- crash logs ---- */

/* The module in "... [NAME]" at the end of a frame or RIP line */
static bool bracket_module(const char *line, char module[KW_NAME_LEN])
{
	const char *open = strrchr(line, '['), *close;

	if (!open)
		return false;
	close = strchr(open, ']');
	if (!close || close[1] != '\0' ||
	    !name_ok(open + 1, (size_t)(close - open - 1)))
		return false;
	/* "[    1.234]" time stamps are not module names */
	if (open > line && !strstr(line, "+0x"))
		return false;
	memcpy(module, open + 1, (size_t)(close - open - 1));
	module[close - open - 1] = '\0';
	return true;
}

/* The text of a log line without "<N>[ time] " and "[ T1] " prefixes */
static const char *strip_prefix(const char *s)
{
	if (*s == '<') {
		const char *e = strchr(s, '>');

		if (e && e - s <= 4)
			s = e + 1;
	}
	while (*s == '[') {
		const char *e = strchr(s, ']');

		if (!e)
			break;
		s = e + 1;
	}
	while (*s == ' ')
		s++;
	return s;
}

static bool is_crash(const char *s)
{
	static const char *const kw[] = {
		"kwarden: panic in module ", "kwarden: oops in module ",
		"kwarden: panic in no module",
	};
	size_t i;

	for (i = 0; i < 3; i++)
		if (!strncmp(s, kw[i], strlen(kw[i])))
			return true;
	return strstr(s, "Kernel panic - not syncing") || strstr(s, "Oops") ||
	       strstr(s, "BUG:");
}

/* "kwarden: panic in module NAME (...)": 1 with module set */
static int kwarden_line(const char *s, char module[KW_NAME_LEN])
{
	static const char *const pfx[] = {
		"kwarden: panic in module ", "kwarden: oops in module ",
	};
	size_t i, n;

	for (i = 0; i < 2; i++) {
		if (strncmp(s, pfx[i], strlen(pfx[i])))
			continue;
		s += strlen(pfx[i]);
		for (n = 0; name_char(s[n]); n++)
			;
		if (!name_ok(s, n) || (s[n] != ' ' && s[n] != '\0'))
			return 0;
		memcpy(module, s, n);
		module[n] = '\0';
		return 1;
	}
	return 0;
}

int kw_crash_attribute(const char *text, size_t len,
		       char module[KW_NAME_LEN], char *evidence, size_t elen)
{
	const char *p = text, *end = text + len, *nl, *s;
	char line[512], cand[KW_NAME_LEN];
	int best = 0;	/* 3: kwarden line, 2: RIP, 1: trace frame */
	bool crash = false, in_trace = false;

	module[0] = '\0';
	if (elen)
		evidence[0] = '\0';
	for (; p < end; p = nl + 1) {
		size_t n;

		nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl)
			nl = end;
		n = (size_t)(nl - p);
		if (n >= sizeof(line))
			n = sizeof(line) - 1;
		if (memchr(p, '\0', n))
			continue;
		memcpy(line, p, n);
		line[n] = '\0';
		line[strcspn(line, "\r")] = '\0';
		s = strip_prefix(line);
		if (is_crash(s))
			crash = true;
		if (!strncmp(s, "Call Trace:", 11)) {
			in_trace = true;
			continue;
		}
		if (best < 3 && kwarden_line(s, cand)) {
			best = 3;
		} else if (best < 2 && !strncmp(s, "RIP: 0010:", 10) &&
			   bracket_module(s, cand)) {
			best = 2;
		} else if (best < 1 && in_trace && s[0] != '?' &&
			   bracket_module(s, cand) && strcmp(cand, "kwarden")) {
			best = 1;
		} else {
			if (!strncmp(s, "</TASK>", 7))
				in_trace = false;
			continue;
		}
		snprintf(module, KW_NAME_LEN, "%s", cand);
		if (elen) {
			snprintf(evidence, elen, "%s", s);
			kw_one_line(evidence);
		}
	}
	if (!crash) {
		module[0] = '\0';
		if (elen)
			evidence[0] = '\0';
	}
	return crash;
}
