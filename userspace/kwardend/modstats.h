/* SPDX-License-Identifier: GPL-2.0 */
/*
 * modstats.c: what the journal says about each module; a subscriber.
 */
#ifndef KWD_MODSTATS_H
#define KWD_MODSTATS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/kwarden.h>
#include "sink.h"

struct kwd;

#define KWD_MAX_HOOKS	8
struct kwd_hook {
	unsigned int kind;
	char where[96];
	char handler[96];
};

struct kwd_modstat {
	char name[KW_NAME_LEN];
	uint64_t alerts, loads, denied;		/* this boot */
	uint64_t faults_boot, faults_total;	/* module_fault alerts */
	uint32_t kinds[KW_KIND_MAX];		/* alerts naming it, by kind */
	char load_time[32];
	char path[KW_PATH_LEN];
	char sha256[2 * KW_HASH_LEN + 1];	/* image, from kwarden.ko */
	char file_sha256[2 * KW_HASH_LEN + 1];
	char verdict[16];
	char taint_flags[32];
	bool sig_known, sig_ok;
	bool file_tried;			/* hashed the file once */
	char file[KW_PATH_LEN];			/* found on disk */
	char file_hash[2 * KW_HASH_LEN + 1];
	struct kwd_hook hooks[KWD_MAX_HOOKS];
	size_t nhooks;
	unsigned int hooks_dropped;
	bool responded;				/* the response policy acted */
};

int kwd_modstat_init(struct kwd *d);
struct kwd_modstat *kwd_modstat_find(struct kwd *d, const char *name,
				     bool create);
size_t kwd_modstat_all(struct kwd *d, struct kwd_modstat **all);
extern const struct kwd_subscriber kwd_modstat_subscriber;

#endif /* KWD_MODSTATS_H */
