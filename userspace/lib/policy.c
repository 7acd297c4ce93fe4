// SPDX-License-Identifier: GPL-2.0
/*
 * The module-load policy file: parser, writer and the same matching as
 * kwarden.ko's gate (kmod/policy.c). The parser never trusts its input:
 * bounded lines, bounded values, every problem reported with its line,
 * and nothing half-parsed is ever returned as valid.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <linux/kwarden_glob.h>
#include "compiler.h"
#include "names.h"
#include "policy.h"

#define MAX_WORDS	16

/* Letters of include/linux/panic.h's taint bits, by bit number */
static const char taint_chars[] = "PFSRMBUDAWCIOELKXTN";

struct parser {
	struct kw_policy *p;
	const char *name;
	unsigned int line;
	int errors;
	bool have_mode, have_default;
	kw_report_fn *report;
	void *ctx;
};

__printf(2, 3)
static void problem(struct parser *ps, const char *fmt, ...)
{
	char msg[512];
	int n;
	va_list ap;

	ps->errors++;
	if (!ps->report)
		return;
	n = snprintf(msg, sizeof(msg), "%s:%u: ", ps->name, ps->line);
	va_start(ap, fmt);
	vsnprintf(msg + n, sizeof(msg) - (size_t)n, fmt, ap);
	va_end(ap);
	for (n = 0; msg[n]; n++)
		if (msg[n] == '\n' || msg[n] == '\r')
			msg[n] = ' ';
	ps->report(ps->ctx, msg);
}

void kw_policy_init(struct kw_policy *p)
{
	memset(p, 0, sizeof(*p));
	p->mode = KW_POL_OFF;
	p->def = KW_RULE_ALLOW;
}

void kw_policy_free(struct kw_policy *p)
{
	free(p->rules);
	kw_policy_init(p);
}

/* Room for one more rule: the array doubles (16 first, KW_MAX_RULES last) */
static int policy_grow(struct kw_policy *p)
{
	size_t cap = p->cap < 8 ? 16 : p->cap * 2;
	struct kw_rule *n;

	if (p->nrules < p->cap)
		return 0;
	if (cap > KW_MAX_RULES)
		cap = KW_MAX_RULES;
	if (cap <= p->nrules)
		cap = p->nrules + 1;
	n = realloc(p->rules, cap * sizeof(*n));
	if (!n)
		return -ENOMEM;
	p->rules = n;
	p->cap = cap;
	return 0;
}

int kw_policy_add(struct kw_policy *p, const struct kw_rule *r)
{
	int err;

	if (p->nrules >= KW_MAX_RULES)
		return -E2BIG;
	err = policy_grow(p);
	if (err)
		return err;
	p->rules[p->nrules++] = *r;
	return 0;
}

