/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The blocklist store: modules kwarden disabled or quarantined, one file
 * per module in /var/lib/kwarden/blocked/NAME ("key=value" lines: name,
 * state, reason, since), mirrored into /etc/modprobe.d as "blacklist NAME"
 * and "install NAME /bin/false". kwardend pushes the same list to
 * kwarden.ko as KW_RULE_BLOCK rules. Every write is atomic (temporary
 * file, fsync, rename, fsync of the directory), and a damaged entry still
 * blocks its module: the store fails closed.
 */
#ifndef KW_BLOCKLIST_H
#define KW_BLOCKLIST_H

#include <stddef.h>
#include <stdint.h>
#include "fileio.h"
#include <linux/kwarden.h>

#define KW_BLOCK_DIR		"/var/lib/kwarden/blocked"
#define KW_BLOCK_MODPROBE	"/etc/modprobe.d/kwarden-blocked.conf"
#define KW_BLOCK_REASON_LEN	256
#define KW_BLOCK_STATE_LEN	16
#define KW_BLOCK_FILE_MAX	4096	/* bytes in one entry */
#define KW_BLOCK_MAX		1024	/* entries listed */

struct kw_block {
	char name[KW_NAME_LEN];
	char state[KW_BLOCK_STATE_LEN];	/* "disabled" or "quarantined" */
	char reason[KW_BLOCK_REASON_LEN];
	uint64_t since_ns;		/* 0: unknown */
	char error[128];		/* "": entry sound; else what is wrong */
};

/*
 * A module name as the kernel keeps it: 1 to KW_NAME_LEN - 1 of
 * [A-Za-z0-9_-], with '-' turned into '_' in out. -EINVAL otherwise.
 */
int kw_block_name(const char *name, char out[KW_NAME_LEN]);
/* "disabled" or "quarantined" */
int kw_block_state_ok(const char *state);

/* Adds or replaces the entry of name; mkdir -p dir (0700) first */
int kw_block_add(const char *dir, const char *name, const char *state,
		 const char *reason);
/* 0, or -ENOENT if name was not blocked */
int kw_block_remove(const char *dir, const char *name);
/* 0 with *b filled (error set if the entry is damaged), or -ENOENT */
int kw_block_get(const char *dir, const char *name, struct kw_block *b);
/*
 * Every entry, sorted by name, in *out (free() it); a missing dir is an
 * empty list. Damaged entries are listed with error set; files whose
 * names are no module name (temporaries) are skipped.
 */
int kw_block_list(const char *dir, struct kw_block **out, size_t *n);

/* The modprobe.d mirror of the list, written atomically */
int kw_block_write_modprobe(const char *path, const struct kw_block *b,
			    size_t n);
/* kw_block_list(dir) + kw_block_write_modprobe(path) */
int kw_block_mirror(const char *dir, const char *path);

#endif /* KW_BLOCKLIST_H */
