/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kwarden - internal declarations shared by the files of kwarden.ko
 *
 * One file per concern; the first comment of each file says which.  What
 * crosses the kernel/user line (kinds, attributes, sizes) is in
 * <linux/kwarden.h> (kmod/uapi/linux/kwarden.h), and kernel version
 * differences are in compat.h.
 */
#ifndef _KWARDEN_H
#define _KWARDEN_H

#include <linux/types.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <net/netlink.h>

#include <linux/kwarden.h>
#include "compat.h"

#define KW_PAGE_SIZE	4096UL

/* A named part of a region with an alert kind of its own. */
struct kw_table {
	const char *name;	/* "sys_call_table", "ro_after_init" */
	enum kw_kind kind;
	unsigned long start;
	unsigned long end;	/* exclusive */
	unsigned int entry;	/* bytes a slot, 0: not a table of pointers */
	u8 *golden;		/* its baseline, without the region's copy */
	u32 edge[2];		/* digests of its parts in blocks it shares */
};

#define KW_MAX_TABLES	12

/* A watched range of kernel memory with per-page hashes. */
struct kw_region {
	struct list_head node;
	char name[KW_REGION_LEN]; /* "core_text", "core_rodata", "module_text" */
	char owner[KW_NAME_LEN];/* the module whose memory this is, or "" */
	struct module *mod;	/* its module, until MODULE_STATE_GOING */
	u32 hidden;		/* views a hidden module was last seen in */
	enum kw_kind kind;	/* alert kind for an unexplained change */
	bool text;		/* code: text pokes and ftrace explain changes */
	bool restore_failed;	/* a restore failed: no retry of old changes */
	unsigned int ntables;
	struct kw_table tables[KW_MAX_TABLES];
	unsigned long start;
	unsigned long end;	/* exclusive */
	unsigned int npages;
	u64 *expected;		/* hash each page must have */
	u64 *alerted;		/* signature of the last alert, per page */
	unsigned long *ro;	/* pages read-only at baseline */
	unsigned long *wr_alerted; /* of those, reported writable */
	u32 *digest;		/* per block, without a golden copy (digest.c) */
	u8 *golden;		/* copy of the baseline bytes (read-only), or NULL */
	struct page **golden_pages; /* its pages */
	unsigned int ngolden;
};

/* Which optional parts of struct kw_alert are filled */
#define KW_AF_MODLOAD	(1U << 0)	/* sig_ok, taints, via, verdict, rule */
#define KW_AF_HASH	(1U << 1)
#define KW_AF_FILE_HASH	(1U << 2)
#define KW_AF_TASK	(1U << 3)	/* pid, uid, comm */
#define KW_AF_FAULT	(1U << 4)	/* fault, taints_old, taints, count */
#define KW_AF_SEVERITY	(1U << 5)	/* severity set: not the kind's default */
#define KW_AF_NEW	(1U << 6)	/* new bytes without old ones (len 0) */

/* An alert as the kmod keeps and sends it. */
struct kw_alert {
	u32 has;		/* KW_AF_* */
	u64 seq;
	u64 time_ns;
	u32 kind;
	u32 severity;
	u32 action;
	u32 len;
	u64 addr;
	u64 offset;
	u64 target;
	s64 slot;		/* table slot, or -1 */
	char region[KW_REGION_LEN];
	char module[KW_NAME_LEN];
	char symbol[KW_SYM_LEN];
	char target_sym[KW_SYM_LEN];
	char views[KW_VIEWS_LEN];	/* module_hidden: which views disagree */
	char hook_flags[KW_HOOK_FLAGS_LEN]; /* ftrace_hook, kprobe_hook */
	char reason[KW_DEGRADED_LEN];	/* kwarden_degraded: why */
	char object[KW_NAME_LEN]; /* livepatch_*: "vmlinux" or a module */
	char caller[KW_NAME_LEN];	/* who called the patching function */
	char caller_sym[KW_SYM_LEN];	/* and where */
	u8 old[KW_BYTES_LEN];
	u8 new[KW_BYTES_LEN];
	/* module loads and faults */
	u8 hash[KW_HASH_LEN];
	u8 file_hash[KW_HASH_LEN];
	char path[KW_PATH_LEN];
	char rule[KW_RULE_LEN];
	char comm[KW_COMM_LEN];
	u32 sig_ok;
	u32 taints;
	u32 taints_old;
	u32 via;
	u32 verdict;
	u32 pid;
	u32 uid;
	u32 fault;
	u32 count;
};