int kw_taints_parse(const char *letters, unsigned int *mask)
{
	const char *c;

	*mask = 0;
	if (!*letters)
		return -EINVAL;
	for (; *letters; letters++) {
		c = strchr(taint_chars, *letters);
		if (!c || !*letters)
			return -EINVAL;
		*mask |= 1U << (c - taint_chars);
	}
	return 0;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (char)tolower((unsigned char)c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

int kw_hash_parse(const char *hex, uint8_t *out)
{
	int i, hi, lo;

	if (strlen(hex) != 2 * KW_HASH_LEN)
		return -EINVAL;
	for (i = 0; i < KW_HASH_LEN; i++) {
		hi = hexval(hex[2 * i]);
		lo = hexval(hex[2 * i + 1]);
		if (hi < 0 || lo < 0)
			return -EINVAL;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	return 0;
}

void kw_hash_hex(const uint8_t *hash, char *buf)
{
	int i;

	for (i = 0; i < KW_HASH_LEN; i++)
		sprintf(buf + 2 * i, "%02x", hash[i]);
	buf[2 * KW_HASH_LEN] = '\0';
}

/*
 * Splits a line into words, in place. A word may be quoted in part
 * ("a b", with \" and \\ inside quotes); an unquoted # starts a comment.
 * Returns the number of words, or -1 (reported) on a bad line.
 */
static int split(struct parser *ps, char *s, char **words)
{
	int n = 0;
	char *out;
	bool quoted;

	for (;;) {
		while (*s == ' ' || *s == '\t' || *s == '\r')
			s++;
		if (!*s || *s == '#')
			return n;
		if (n == MAX_WORDS) {
			problem(ps, "too many words (at most %d)", MAX_WORDS);
			return -1;
		}
		words[n++] = out = s;
		quoted = false;
		for (; *s; s++) {
			if (*s == '"') {
				quoted = !quoted;
				continue;
			}
			if (!quoted && (*s == ' ' || *s == '\t' || *s == '\r'))
				break;
			if (quoted && *s == '\\' && (s[1] == '"' || s[1] == '\\'))
				s++;
			if ((unsigned char)*s < 0x20 || *s == 0x7f) {
				problem(ps, "control character in a word");
				return -1;
			}
			*out++ = *s;
		}
		if (quoted) {
			problem(ps, "unterminated quote");
			return -1;
		}
		if (*s)
			s++;
		*out = '\0';
	}
}

/* The kernel names modules with '_' where files say '-' */
static void module_name(char *name)
{
	int depth = 0;

	for (; *name; name++) {
		if (*name == '[')
			depth = 1;
		else if (*name == ']')
			depth = 0;
		else if (*name == '-' && !depth)
			*name = '_';
	}
}

static bool glob_ok(const char *s)
{
	for (; *s; s++)
		if (*s == '\\' || (unsigned char)*s <= ' ' || *s == 0x7f)
			return false;
	return true;
}

static int rule_key(struct parser *ps, struct kw_rule *r, char *word)
{
	char *eq = strchr(word, '='), *v;
	size_t len;

	if (!eq || eq == word) {
		problem(ps, "expected KEY=VALUE, got \"%.40s\"", word);
		return -1;
	}
	*eq = '\0';
	v = eq + 1;
	len = strlen(v);
	if (!strcmp(word, "name")) {
		if (r->has & KW_RH_NAME)
			goto dup;
		if (!len || len >= sizeof(r->name) || !glob_ok(v)) {
			problem(ps, "name: a module name or glob of 1 to %zu characters, no spaces or backslashes",
				sizeof(r->name) - 1);
			return -1;
		}
		memcpy(r->name, v, len + 1);
		module_name(r->name);
		r->has |= KW_RH_NAME;
	} else if (!strcmp(word, "sha256") || !strcmp(word, "file_sha256")) {
		bool file = word[0] == 'f';
		unsigned int bit = file ? KW_RH_FILE_HASH : KW_RH_HASH;

		if (r->has & bit)
			goto dup;
		if (kw_hash_parse(v, file ? r->file_hash : r->hash)) {
			problem(ps, "%s: expected 64 hex digits", word);
			return -1;
		}
		r->has |= bit;
	} else if (!strcmp(word, "sig")) {
		if (r->sig != KW_RULE_SIG_ANY)
			goto dup;
		if (!strcmp(v, "signed")) {
			r->sig = KW_RULE_SIG_SIGNED;
		} else if (!strcmp(v, "unsigned")) {
			r->sig = KW_RULE_SIG_UNSIGNED;
		} else {
			problem(ps, "sig: expected signed or unsigned, got \"%.40s\"", v);
			return -1;
		}
	} else if (!strcmp(word, "taints")) {
		if (r->taints)
			goto dup;
		if (kw_taints_parse(v, &r->taints)) {
			problem(ps, "taints: expected taint letters from \"%s\", got \"%.40s\"",
				taint_chars, v);
			return -1;
		}
	} else if (!strcmp(word, "path")) {
		if (r->has & KW_RH_PATH)
			goto dup;
		if (v[0] != '/' || len >= sizeof(r->path) || !glob_ok(v)) {
			problem(ps, "path: an absolute file name or glob of at most %zu characters, no spaces or backslashes",
				sizeof(r->path) - 1);
			return -1;
		}
		memcpy(r->path, v, len + 1);
		r->has |= KW_RH_PATH;
	} else if (!strcmp(word, "reason")) {
		if (r->reason[0])
			goto dup;
		if (len >= sizeof(r->reason)) {
			problem(ps, "reason: at most %zu characters", sizeof(r->reason) - 1);
			return -1;
		}
		memcpy(r->reason, v, len + 1);
	} else {
		problem(ps, "unknown key \"%.40s\" (name, sha256, file_sha256, sig, taints, path, reason)",
			word);
		return -1;
	}
	return 0;
dup:
	problem(ps, "%s given twice", word);
	return -1;
}

static void parse_rule(struct parser *ps, char **words, int n)
{
	struct kw_rule r = {
		.action = words[0][0] == 'a' ? KW_RULE_ALLOW : KW_RULE_DENY,
		.line = ps->line,
	};
	int i, err;

	for (i = 1; i < n; i++)
		if (rule_key(ps, &r, words[i]))
			return;
	if (!r.has && !r.sig && !r.taints) {
		problem(ps, "%s: a rule needs at least one of name, sha256, file_sha256, sig, taints, path",
			words[0]);
		return;
	}
	err = kw_policy_add(ps->p, &r);
	if (err == -E2BIG)
		problem(ps, "too many rules (at most %d)", KW_MAX_RULES);
	else if (err)
		problem(ps, "out of memory");
}

static void parse_statement(struct parser *ps, char **words, int n)
{
	int v;

	if (!strcmp(words[0], "mode")) {
		v = n == 2 ? kw_pol_mode_from_name(words[1]) : -1;
		if (v < 0)
			problem(ps, "mode: expected off, audit or enforce");
		else if (ps->have_mode)
			problem(ps, "mode given twice");
		else
			ps->p->mode = (unsigned int)v;
		ps->have_mode = true;
	} else if (!strcmp(words[0], "default")) {
		if (n != 2 || (strcmp(words[1], "allow") && strcmp(words[1], "deny")))
			problem(ps, "default: expected allow or deny");
		else if (ps->have_default)
			problem(ps, "default given twice");
		else
			ps->p->def = words[1][0] == 'a' ? KW_RULE_ALLOW : KW_RULE_DENY;
		ps->have_default = true;
	} else if (!strcmp(words[0], "allow") || !strcmp(words[0], "deny")) {
		parse_rule(ps, words, n);
	} else {
		problem(ps, "unknown statement \"%.40s\" (mode, default, allow, deny)",
			words[0]);
	}
}

int kw_policy_parse(struct kw_policy *p, const char *name, const char *buf,
		    size_t len, kw_report_fn *report, void *ctx)
{
	struct parser ps = {
		.p = p, .name = name, .report = report, .ctx = ctx,
	};
	char line[KW_POLICY_LINE_MAX + 1], *words[MAX_WORDS];
	const char *end = buf + len, *nl;
	size_t n;
	int nw;

	kw_policy_init(p);
	while (buf < end) {
		ps.line++;
		nl = memchr(buf, '\n', (size_t)(end - buf));
		n = (size_t)((nl ? nl : end) - buf);
		if (n > KW_POLICY_LINE_MAX) {
			problem(&ps, "line longer than %d bytes", KW_POLICY_LINE_MAX);
		} else if (memchr(buf, '\0', n)) {
			problem(&ps, "NUL byte in the line");
		} else {
			memcpy(line, buf, n);
			line[n] = '\0';
			nw = split(&ps, line, words);
			if (nw > 0)
				parse_statement(&ps, words, nw);
		}
		buf += n + (nl ? 1 : 0);
	}
	return ps.errors;
}

int kw_policy_load(struct kw_policy *p, const char *path,
		   kw_report_fn *report, void *ctx)
{
	struct stat st;
	ssize_t r;
	size_t len = 0;
	char *buf;
	int fd, err;

	kw_policy_init(p);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		err = S_ISDIR(st.st_mode) ? -EISDIR : -EINVAL;
		close(fd);
		return err;
	}
	if (st.st_size > KW_POLICY_MAX_BYTES) {
		close(fd);
		return -EFBIG;
	}
	buf = malloc((size_t)st.st_size + 1);
	if (!buf) {
		close(fd);
		return -ENOMEM;
	}
	while (len <= (size_t)st.st_size) {
		r = read(fd, buf + len, (size_t)st.st_size + 1 - len);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		len += (size_t)r;
	}
	close(fd);
	if (len > (size_t)st.st_size) {
		free(buf);
		return -EFBIG;	/* grew while we read it */
	}
	err = kw_policy_parse(p, path, buf, len, report, ctx);
	free(buf);
	return err;
}

static bool rule_matches(const struct kw_rule *r, const struct kw_mod_facts *f)
{
	if ((r->has & KW_RH_NAME) && !kw_glob_match(r->name, f->name))
		return false;
	if ((r->has & KW_RH_HASH) &&
	    (!f->hash || memcmp(r->hash, f->hash, KW_HASH_LEN)))
		return false;
	if ((r->has & KW_RH_FILE_HASH) &&
	    (!f->file_hash || memcmp(r->file_hash, f->file_hash, KW_HASH_LEN)))
		return false;
	if (r->sig == KW_RULE_SIG_SIGNED && !f->sig_ok)
		return false;
	if (r->sig == KW_RULE_SIG_UNSIGNED && f->sig_ok)
		return false;
	if (r->taints && !(r->taints & f->taints))
		return false;
	if ((r->has & KW_RH_PATH) &&
	    (!f->path || !f->path[0] || !kw_glob_match(r->path, f->path)))
		return false;
	return true;
}

const struct kw_rule *kw_policy_match(const struct kw_policy *p,
				      const struct kw_mod_facts *f, bool safe,
				      unsigned int *verdict)
{
	const struct kw_rule *r = NULL;
	unsigned int action;
	size_t i;

	for (i = 0; i < p->nrules && !r; i++)
		if (p->rules[i].action == KW_RULE_BLOCK &&
		    rule_matches(&p->rules[i], f))
			r = &p->rules[i];
	for (i = 0; i < p->nrules && !r; i++)
		if (p->rules[i].action != KW_RULE_BLOCK &&
		    rule_matches(&p->rules[i], f))
			r = &p->rules[i];
	if (p->mode == KW_POL_OFF && !(r && r->action == KW_RULE_BLOCK)) {
		*verdict = KW_VERDICT_NONE;
		return NULL;
	}
	action = r ? r->action : p->def;
	if (action == KW_RULE_ALLOW)
		*verdict = KW_VERDICT_ALLOWED;
	else if (!safe && (p->mode == KW_POL_ENFORCE ||
			   action == KW_RULE_BLOCK))
		*verdict = KW_VERDICT_DENIED;
	else
		*verdict = KW_VERDICT_WOULD_DENY;
	return r;
}

/* A value as a word of the file: quoted when it must be */
static void put_value(FILE *out, const char *key, const char *v)
{
	bool quote = !*v || strpbrk(v, " \t\"#\\") != NULL;

	fprintf(out, " %s=", key);
	if (!quote) {
		fputs(v, out);
		return;
	}
	fputc('"', out);
	for (; *v; v++) {
		if (*v == '"' || *v == '\\')
			fputc('\\', out);
		fputc(*v, out);
	}
	fputc('"', out);
}

static void write_rule(FILE *out, const struct kw_rule *r)
{
	char hex[2 * KW_HASH_LEN + 1], letters[32];
	size_t i, n = 0;

	fputs(kw_rule_action_name(r->action) ?: "deny", out);
	if (r->has & KW_RH_NAME)
		put_value(out, "name", r->name);
	if (r->has & KW_RH_HASH) {
		kw_hash_hex(r->hash, hex);
		put_value(out, "sha256", hex);
	}
	if (r->has & KW_RH_FILE_HASH) {
		kw_hash_hex(r->file_hash, hex);
		put_value(out, "file_sha256", hex);
	}
	if (r->sig)
		put_value(out, "sig", r->sig == KW_RULE_SIG_SIGNED ? "signed" :
			  "unsigned");
	if (r->taints) {
		for (i = 0; i < sizeof(taint_chars) - 1; i++)
			if (r->taints & (1U << i))
				letters[n++] = taint_chars[i];
		letters[n] = '\0';
		put_value(out, "taints", letters);
	}
	if (r->has & KW_RH_PATH)
		put_value(out, "path", r->path);
	if (r->reason[0])
		put_value(out, "reason", r->reason);
	fputc('\n', out);
}

void kw_policy_write(FILE *out, const struct kw_policy *p)
{
	size_t i;

	fprintf(out, "mode %s\n", kw_pol_mode_name(p->mode) ?: "off");
	fprintf(out, "default %s\n", p->def == KW_RULE_DENY ? "deny" : "allow");
	for (i = 0; i < p->nrules; i++)
		write_rule(out, &p->rules[i]);
}

void kw_rule_format(const struct kw_rule *r, char *buf, size_t len)
{
	FILE *f = fmemopen(buf, len, "w");

	if (!f) {
		if (len)
			buf[0] = '\0';
		return;
	}
	write_rule(f, r);
	fclose(f);
	buf[len - 1] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
}
