// SPDX-License-Identifier: GPL-2.0
/*
 * Config file parser. It never trusts the input: bounded lines, strict
 * values, and every problem reported with its file and line.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <dirent.h>
#include "alert.h"
#include "config.h"
#include "fileio.h"
#include "proto.h"
#include <linux/kwarden.h>
#include "compiler.h"

struct parser {
	struct kw_config *cfg;
	const char *name;
	unsigned int line;
	int errors;
	unsigned int seen[32];	/* line where each key was set, 0: not yet */
	unsigned int response_seen[KW_KIND_MAX];
	kw_report_fn *report;
	void *ctx;
};

enum key_type { KEY_PATH, KEY_SIZE, KEY_UINT, KEY_BOOL, KEY_DURATION, KEY_UNIT,
		KEY_BUDGET, KEY_MODE };

struct key {
	const char *name;
	enum key_type type;
	size_t off;
	size_t size;		/* buffer size for KEY_PATH */
	uint64_t min, max;	/* for numbers */
};

#define PATH_KEY(f) { #f, KEY_PATH, offsetof(struct kw_config, f), \
		      sizeof(((struct kw_config *)0)->f), 0, 0 }

static const struct key keys[] = {
	PATH_KEY(journal_path),
	{ "journal_max_bytes", KEY_SIZE,
	  offsetof(struct kw_config, journal_max_bytes), 0,
	  4096, 1ULL << 40 },
	{ "journal_keep", KEY_UINT, offsetof(struct kw_config, journal_keep),
	  0, 0, 100 },
	PATH_KEY(socket_path),
	{ "scan_interval_ms", KEY_UINT,
	  offsetof(struct kw_config, scan_interval_ms), 0, 10, 3600000 },
	{ "syslog", KEY_BOOL, offsetof(struct kw_config, syslog), 0, 0, 0 },
	{ "safe_mode", KEY_BOOL, offsetof(struct kw_config, safe_mode), 0, 0, 0 },
	PATH_KEY(blocklist_dir),
	PATH_KEY(modprobe_blocklist),
	PATH_KEY(forensics_dir),
	PATH_KEY(boot_dir),
	{ "boot_healthy_after", KEY_DURATION,
	  offsetof(struct kw_config, boot_healthy_after), 0, 1, 86400 },
	{ "boot_healthy_target", KEY_UNIT,
	  offsetof(struct kw_config, boot_healthy_target),
	  sizeof(((struct kw_config *)0)->boot_healthy_target), 0, 0 },
	{ "quarantine_after", KEY_UINT,
	  offsetof(struct kw_config, quarantine_after), 0, 0, 100 },
	PATH_KEY(policy_file),
	PATH_KEY(metrics_file),
	{ "fault_budget", KEY_BUDGET, 0, 0, 1, KW_FAULT_BUDGET_MAX },
	{ "dangerous_interfaces", KEY_MODE,
	  offsetof(struct kw_config, danger_mode), 0, 0, 0 },
	PATH_KEY(policy_store_dir),
	{ "policy_audit_period", KEY_DURATION,
	  offsetof(struct kw_config, policy_audit_period), 0, 0, 30 * 86400 },
	{ "policy_max_would_deny", KEY_UINT,
	  offsetof(struct kw_config, policy_max_would_deny), 0, 0, 1000000 },
	{ "policy_storm_denials", KEY_UINT,
	  offsetof(struct kw_config, policy_storm_denials), 0, 0, 256 },
	{ "policy_storm_window", KEY_DURATION,
	  offsetof(struct kw_config, policy_storm_window), 0, 1, 86400 },
	{ "policy_probation_boots", KEY_UINT,
	  offsetof(struct kw_config, policy_probation_boots), 0, 0, 100 },
};