struct kw_stats {
	u64 scans;
	u64 violations;
	u64 explained;
	u64 last_scan_ns;
	u64 total_scan_ns;
};

/* symbols.c */
int kw_symbols_init(void);
unsigned long kw_lookup_name(const char *name);
void *kw_callee(const char *name);

/*
 * Declare a kernel function that kwarden calls through a looked-up pointer
 * (see symbols.c): its name goes into kwarden.ko's .kw_callees note, which
 * tools/ibt-check compares with the test kernels' IBT seal lists.
 */
#define KW_CALLEE(fn)							\
	asm(".pushsection .kw_callees,\"\",@progbits\n\t"		\
	    ".asciz \"" #fn "\"\n\t.popsection")

/* addr.c */
void kw_addr_init(void);
struct module *kw_module_at(unsigned long addr);
struct module *kw_module_text_at(unsigned long addr);
unsigned long kw_ftrace_location(unsigned long addr);
bool kw_ftrace_tramp(unsigned long addr);
bool kw_bpf_text(unsigned long addr);
void kw_describe(unsigned long addr, char *sym, size_t len, u64 *offset,
		 char *module, size_t mlen);

/* region.c */
struct kw_totals {
	u32 regions;
	u32 pages;
	u64 baseline_bytes;	/* hashes and poke records */
	u64 golden_bytes;	/* copies of watched bytes */
};

extern struct mutex kw_region_lock;
int kw_regions_init(bool golden);
void kw_regions_exit(void);
struct list_head *kw_regions(void);
struct kw_region *kw_region_new(const char *name, enum kw_kind kind,
				unsigned long start, unsigned long end,
				bool text, struct module *mod);
void kw_region_del(struct kw_region *r);
void kw_region_totals(struct kw_totals *t);
const struct kw_table *kw_region_table(const struct kw_region *r,
				       unsigned long addr);
u64 kw_page_hash(const void *page, size_t len);
bool kw_own(const struct kw_region *r);
bool kw_region_restorable(const struct kw_region *r, enum kw_kind kind);
size_t kw_page_len(const struct kw_region *r, unsigned int i);

/* mode.c */
int kw_mode_init(void);
void kw_mode_announce(void);
bool kw_safe_mode(void);
bool kw_cmdline_has(const char *opt);

/* selfcheck.c */
void kw_selfcheck_init(void);
void kw_selfcheck_exit(void);
bool kw_selfcheck(void);
__printf(2, 3) void kw_degrade(const char *check, const char *fmt, ...);
bool kw_degraded(void);
bool kw_enforcing(void);
u32 kw_state(void);

/* crash.c */
void kw_crash_init(void);
void kw_crash_exit(void);

/* Unexplained bytes of one page, as a scan pass saw them (bounded) */
#define KW_RUNS_MAX	8
#define KW_RUN_LEN	16
struct kw_runs {
	unsigned int n;
	bool overflow;		/* more than fit, or at a patch site */
	struct {
		unsigned long addr;
		unsigned int len;
		u8 seen[KW_RUN_LEN];
	} run[KW_RUNS_MAX];
};

/* Result of checking one changed page (scan.c, digest.c). */
struct kw_page_check {
	unsigned long first;	/* first unexplained byte, or 0 */
	int caller;		/* who poked it (poke.c), or -1 */
	u64 sig;		/* signature of all unexplained bytes */
	bool busy;		/* a patch site is being patched */
	struct kw_runs runs;	/* the unexplained bytes, for a restore */
};

/* digest.c: detection without a golden copy */
#define KW_BLOCK		KW_DIGEST_BLOCK	/* bytes a digest covers */
#define KW_PAGE_BLOCKS		(KW_PAGE_SIZE / KW_BLOCK)
void kw_digest_init(void);
int kw_digest_baseline(struct kw_region *r);
void kw_digest_check_page(struct kw_region *r, unsigned int pg,
			  struct kw_page_check *c);
u64 kw_digest_bytes(const struct kw_region *r);
bool kw_digest_old(const struct kw_region *r, unsigned long addr, u8 *old);
void kw_unexplained(struct kw_page_check *c, unsigned long addr, u8 v);

/* restore.c */
bool kw_restore_wanted(const struct kw_region *r, enum kw_kind kind);
int kw_restore_page(struct kw_region *r, unsigned int pg);
bool kw_own_text(const struct kw_region *r);
int kw_restore_own_text(struct kw_region *r, const struct kw_runs *runs);

/* pageprot.c */
int kw_prot_baseline(struct kw_region *r);
void kw_prot_free(struct kw_region *r);
void kw_prot_check(struct kw_region *r, unsigned int pg);

/* procfs.c */
void kw_proc_check(void);

/* cpu.c */
void kw_cpu_init(void);
void kw_cpu_check(void);

/* hooks.c */
void kw_hooks_init(void);
void kw_hooks_check(void);

/* modhide.c */
void kw_modhide_init(void);
void kw_modhide_check(void);

/* What the probes saw of one module load (modgate.c) */
struct kw_load {
	u32 has;		/* KW_AF_HASH, KW_AF_FILE_HASH */
	u32 via;		/* enum kw_load_via */
	u64 hashed;		/* bytes hashed, and how long it took */
	u64 hash_ns;
	u8 hash[KW_HASH_LEN];
	u8 file_hash[KW_HASH_LEN];
	char path[KW_PATH_LEN];
};

/* modgate.c */
int kw_modgate_init(void);
void kw_modgate_exit(void);
bool kw_modgate_take(struct kw_load *out);
void kw_modgate_counters(u64 *evictions, u64 *unhashed);

/* policy.c: the module-load policy and the gate at MODULE_STATE_COMING */
struct sk_buff;
struct genl_info;
struct netlink_callback;
extern const struct nla_policy kw_rule_nl_policy[KWARDEN_R_MAX + 1];
int kw_policy_init(void);
void kw_policy_exit(void);
int kw_policy_set(struct genl_info *info);
int kw_policy_put_status(struct sk_buff *skb);
bool kw_policy_vouches(const char *name, u32 sig_ok, u32 taints,
		       const struct kw_load *load, u32 *verdict, char *rule,
		       size_t len);

/* modinfo.c: what kwarden knows of every module, for the MODULE dump */
int kw_modinfo_init(void);
void kw_modinfo_exit(void);
void kw_modinfo_add(const struct kw_alert *a);
void kw_modinfo_del(const char *name);
bool kw_modinfo_load(const char *name, struct kw_load *out);
int kw_modinfo_dump(struct sk_buff *skb, struct netlink_callback *cb);

/* modwatch.c */
int kw_modwatch_init(void);
void kw_modwatch_exit(void);

/* livepatch.c */
void kw_livepatch_init(void);
void kw_livepatch_exit(void);
void kw_livepatch_check(void);

/* poke.c */
#define KW_POKE_COMING		(1U << 0) /* into a module's text while it loads */
#define KW_CALLER_KERNEL	0	/* no module on the stack */
#define KW_CALLER_UNKNOWN	0xff	/* no stack, or the table was full */

/* What the record that explains a byte says of the write */
struct kw_poke_who {
	u8 flags;
	u8 caller;
};

int kw_poke_init(void);
void kw_poke_exit(void);
bool kw_poke_explains(unsigned long addr, u8 value, struct kw_poke_who *who);
int kw_poke_in(unsigned long start, size_t len, u8 flags);
void kw_poke_caller_name(u8 id, char *mod, size_t mlen, char *sym,
			 size_t slen);
u64 kw_poke_count(void);
u64 kw_poke_overflow_count(void);
u64 kw_poke_bytes(void);
bool kw_poke_alive(void);
void kw_poke_disable(void);
void kw_poke_stop(void);

/* ftrace_site.c */
enum kw_site_verdict {
	KW_SITE_OK,
	KW_SITE_BAD,
	KW_SITE_BUSY,
};

void kw_ftrace_site_init(void);
unsigned long kw_ftrace_site(unsigned long addr);
enum kw_site_verdict kw_ftrace_site_check(unsigned long site, const u8 *old);

/* site.c: the patch sites the kernel keeps, and what each may hold */
int kw_site_init(void);
void kw_site_exit(void);
enum kw_site_verdict kw_site_check(struct kw_region *r, unsigned long addr,
				   bool coming);
bool kw_site_old(const struct kw_region *r, unsigned long addr, u8 *buf,
		 size_t len);
bool kw_site_read(unsigned long addr, u8 *buf, size_t len);
bool kw_site_code(unsigned long addr);
bool kw_site_same(const struct kw_region *r, const u8 *cur, const u8 *old,
		  size_t len);
bool kw_site_locked(void);
u64 kw_site_bytes(void);

/* A patch site's bytes, as digest.c masks them */
struct kw_span {
	unsigned long addr;
	u8 len;
	bool ftrace;		/* an ftrace call site (ftrace_site.c) */
};

/* Where the sites of [start, end) are gathered, bounded */
struct kw_spans {
	unsigned int n;
	bool overflow;
	struct kw_span s[1024];
};

void kw_span_add(struct kw_spans *sp, unsigned long addr, size_t len,
		 bool ftrace);
void kw_site_spans(const struct kw_region *r, unsigned long start,
		   unsigned long end, struct kw_spans *sp);
void kw_ftrace_spans(unsigned long start, unsigned long end,
		     struct kw_spans *sp);

/* site_jump.c: jump labels */
int kw_jump_init(void);
void kw_jump_exit(void);
bool kw_jump_ok(const struct kw_region *r, unsigned long addr);
u64 kw_jump_bytes(void);
u32 kw_jump_core_count(void);
void kw_jump_spans(const struct kw_region *r, unsigned long start,
		   unsigned long end, struct kw_spans *sp);

/* site_scall.c: static calls */
int kw_scall_init(void);
void kw_scall_exit(void);
bool kw_scall_ok(const struct kw_region *r, unsigned long addr);
u64 kw_scall_bytes(void);
void kw_scall_spans(const struct kw_region *r, unsigned long start,
		    unsigned long end, struct kw_spans *sp);

/* site_kprobe.c: kprobes */
void kw_kprobe_site_init(void);
bool kw_kprobe_ok(unsigned long addr);
bool kw_kprobes_any(void);
void kw_kprobe_norm(unsigned long start, u8 *buf, size_t len);

/* scan.c */
extern unsigned int kw_interval_ms;
void kw_scan_init(void);
void kw_scan_exit(void);
void kw_scan_now(void);
void kw_scan_stats(struct kw_stats *st);
u64 kw_scan_last_jiffies(void);
void kw_scan_stall(void);

/* fault.c */
void kw_fault_init(void);
void kw_fault_exit(void);
u32 kw_fault_count(const char *module);
u64 kw_fault_total(void);
u64 kw_fault_drops(void);

/* alert.c */
int kw_alert_init(void);
void kw_alert_exit(void);
void kw_alert_raise(struct kw_alert *a);
int kw_kind_from_name(const char *name);
const char *kw_kind_name(int kind);
u64 kw_alert_last_seq(void);
u64 kw_alert_drops(void);
bool kw_alert_consistent(void);
int kw_alert_copy_from(u64 seq, struct kw_alert *out);

/* netlink.c */
int kw_netlink_init(void);
void kw_netlink_exit(void);
int kw_netlink_send_alert(const struct kw_alert *a);
int kw_nl_put_module_parts(struct sk_buff *skb, const struct kw_alert *a);
void *kw_nl_dump_put(struct sk_buff *skb, struct netlink_callback *cb, u8 cmd);

#endif /* _KWARDEN_H */
