/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The staged policy store (docs/policy-staging.md): every policy version
 * kwardend was given, kept, and the state of the one in force.
 *
 *   DIR/vN        the policy file of version N (1, 2, ...), as applied
 *   DIR/vN.meta   "KEY VALUE" lines: added NS, previous M, previous_stage
 *                 S, origin TEXT, outcome TEXT (last thing that happened)
 *   DIR/state     "KEY VALUE" lines: version, stage, since, previous,
 *                 previous_stage, would_deny, denied, boots, boot
 *
 * The stage machine is pure (no I/O) so that it can be tested alone:
 * kw_stage_due() says whether an audit period is over and how it ended,
 * kw_stage_boot() whether the previous boot's health rolls back, and
 * kw_storm_add() whether denials came as a storm.
 */
#ifndef KW_POLICY_STORE_H
#define KW_POLICY_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define KW_PSTORE_DIR		"/var/lib/kwarden/policy"
#define KW_PSTORE_MAX_VERSIONS	100000
#define KW_PSTORE_ID_LEN	40	/* a boot id and its NUL */
#define KW_PSTORE_TEXT_LEN	160
#define KW_STORM_MAX		256	/* denials remembered for a storm */

enum kw_stage {
	KW_STAGE_NONE,		/* no version applied yet */
	KW_STAGE_AUDIT,		/* "mode enforce" rehearsed in audit */
	KW_STAGE_ENFORCE,	/* promoted (or applied as enforce) */
	KW_STAGE_HELD,		/* audit failed: kept in audit */
	KW_STAGE_AS_FILE,	/* the file says off or audit: no staging */
	KW_STAGE_MAX,
};

struct kw_pstate {
	unsigned int version;		/* 0: none */
	enum kw_stage stage;
	uint64_t since_ns;		/* stage entered, CLOCK_REALTIME */
	unsigned int previous;		/* version in force before, 0: none */
	enum kw_stage previous_stage;
	uint64_t would_deny;		/* audit: loads it would have denied */
	uint64_t denied;		/* enforce: loads it denied */
	unsigned int boots;		/* boots ended in this stage */
	char boot[KW_PSTORE_ID_LEN];	/* last boot that ran in it */
};

struct kw_pmeta {
	uint64_t added_ns;
	unsigned int previous;
	enum kw_stage previous_stage;
	char origin[KW_PSTORE_TEXT_LEN];	/* who applied it */
	char outcome[KW_PSTORE_TEXT_LEN];	/* what became of it */
};

const char *kw_stage_name(enum kw_stage s);
int kw_stage_parse(const char *name, enum kw_stage *out);

/* state and meta files: text <-> struct; -EINVAL on a bad file */
int kw_pstate_parse(const char *buf, size_t len, struct kw_pstate *st);
int kw_pstate_format(const struct kw_pstate *st, char *buf, size_t len);
int kw_pmeta_parse(const char *buf, size_t len, struct kw_pmeta *m);
int kw_pmeta_format(const struct kw_pmeta *m, char *buf, size_t len);

/* DIR/state: a missing one is all zero (returns 0); saves are atomic */
int kw_pstate_load(const char *dir, struct kw_pstate *st);
int kw_pstate_save(const char *dir, const struct kw_pstate *st);
int kw_pmeta_load(const char *dir, unsigned int ver, struct kw_pmeta *m);
int kw_pmeta_save(const char *dir, unsigned int ver, const struct kw_pmeta *m);

/* Stores buf as the next version (DIR is created); *ver gets its number */
int kw_pstore_add(const char *dir, const char *buf, size_t len,
		  const struct kw_pmeta *m, unsigned int *ver);
/* The stored text of a version (malloc'ed, NUL-terminated); -errno */
int kw_pstore_read(const char *dir, unsigned int ver, char **buf,
		   size_t *len);
/* Every stored version, ascending (malloc'ed); -errno */
int kw_pstore_versions(const char *dir, unsigned int **out, size_t *n);

/* ---- the stage machine ---- */

struct kw_stage_cfg {
	uint64_t audit_period_ns;
	uint64_t max_would_deny;
	unsigned int probation_boots;	/* boots an unhealthy one rolls back */
};

enum kw_stage_act {
	KW_SA_NONE,
	KW_SA_PROMOTE,		/* audit over, within the bound */
	KW_SA_HOLD,		/* audit over, above the bound */
	KW_SA_ROLLBACK,		/* back to the previous version */
};

/* At now: is an audit over, and how did it go? */
enum kw_stage_act kw_stage_due(const struct kw_pstate *st,
			       const struct kw_stage_cfg *cfg, uint64_t now);

/*
 * At kwardend's start in boot @cur_boot: counts the boot that ended
 * (st->boots, st->boot; returns true if st changed) and says, in *act,
 * whether the previous boot (@prev_boot, judged @prev_unhealthy by boot
 * health) rolls an enforced version back: it ran in enforce and is one
 * of the first probation_boots of it.
 */
bool kw_stage_boot(struct kw_pstate *st, const struct kw_stage_cfg *cfg,
		   const char *cur_boot, const char *prev_boot,
		   bool prev_unhealthy, enum kw_stage_act *act);

/* Denials in a sliding window */
struct kw_storm {
	uint64_t t[KW_STORM_MAX];
	unsigned int head, n;
};

/* Notes one at now; true when limit (>0) came within window_ns */
bool kw_storm_add(struct kw_storm *s, uint64_t now, uint64_t window_ns,
		  unsigned int limit);

#endif /* KW_POLICY_STORE_H */