void kw_config_defaults(struct kw_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	snprintf(cfg->journal_path, sizeof(cfg->journal_path), "%s",
		 "/var/lib/kwarden/alerts.jsonl");
	cfg->journal_max_bytes = 16ULL << 20;
	cfg->journal_keep = 4;
	snprintf(cfg->socket_path, sizeof(cfg->socket_path), "%s",
		 KW_CONTROL_SOCKET);
	cfg->scan_interval_ms = 1000;
	cfg->syslog = false;
	snprintf(cfg->blocklist_dir, sizeof(cfg->blocklist_dir), "%s",
		 "/var/lib/kwarden/blocked");
	snprintf(cfg->modprobe_blocklist, sizeof(cfg->modprobe_blocklist),
		 "%s", "/etc/modprobe.d/kwarden-blocked.conf");
	snprintf(cfg->forensics_dir, sizeof(cfg->forensics_dir), "%s",
		 "/var/lib/kwarden/forensics");
	/* response[]: all zero, KW_RESP_LOG after 1 */
	snprintf(cfg->boot_dir, sizeof(cfg->boot_dir), "%s",
		 "/var/lib/kwarden/boots");
	cfg->boot_healthy_after = 60;
	cfg->quarantine_after = 2;
	snprintf(cfg->policy_file, sizeof(cfg->policy_file), "%s",
		 "/etc/kwarden/policy");
	snprintf(cfg->metrics_file, sizeof(cfg->metrics_file), "%s",
		 "/var/lib/kwarden/kwarden.prom");
	cfg->fault_budget = 10;
	cfg->fault_window_s = 60;
	cfg->danger_mode = KW_POL_AUDIT;
	snprintf(cfg->policy_store_dir, sizeof(cfg->policy_store_dir), "%s",
		 "/var/lib/kwarden/policy");
	cfg->policy_audit_period = 600;
	cfg->policy_max_would_deny = 0;
	cfg->policy_storm_denials = 10;
	cfg->policy_storm_window = 60;
	cfg->policy_probation_boots = 2;
}

