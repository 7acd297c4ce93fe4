/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kwd.h: the daemon, struct kwd. Every part's state is reached from it
 * (d->PART, made by kwd_PART_init() in main.c), never from a file-level
 * variable; each part's functions are in the header named after it.
 */
#ifndef KWD_H
#define KWD_H

#include <stdbool.h>
#include <stdint.h>
#include <json-c/json.h>
#include <linux/kwarden.h>
#include "alert.h"
#include "compiler.h"
#include "config.h"
#include "journal.h"
#include "sink.h"

#define KWARDEN_VERSION	"0.1.0"

#define PIN_ROOT	"/sys/fs/bpf"
#define PIN_DIR		PIN_ROOT "/kwarden"

struct kwd_bpf;
struct kwd_genl;
struct kwd_ctl;
struct kwd_guard;
struct kwd_policy;
struct kwd_boot;
struct kwd_stage;
struct kwd_budget;
struct kwd_modstats;
struct kwd_response;
struct kwd_danger;
struct kwd_flood;

struct kwd {
	struct kw_config cfg;
	const char *config_path;
	int epfd;
	bool stop;
	uint64_t started_ns;
	char boot_id[40];
	struct kw_journal journal;
	struct kw_journal pinned;	/* journal.first: the boot's first */
	unsigned int npinned;		/* violations in it, this boot */
	struct kwd_sink sink;		/* the pipeline's subscribers */
	struct kwd_flood *flood;	/* repeats held back */
	uint64_t alerts;		/* raised by this run */
	uint64_t kind_alerts[KW_KIND_MAX];	/* the same, by kind */
	uint64_t journal_errors;
	uint64_t resume_kseq;		/* from the journal, this boot */
	uint64_t resume_drops;
	/* Each part's state, reached only from here (made by kwd_*_init) */
	struct kwd_bpf *bpf;		/* NULL: BPF not loaded */
	struct kwd_genl *genl;
	struct kwd_ctl *ctl;
	struct kwd_guard *guard;
	struct kwd_policy *policy;
	struct kwd_boot *boot;
	struct kwd_stage *stage;
	struct kwd_budget *budget;
	struct kwd_danger *danger;
	struct kwd_modstats *modstats;
	struct kwd_response *response;
};

#endif /* KWD_H */
