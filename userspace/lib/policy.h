/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The module-load policy file, /etc/kwarden/policy (docs/policy.md):
 *
 *   mode off|audit|enforce
 *   default allow|deny
 *   allow|deny KEY=VALUE...     name= sha256= file_sha256= sig=signed|unsigned
 *                               taints=LETTERS path= reason="..."
 *
 * One statement a line, '#' comments. Every problem is reported as
 * "file:line: message"; a file with any problem must not be applied.
 * kw_policy_match() decides exactly as kwarden.ko's gate does.
 */
#ifndef KW_POLICY_H
#define KW_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "config.h"
#include <linux/kwarden.h>

#define KW_POLICY_PATH		"/etc/kwarden/policy"
#define KW_POLICY_MAX_BYTES	(4 * 1024 * 1024)
#define KW_POLICY_LINE_MAX	1024

/* Which fields a rule has */
#define KW_RH_NAME		(1U << 0)
#define KW_RH_HASH		(1U << 1)
#define KW_RH_FILE_HASH		(1U << 2)
#define KW_RH_PATH		(1U << 3)

struct kw_rule {
	unsigned int action;	/* enum kw_rule_action */
	unsigned int line;	/* 0: not from a file (blocklist) */
	unsigned int has;	/* KW_RH_* */
	unsigned int sig;	/* KW_RULE_SIG_* */
	unsigned int taints;	/* bit mask, 0: any */
	uint8_t hash[KW_HASH_LEN];
	uint8_t file_hash[KW_HASH_LEN];
	char name[KW_NAME_LEN];
	char path[KW_PATH_LEN];
	char reason[KW_REASON_LEN];
};

struct kw_policy {
	unsigned int mode;	/* enum kw_pol_mode */
	unsigned int def;	/* KW_RULE_ALLOW or KW_RULE_DENY */
	struct kw_rule *rules;
	size_t nrules;
	size_t cap;		/* rules allocated; kw_policy_add() grows it */
};

/* What is known of one module load, for kw_policy_match() */
struct kw_mod_facts {
	const char *name;
	const char *path;		/* NULL: unknown */
	bool sig_ok;
	unsigned int taints;
	const uint8_t *hash;		/* NULL: unknown */
	const uint8_t *file_hash;	/* NULL: unknown */
};

/* mode off, default allow, no rules */
void kw_policy_init(struct kw_policy *p);
void kw_policy_free(struct kw_policy *p);

/*
 * Parses buf into p (which it initialises). Returns the number of
 * problems, each passed to report as "name:line: message"; p is complete
 * only when that is 0.
 */
int kw_policy_parse(struct kw_policy *p, const char *name, const char *buf,
		    size_t len, kw_report_fn *report, void *ctx);
/* As above, from a file; -errno (p initialised) if it cannot be read */
int kw_policy_load(struct kw_policy *p, const char *path,
		   kw_report_fn *report, void *ctx);

/* Appends a rule (a copy); -ENOMEM, or -E2BIG past KW_MAX_RULES */
int kw_policy_add(struct kw_policy *p, const struct kw_rule *r);

/*
 * The gate's decision: the matching rule (BLOCK rules first, then the
 * others in order) or NULL for the default; *verdict is a KW_VERDICT_*.
 */
const struct kw_rule *kw_policy_match(const struct kw_policy *p,
				      const struct kw_mod_facts *f, bool safe,
				      unsigned int *verdict);

/* Writes p back in the file's syntax (comments are not kept) */
void kw_policy_write(FILE *out, const struct kw_policy *p);
void kw_rule_format(const struct kw_rule *r, char *buf, size_t len);

/* "OE" -> taint bits; -EINVAL for an unknown letter */
int kw_taints_parse(const char *letters, unsigned int *mask);
/* 64 hex digits -> 32 bytes; -EINVAL otherwise */
int kw_hash_parse(const char *hex, uint8_t *out);
void kw_hash_hex(const uint8_t *hash, char *buf);	/* buf: 65 bytes */

#endif /* KW_POLICY_H */