__printf(2, 3)
static void bad(struct parser *p, const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	int n;

	p->errors++;
	if (!p->report)
		return;
	n = snprintf(msg, sizeof(msg), "%s:%u: ", p->name, p->line);
	if (n < 0 || (size_t)n >= sizeof(msg))
		n = sizeof(msg) - 1;
	va_start(ap, fmt);
	vsnprintf(msg + n, sizeof(msg) - (size_t)n, fmt, ap);
	va_end(ap);
	kw_one_line(msg);	/* values are echoed: keep one line */
	p->report(p->ctx, msg);
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

/* [s, e) without surrounding blanks */
static void trim(const char **s, const char **e)
{
	while (*s < *e && is_blank(**s))
		(*s)++;
	while (*e > *s && is_blank((*e)[-1]))
		(*e)--;
}

/* A unit letter after a number, and what it multiplies by */
struct unit {
	char c;
	uint64_t mul;
};

static const struct unit size_units[] = {
	{ 'K', 1ULL << 10 }, { 'k', 1ULL << 10 }, { 'M', 1ULL << 20 },
	{ 'm', 1ULL << 20 }, { 'G', 1ULL << 30 }, { 'g', 1ULL << 30 },
};

static const struct unit time_units[] = {
	{ 's', 1 }, { 'm', 60 }, { 'h', 3600 },
};

/* How a number is written, by key type; the unit of its range in messages */
static const struct {
	const struct unit *units;
	size_t nunits;
	const char *what, *unit;
} syntax[] = {
	[KEY_UINT] = { NULL, 0, "number", "" },
	[KEY_SIZE] = { size_units, ARRAY_SIZE(size_units),
		       "size (bytes, or with K/M/G)", "" },
	[KEY_DURATION] = { time_units, ARRAY_SIZE(time_units),
			   "duration (seconds, or with s/m/h)", "s" },
};

/*
 * Decimal digits, then at most one letter of units: -EINVAL if v is not
 * that, -ERANGE if the number or its product with the unit does not fit
 * in 64 bits (checked before the multiplication: nothing wraps).
 */
static int parse_u64(const char *v, const struct unit *units, size_t nunits,
		     uint64_t *out)
{
	uint64_t mul = 1;
	char *end;
	size_t i;

	if (*v < '0' || *v > '9')
		return -EINVAL;
	errno = 0;
	*out = strtoull(v, &end, 10);
	if (*end) {
		for (i = 0; i < nunits && *end != units[i].c; i++)
			;
		if (i == nunits || end[1])
			return -EINVAL;
		mul = units[i].mul;
	}
	if (errno || *out > UINT64_MAX / mul)
		return -ERANGE;
	*out *= mul;
	return 0;
}

static int parse_bool(const char *v, bool *out)
{
	static const char *const yes[] = { "yes", "true", "on", "1" };
	static const char *const no[] = { "no", "false", "off", "0" };
	size_t i;

	for (i = 0; i < ARRAY_SIZE(yes); i++) {
		if (!strcmp(v, yes[i]) || !strcmp(v, no[i])) {
			*out = !strcmp(v, yes[i]);
			return 0;
		}
	}
	return -EINVAL;
}

static void set_path(struct parser *p, const struct key *k, const char *v)
{
	const char *c;

	if (v[0] != '/') {
		bad(p, "%s: '%s' is not an absolute path", k->name, v);
		return;
	}
	for (c = v; *c; c++) {
		if ((unsigned char)*c < 0x20 || *c == 0x7f) {
			bad(p, "%s: control character in path", k->name);
			return;
		}
	}
	if (strlen(v) >= k->size) {
		bad(p, "%s: path longer than %zu bytes", k->name, k->size - 1);
		return;
	}
	memcpy((char *)p->cfg + k->off, v, strlen(v) + 1);
}

/* A systemd unit name: [A-Za-z0-9:_.@-], with a dot */
static void set_unit(struct parser *p, const struct key *k, const char *v)
{
	const char *c;

	for (c = v; *c; c++) {
		if (!isalnum((unsigned char)*c) && !strchr(":_.@-", *c)) {
			bad(p, "%s: '%s' is not a systemd unit name", k->name, v);
			return;
		}
	}
	if (!strchr(v, '.') || strlen(v) >= k->size) {
		bad(p, "%s: '%s' is not a systemd unit name", k->name, v);
		return;
	}
	memcpy((char *)p->cfg + k->off, v, strlen(v) + 1);
}

/* The largest value k takes: what its field holds, at most */
static uint64_t key_max(const struct key *k)
{
	if (k->type != KEY_SIZE && k->max > UINT_MAX)
		return UINT_MAX;
	return k->max;
}

/* KEY_UINT, KEY_SIZE, KEY_DURATION (seconds) */
static void set_number(struct parser *p, const struct key *k, const char *v)
{
	uint64_t n;
	int err = parse_u64(v, syntax[k->type].units, syntax[k->type].nunits,
			    &n);

	if (err == -EINVAL) {
		bad(p, "%s: '%s' is not a %s", k->name, v, syntax[k->type].what);
		return;
	}
	if (err || n < k->min || n > key_max(k)) {
		bad(p, "%s: %s out of range [%llu%s, %llu%s]", k->name, v,
		    (unsigned long long)k->min, syntax[k->type].unit,
		    (unsigned long long)key_max(k), syntax[k->type].unit);
		return;
	}
	if (k->type == KEY_SIZE)
		*(uint64_t *)((char *)p->cfg + k->off) = n;
	else
		*(unsigned int *)((char *)p->cfg + k->off) = (unsigned int)n;
}

/* "10/60s", "3/5m", "100/1h" (the window's unit is not optional), or "off" */
static void set_budget(struct parser *p, const struct key *k, const char *v)
{
	char count_s[KW_CONF_LINE_MAX], *window_s;
	uint64_t count, window;
	int err_c, err_w;

	if (!strcmp(v, "off") || !strcmp(v, "0")) {
		p->cfg->fault_budget = 0;
		return;
	}
	snprintf(count_s, sizeof(count_s), "%s", v);
	window_s = strchr(count_s, '/');
	if (!window_s || isdigit((unsigned char)v[strlen(v) - 1]))
		goto syntax;
	*window_s++ = '\0';
	err_c = parse_u64(count_s, NULL, 0, &count);
	err_w = parse_u64(window_s, time_units, ARRAY_SIZE(time_units),
			  &window);
	if (err_c == -EINVAL || err_w == -EINVAL)
		goto syntax;
	if (err_c || err_w || count < k->min || count > k->max || !window ||
	    window > KW_FAULT_WINDOW_MAX) {
		bad(p, "%s: '%s' out of range (%llu to %llu faults, a window of 1 s to %u s)",
		    k->name, v, (unsigned long long)k->min,
		    (unsigned long long)k->max, KW_FAULT_WINDOW_MAX);
		return;
	}
	p->cfg->fault_budget = (unsigned int)count;
	p->cfg->fault_window_s = (unsigned int)window;
	return;
syntax:
	bad(p, "%s: '%s' is not COUNT/WINDOW (e.g. 10/60s, 5/10m, 100/1h) or off",
	    k->name, v);
}

static void set_mode(struct parser *p, const struct key *k, const char *v)
{
	static const char *const modes[] = {
		[KW_POL_OFF] = "off",
		[KW_POL_AUDIT] = "audit",
		[KW_POL_ENFORCE] = "enforce",
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(modes); i++) {
		if (!strcmp(v, modes[i])) {
			*(unsigned int *)((char *)p->cfg + k->off) = i;
			return;
		}
	}
	bad(p, "%s: '%s' is not off, audit or enforce", k->name, v);
}

static void set_value(struct parser *p, const struct key *k, const char *v)
{
	bool b;

	switch (k->type) {
	case KEY_PATH:
		set_path(p, k, v);
		break;
	case KEY_SIZE:
	case KEY_UINT:
	case KEY_DURATION:
		set_number(p, k, v);
		break;
	case KEY_UNIT:
		set_unit(p, k, v);
		break;
	case KEY_BUDGET:
		set_budget(p, k, v);
		break;
	case KEY_MODE:
		set_mode(p, k, v);
		break;
	case KEY_BOOL:
		if (parse_bool(v, &b))
			bad(p, "%s: '%s' is not a boolean (yes/no, true/false, on/off, 1/0)",
			    k->name, v);
		else
			*(bool *)((char *)p->cfg + k->off) = b;
		break;
	}
}

static const struct key *find_key(const char *name, size_t *idx)
{
	for (*idx = 0; *idx < ARRAY_SIZE(keys); (*idx)++)
		if (!strcmp(keys[*idx].name, name))
			return &keys[*idx];
	return NULL;
}

/* '#' at the start, or after a blank, begins a comment */
static const char *comment_start(const char *s, const char *e)
{
	const char *c;

	for (c = s; c < e; c++)
		if (*c == '#' && (c == s || is_blank(c[-1])))
			return c;
	return e;
}

/* response.KIND = ACTION [after N]; see response.h */
static void parse_response(struct parser *p, const char *kind,
			   const char *vs, const char *ve)
{
	char value[KW_CONF_LINE_MAX], err[256];
	struct kw_response_rule rule;
	unsigned int k;

	memcpy(value, vs, (size_t)(ve - vs));
	value[ve - vs] = '\0';
	if (kw_response_parse(kind, value, &rule, &k, err, sizeof(err))) {
		bad(p, "%s", err);
		return;
	}
	if (p->response_seen[k]) {
		bad(p, "response.%s: already set on line %u", kind,
		    p->response_seen[k]);
		return;
	}
	p->response_seen[k] = p->line;
	p->cfg->response[k] = rule;
}

static void parse_assignment(struct parser *p, const char *s, const char *e)
{
	const char *eq = memchr(s, '=', (size_t)(e - s)), *ks = s, *ke, *vs, *ve;
	char name[64], value[KW_CONF_LINE_MAX];
	const struct key *k;
	size_t idx;

	if (!eq) {
		bad(p, "expected 'key = value'");
		return;
	}
	ke = eq;
	vs = eq + 1;
	ve = e;
	trim(&ks, &ke);
	trim(&vs, &ve);
	if (ks == ke || (size_t)(ke - ks) >= sizeof(name)) {
		bad(p, ks == ke ? "missing key before '='" : "key too long");
		return;
	}
	memcpy(name, ks, (size_t)(ke - ks));
	name[ke - ks] = '\0';
	if (!strncmp(name, "response.", 9)) {
		parse_response(p, name + 9, vs, ve);
		return;
	}
	k = find_key(name, &idx);
	if (!k) {
		bad(p, "unknown key '%s'", name);
		return;
	}
	if (vs == ve) {
		bad(p, "%s: missing value", name);
		return;
	}
	if (p->seen[idx]) {
		bad(p, "%s: already set on line %u", name, p->seen[idx]);
		return;
	}
	p->seen[idx] = p->line;
	memcpy(value, vs, (size_t)(ve - vs));
	value[ve - vs] = '\0';
	set_value(p, k, value);
}

static void parse_line(struct parser *p, const char *s, const char *e)
{
	if ((size_t)(e - s) >= KW_CONF_LINE_MAX) {
		bad(p, "line longer than %d bytes", KW_CONF_LINE_MAX - 1);
		return;
	}
	if (memchr(s, '\0', (size_t)(e - s))) {
		bad(p, "NUL byte in line");
		return;
	}
	e = comment_start(s, e);
	trim(&s, &e);
	if (s < e)
		parse_assignment(p, s, e);
}

int kw_config_parse(struct kw_config *cfg, const char *name, const char *buf,
		    size_t len, kw_report_fn *report, void *ctx)
{
	struct parser p = {
		.cfg = cfg, .name = name, .report = report, .ctx = ctx,
	};
	const char *s = buf, *end = buf + len, *nl;

	_Static_assert(ARRAY_SIZE(keys) <= ARRAY_SIZE(p.seen), "seen[]");
	while (s < end) {
		p.line++;
		nl = memchr(s, '\n', (size_t)(end - s));
		if (!nl)
			nl = end;
		parse_line(&p, s, nl);
		s = nl + 1;
	}
	return p.errors;
}

static ssize_t read_file(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = kw_read_full(fd, buf, len);
	close(fd);
	return n;
}

int kw_config_load(struct kw_config *cfg, const char *path,
		   kw_report_fn *report, void *ctx)
{
	char *buf = malloc(KW_CONF_MAX_BYTES + 1);
	ssize_t n;
	int errors;

	if (!buf)
		return -ENOMEM;
	n = read_file(path, buf, KW_CONF_MAX_BYTES + 1);
	if (n < 0) {
		free(buf);
		return (int)n;
	}
	if (n > KW_CONF_MAX_BYTES) {
		free(buf);
		if (report) {
			char msg[PATH_MAX + 64];

			snprintf(msg, sizeof(msg), "%s:1: file larger than %d bytes",
				 path, KW_CONF_MAX_BYTES);
			report(ctx, msg);
		}
		return 1;
	}
	errors = kw_config_parse(cfg, path, buf, (size_t)n, report, ctx);
	free(buf);
	return errors;
}

/* "*.conf", not hidden: what a drop-in directory holds for us */
static int is_dropin(const struct dirent *de)
{
	size_t n = strlen(de->d_name);

	return de->d_name[0] != '.' && n > 5 &&
	       !strcmp(de->d_name + n - 5, ".conf");
}

static void report_path(kw_report_fn *report, void *ctx, const char *path,
			const char *what)
{
	char msg[PATH_MAX + 128];

	if (!report)
		return;
	snprintf(msg, sizeof(msg), "%s:1: %s", path, what);
	report(ctx, msg);
}

int kw_config_load_dropins(struct kw_config *cfg, const char *path,
			   kw_report_fn *report, void *ctx)
{
	char dir[PATH_MAX], file[PATH_MAX];
	struct dirent **list;
	int n, i, r, errors = 0;

	if (snprintf(dir, sizeof(dir), "%s.d", path) >= (int)sizeof(dir))
		return 0;
	n = scandir(dir, &list, is_dropin, alphasort);
	if (n < 0)
		return errno == ENOENT || errno == ENOTDIR ? 0 : -errno;
	for (i = 0; i < n; i++) {
		if (i >= KW_CONF_DROPINS_MAX) {
			report_path(report, ctx, dir,
				    "too many drop-ins: the rest are not read");
			errors++;
		} else if (snprintf(file, sizeof(file), "%s/%s", dir,
				    list[i]->d_name) < (int)sizeof(file)) {
			r = kw_config_load(cfg, file, report, ctx);
			if (r < 0)
				report_path(report, ctx, file, strerror(-r));
			errors += r < 0 ? 1 : r;
		}
		free(list[i]);
	}
	free(list);
	return errors;
}
