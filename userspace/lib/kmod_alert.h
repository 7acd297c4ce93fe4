/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Turning a KWARDEN_CMD_ALERT message of kwarden.ko, once its attributes
 * are read into struct kw_kmod_alert, into an alert record.
 */
#ifndef KW_KMOD_ALERT_H
#define KW_KMOD_ALERT_H

#include <stdbool.h>
#include <stdint.h>
#include "alert.h"
#include <linux/kwarden.h>


/* Which optional attributes the message carried */
enum {
	KW_KA_ADDR	= 1 << 0,
	KW_KA_OFFSET	= 1 << 1,
	KW_KA_LEN	= 1 << 2,
	KW_KA_TARGET	= 1 << 3,
	KW_KA_SEVERITY	= 1 << 4,
	KW_KA_ACTION	= 1 << 5,
	KW_KA_TIME	= 1 << 6,
	KW_KA_SLOT	= 1 << 7,
	KW_KA_MODLOAD	= 1 << 8,	/* sig_ok, taints, via, verdict */
	KW_KA_HASH	= 1 << 9,
	KW_KA_FILE_HASH	= 1 << 10,
	KW_KA_TASK	= 1 << 11,	/* pid, uid, comm */
	KW_KA_FAULT	= 1 << 12,	/* fault, taints_old, count */
};

struct kw_kmod_alert {
	unsigned int has;	/* KW_KA_* */
	uint64_t kseq;
	uint64_t time_ns;
	unsigned int kind, severity, action;
	char module[KW_NAME_LEN];
	char region[KW_REGION_LEN];
	uint64_t addr;
	char symbol[KW_SYM_LEN];
	uint64_t offset;
	unsigned int len;
	unsigned char old[KW_BYTES_LEN], new[KW_BYTES_LEN];
	unsigned int old_len, new_len;
	uint64_t target;
	char target_sym[KW_SYM_LEN];
	unsigned int slot;	/* in the table named by symbol */
	char views[KW_VIEWS_LEN];	/* module_hidden: views that disagree */
	char hook_flags[KW_HOOK_FLAGS_LEN]; /* ftrace_hook, kprobe_hook */
	char reason[KW_DEGRADED_LEN];	/* kwarden_degraded: why */
	char object[KW_NAME_LEN]; /* livepatch_*: "vmlinux" or a module */
	char caller[KW_NAME_LEN];	/* text poke: who called text_poke */
	char caller_sym[KW_SYM_LEN];	/* and its return address */
	/* module loads and faults */
	unsigned char hash[KW_HASH_LEN], file_hash[KW_HASH_LEN];
	char path[KW_PATH_LEN];
	char rule[KW_RULE_LEN];
	char comm[KW_COMM_LEN];
	unsigned int sig_ok, taints, taints_old, via, verdict;
	unsigned int pid, uid, fault, count;
	char msg[512];		/* filled by kw_kmod_alert() */
};

/* Fills a (pointing into k); boot_id may be NULL. 0 or -EINVAL */
int kw_kmod_alert(struct kw_kmod_alert *k, const char *boot_id,
		  struct kw_alert *a);

/* Module load and fault keys of detail (name, sha256, verdict...) */
void kw_module_parts_json(json_object *o, const struct kw_kmod_alert *k);

/* "table[slot]", "sym+0xoff", or the address when there is no symbol */
void kw_where(const struct kw_kmod_alert *k, char *buf, size_t len);

#endif /* KW_KMOD_ALERT_H */
