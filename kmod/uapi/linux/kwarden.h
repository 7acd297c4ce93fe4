/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * kwarden event ABI - the one header shared by kwarden.ko, the BPF programs
 * and user space.
 *
 * Alert kinds, severities, actions, the generic netlink family and the BPF
 * ring buffer record are defined here and nowhere else.  A kind has the same
 * snake_case name in the kernel, the journal, JSON, the docs and the tests:
 * the name is generated from the KW_KINDS list below.
 */
#ifndef _UAPI_LINUX_KWARDEN_H
#define _UAPI_LINUX_KWARDEN_H

#ifndef __VMLINUX_H__
#include <linux/types.h>
#endif

/*
 * KW_KIND(name, syslog severity, OCSF class_uid)
 * Append only: the numeric value of a kind is part of the ABI.  The
 * severity is the kind's default: an alert may carry another one
 * (livepatch_*: notice when the module-load policy vouches for the
 * livepatch module, else crit).
 */
#define KW_KINDS(KW_KIND)						\
	KW_KIND(kernel_text_modified,		KW_SEV_CRIT,	1004)	\
	KW_KIND(kernel_rodata_modified,		KW_SEV_CRIT,	1004)	\
	KW_KIND(ro_after_init_modified,		KW_SEV_CRIT,	1004)	\
	KW_KIND(syscall_table_modified,		KW_SEV_CRIT,	1004)	\
	KW_KIND(idt_modified,			KW_SEV_CRIT,	1004)	\
	KW_KIND(msr_modified,			KW_SEV_CRIT,	1004)	\
	KW_KIND(cpu_protection_disabled,	KW_SEV_CRIT,	1004)	\
	KW_KIND(module_text_modified,		KW_SEV_CRIT,	1004)	\
	KW_KIND(module_hidden,			KW_SEV_CRIT,	1002)	\
	KW_KIND(module_load,			KW_SEV_INFO,	1002)	\
	KW_KIND(module_load_denied,		KW_SEV_WARNING,	1002)	\
	KW_KIND(ftrace_hook,			KW_SEV_ERR,	2004)	\
	KW_KIND(kprobe_hook,			KW_SEV_ERR,	2004)	\
	KW_KIND(seq_ops_hook,			KW_SEV_CRIT,	2004)	\
	KW_KIND(fops_hook,			KW_SEV_CRIT,	2004)	\
	KW_KIND(module_fault,			KW_SEV_ERR,	2004)	\
	KW_KIND(module_fault_budget_exceeded,	KW_SEV_ERR,	2004)	\
	KW_KIND(module_disabled,		KW_SEV_NOTICE,	7001)	\
	KW_KIND(module_quarantined,		KW_SEV_NOTICE,	7001)	\
	KW_KIND(tamper_attempt,			KW_SEV_ALERT,	2004)	\
	KW_KIND(dangerous_interface,		KW_SEV_WARNING,	2004)	\
	KW_KIND(policy_applied,			KW_SEV_NOTICE,	7001)	\
	KW_KIND(policy_rolled_back,		KW_SEV_WARNING,	7001)	\
	KW_KIND(safe_mode,			KW_SEV_WARNING,	2004)	\
	KW_KIND(events_lost,			KW_SEV_ERR,	2004)	\
	KW_KIND(kwarden_degraded,		KW_SEV_ERR,	2004)	\
	KW_KIND(module_rodata_modified,		KW_SEV_CRIT,	1004)	\
	KW_KIND(page_protection_changed,	KW_SEV_CRIT,	1004)	\
	KW_KIND(protection_unlocked,		KW_SEV_WARNING,	2004)	\
	KW_KIND(protection_locked,		KW_SEV_NOTICE,	2004)	\
	KW_KIND(module_released,		KW_SEV_NOTICE,	7001)	\
	KW_KIND(boot_unhealthy,			KW_SEV_ERR,	2004)	\
	KW_KIND(livepatch_applied,		KW_SEV_CRIT,	1002)	\
	KW_KIND(livepatch_reverted,		KW_SEV_CRIT,	1002)

#define KW_KIND_ENUM(name, sev, ocsf) KW_KIND_##name,
enum kw_kind {
	KW_KINDS(KW_KIND_ENUM)
	KW_KIND_MAX,
};
#undef KW_KIND_ENUM

/* syslog(3) severities, by their names in RFC 5424 */
enum kw_severity {
	KW_SEV_EMERG,
	KW_SEV_ALERT,
	KW_SEV_CRIT,
	KW_SEV_ERR,
	KW_SEV_WARNING,
	KW_SEV_NOTICE,
	KW_SEV_INFO,
	KW_SEV_DEBUG,
};

/* What was done about an event: "action" in the alert contract */
#define KW_ACTIONS(KW_ACTION)		\
	KW_ACTION(logged)		\
	KW_ACTION(denied)		\
	KW_ACTION(restored)		\
	KW_ACTION(contained)		\
	KW_ACTION(unloaded)		\
	KW_ACTION(quarantined)		\
	KW_ACTION(rolled_back)

#define KW_ACTION_ENUM(name) KW_ACTION_##name,
enum kw_action {
	KW_ACTIONS(KW_ACTION_ENUM)
	KW_ACTION_MAX,
};
#undef KW_ACTION_ENUM

/* How a module reached the kernel: detail.via of module_load */
enum kw_load_via {
	KW_VIA_UNKNOWN,
	KW_VIA_FINIT_MODULE,	/* kernel_read_file(READING_MODULE) */
	KW_VIA_INIT_MODULE,	/* kernel_load_data(LOADING_MODULE) */
	KW_VIA_REQUEST,		/* kernel_module_request: an autoload */
};

/* Number of old/new bytes carried by a memory alert */
#define KW_BYTES_LEN		16
/*
 * Without the golden copy a change is known to the block of this many
 * bytes it is in: an alert without old bytes names the block's start, or
 * the branch or pointer in it that leads out of its owner's code.
 */
#define KW_DIGEST_BLOCK		256
#define KW_NAME_LEN		56	/* >= MODULE_NAME_LEN */
#define KW_SYM_LEN		128
#define KW_PATH_LEN		256
#define KW_COMM_LEN		16
#define KW_EXE_LEN		64
#define KW_HASH_LEN		32	/* sha256 */
#define KW_RULE_LEN		96	/* what decided a verdict, as text */
#define KW_REGION_LEN		24	/* "core_text", "module_rodata", ... */
#define KW_VIEWS_LEN		96	/* module_hidden: the views that disagree */
#define KW_HOOK_FLAGS_LEN	64	/* ftrace_hook, kprobe_hook: "ipmodify regs" */
#define KW_REASON_LEN		64	/* a policy rule's reason */
#define KW_DEGRADED_LEN		96	/* kwarden_degraded: why */
/* Each string length above counts the terminating NUL. */

/* ---- generic netlink family, served by kwarden.ko ---- */

#define KWARDEN_GENL_NAME	"kwarden"
#define KWARDEN_GENL_VERSION	1
#define KWARDEN_GENL_MCGRP	"alerts"

enum kwarden_cmd {
	KWARDEN_CMD_UNSPEC,
	KWARDEN_CMD_STATUS,	/* doit: reply carries KWARDEN_A_ST_* */
	KWARDEN_CMD_SCAN,	/* doit: run one full scan now, reply status */
	KWARDEN_CMD_ALERT,	/* multicast, and dump of the backlog */
	KWARDEN_CMD_POLICY,	/* doit: replace the module-load policy */
	KWARDEN_CMD_MODULE,	/* dump: one message per module known */
	__KWARDEN_CMD_MAX,
};
#define KWARDEN_CMD_MAX (__KWARDEN_CMD_MAX - 1)

/*
 * Commands that only read kwarden.ko's state, open to CAP_NET_ADMIN.  Every
 * other command, present or future, changes state and is accepted only from
 * the claimed kwardend (bpf/guard.bpf.c, netlink_send).
 */
#define KWARDEN_CMD_READ_ONLY(cmd)					\
	((cmd) == KWARDEN_CMD_STATUS || (cmd) == KWARDEN_CMD_ALERT ||	\
	 (cmd) == KWARDEN_CMD_MODULE)
/* tamper_attempt kmod_command: more messages in one send than inspected */
#define KW_CMD_UNSEEN	0xff

enum kwarden_attr {
	KWARDEN_A_UNSPEC,
	/* alert */
	KWARDEN_A_SEQ,		/* u64: per-boot alert sequence, from 1 */
	KWARDEN_A_TIME_NS,	/* u64: CLOCK_REALTIME, ns */
	KWARDEN_A_KIND,		/* u32: enum kw_kind */
	KWARDEN_A_SEVERITY,	/* u32: enum kw_severity */
	KWARDEN_A_ACTION,	/* u32: enum kw_action */
	KWARDEN_A_MODULE,	/* string: owning or offending module */
	KWARDEN_A_REGION,	/* string: "core_text", ... */
	KWARDEN_A_ADDR,		/* u64: first differing byte, or its slot */
	KWARDEN_A_SYMBOL,	/* string: symbol name */
	KWARDEN_A_OFFSET,	/* u64: offset in the symbol */
	KWARDEN_A_LEN,		/* u32: bytes that differ in the window */
	KWARDEN_A_OLD,		/* binary: KW_BYTES_LEN baseline bytes at ADDR */
	KWARDEN_A_NEW,		/* binary: KW_BYTES_LEN current bytes at ADDR */
	KWARDEN_A_TARGET,	/* u64: jmp/call target or slot pointer in NEW */
	KWARDEN_A_TARGET_SYM,	/* string: symbol of the branch target */
	KWARDEN_A_SLOT,		/* u32: slot in a named table (table = SYMBOL) */
	KWARDEN_A_VIEWS,	/* string: module_hidden, the views that disagree */
	KWARDEN_A_HOOK_FLAGS,	/* string: ftrace_hook, kprobe_hook: "ipmodify regs" */
	/* status */
	KWARDEN_A_ST_REGIONS,	/* u32: regions baselined */
	KWARDEN_A_ST_PAGES,	/* u32: pages baselined */
	KWARDEN_A_ST_SCANS,	/* u64: full passes completed */
	KWARDEN_A_ST_VIOLATIONS,/* u64: violations found */
	KWARDEN_A_ST_ALERTS,	/* u64: alerts raised (= last SEQ) */
	KWARDEN_A_ST_DROPS,	/* u64: alerts nobody received */
	KWARDEN_A_ST_POKES,	/* u64: text pokes recorded */
	KWARDEN_A_ST_EXPLAINED,	/* u64: changed pages explained by pokes */
	KWARDEN_A_ST_BASELINE_BYTES, /* u64: hashes + poke records */
	KWARDEN_A_ST_GOLDEN_BYTES,   /* u64: golden copy for old bytes */
	KWARDEN_A_ST_INTERVAL_MS,    /* u32: scan period */
	KWARDEN_A_ST_LAST_SCAN_NS,   /* u64: duration of the last pass */
	KWARDEN_A_ST_TEXT_START,     /* u64 */
	KWARDEN_A_ST_TEXT_END,       /* u64 */
	KWARDEN_A_ST_STATE,	     /* u32: enum kw_state */
	KWARDEN_A_ST_POKE_OVERFLOWS, /* u64: pokes the table had no room for */
	KWARDEN_A_ST_SCAN_NS_TOTAL,  /* u64: time spent in passes since load */
	/* request */
	KWARDEN_A_FROM_SEQ,	/* u64: dump alerts with SEQ >= this */
	/* module_load, module_load_denied, module_fault; MODULE dump */
	KWARDEN_A_HASH,		/* binary KW_HASH_LEN: image given to load_module */
	KWARDEN_A_FILE_HASH,	/* binary KW_HASH_LEN: file finit_module read */
	KWARDEN_A_PATH,		/* string: that file, when known */
	KWARDEN_A_SIG_OK,	/* u32: module signature verified */
	KWARDEN_A_TAINTS,	/* u32: module taints; kernel taints for faults */
	KWARDEN_A_TAINTS_OLD,	/* u32: module_fault: kernel taints before */
	KWARDEN_A_VIA,		/* u32: enum kw_load_via */
	KWARDEN_A_VERDICT,	/* u32: enum kw_verdict */
	KWARDEN_A_RULE,		/* string: what decided the verdict */
	KWARDEN_A_PID,		/* u32: tgid of the acting task */
	KWARDEN_A_UID,		/* u32 */
	KWARDEN_A_COMM,		/* string */
	KWARDEN_A_FAULT,	/* u32: enum kw_fault */
	KWARDEN_A_COUNT,	/* u32: faults of the module so far */
	/* MODULE dump */
	KWARDEN_A_MOD_SIZE,	/* u64: bytes of all its memory */
	KWARDEN_A_MOD_REFCNT,	/* u32 */
	KWARDEN_A_MOD_EXIT,	/* u32: 1 if it has an exit function */
	KWARDEN_A_MOD_STATE,	/* u32: MODULE_STATE_* */
	/* POLICY request */
	KWARDEN_A_POL_MODE,	/* u32: enum kw_pol_mode */
	KWARDEN_A_POL_DEFAULT,	/* u32: KW_RULE_ALLOW or KW_RULE_DENY */
	KWARDEN_A_POL_GEN,	/* u64: policy version */
	KWARDEN_A_POL_RULE,	/* nested KWARDEN_R_*, repeated, in order */
	/* status, continued */
	KWARDEN_A_ST_POL_MODE,	/* u32: enum kw_pol_mode */
	KWARDEN_A_ST_POL_RULES,	/* u32 */
	KWARDEN_A_ST_POL_GEN,	/* u64 */
	KWARDEN_A_ST_LOADS,	/* u64: module loads decided */
	KWARDEN_A_ST_DENIED,	/* u64: of those, denied */
	KWARDEN_A_ST_WOULD_DENY,/* u64: of those, denied in audit only */
	KWARDEN_A_ST_FAULTS,	/* u64: module faults seen */
	KWARDEN_A_ST_FAULT_DROPS,/* u64: of those, lost: the fault ring was full */
	/* livepatch_applied, livepatch_reverted */
	KWARDEN_A_OBJECT,	/* string: patched object, "vmlinux" or a module */
	/* alert, continued */
	KWARDEN_A_CALLER,	/* string: text poke: module that called the
				 * kernel's patching function, "kernel", "?"
				 */
	KWARDEN_A_CALLER_SYM,	/* string: its return address, sym+0xoff */
	KWARDEN_A_REASON,	/* string: kwarden_degraded, why (SYMBOL names
				 * the self-check that failed)
				 */
	__KWARDEN_A_MAX,
};
#define KWARDEN_A_MAX (__KWARDEN_A_MAX - 1)

/* One rule of the module-load policy: KWARDEN_A_POL_RULE */
enum kwarden_rule_attr {
	KWARDEN_R_UNSPEC,
	KWARDEN_R_ACTION,	/* u32: enum kw_rule_action */
	KWARDEN_R_NAME,		/* string: glob on the module name */
	KWARDEN_R_HASH,		/* binary KW_HASH_LEN: sha256 of the image */
	KWARDEN_R_FILE_HASH,	/* binary KW_HASH_LEN: sha256 of the file */
	KWARDEN_R_SIG,		/* u32: KW_RULE_SIG_* */
	KWARDEN_R_TAINTS,	/* u32: matches a module with any of these */
	KWARDEN_R_PATH,		/* string: glob on the file name */
	KWARDEN_R_ID,		/* u32: line in the policy file */
	KWARDEN_R_REASON,	/* string */
	__KWARDEN_R_MAX,
};
#define KWARDEN_R_MAX (__KWARDEN_R_MAX - 1)
#define KW_MAX_RULES		4096

#define KW_RULE_SIG_ANY		0
#define KW_RULE_SIG_SIGNED	1
#define KW_RULE_SIG_UNSIGNED	2

enum kw_pol_mode {
	KW_POL_OFF,		/* report loads only */
	KW_POL_AUDIT,		/* report what enforce would deny */
	KW_POL_ENFORCE,		/* deny */
};

/* BLOCK rules deny in every mode; safe mode turns any denial into audit */
enum kw_rule_action {
	KW_RULE_ALLOW,
	KW_RULE_DENY,
	KW_RULE_BLOCK,		/* disabled or quarantined: always denied */
};

/* What the module gate decided: detail.verdict */
enum kw_verdict {
	KW_VERDICT_NONE,	/* not decided: loaded before kwarden */
	KW_VERDICT_ALLOWED,
	KW_VERDICT_WOULD_DENY,	/* audit mode, or safe mode */
	KW_VERDICT_DENIED,
};

/* module_fault: detail.fault */
enum kw_fault {
	KW_FAULT_NONE,
	KW_FAULT_WARNING,
	KW_FAULT_BUG,
	KW_FAULT_OOPS,
};

enum kw_state {
	KW_STATE_ACTIVE,
	KW_STATE_DEGRADED,	/* turned itself off, see kwarden_degraded */
	KW_STATE_SAFE_MODE,	/* observing only, see safe_mode */
};

/* ---- BPF ring buffer record, produced by bpf/kwarden.bpf.c ---- */

struct kw_bpf_event {
	__u64 time_ns;		/* bpf_ktime_get_boot_ns() */
	__u32 kind;		/* enum kw_kind */
	__u32 action;		/* enum kw_action */
	__u32 pid;		/* tgid of the acting task */
	__u32 uid;
	__u32 via;		/* enum kw_load_via, for module kinds */
	__u32 taints;		/* module taints */
	__u32 sig_ok;		/* module signature verified */
	__u32 pad;
	char comm[KW_COMM_LEN];
	char name[KW_NAME_LEN];	/* module name */
	char path[KW_PATH_LEN];	/* file name, when known */
	/*
	 * Appended for tamper_attempt. Records of older programs end above
	 * (KW_BPF_EVENT_V1_LEN bytes); readers take the rest as zero.
	 */
	__u32 op;		/* enum kw_tamper_op */
	__u32 arg;		/* signal, flags, mode... by op */
	__u32 target_pid;	/* tgid of the task acted upon, or 0 */
	__u32 target_dev;	/* kernel dev_t of the inode acted upon */
	__u64 target_id;	/* inode, BPF object id or mount id, by op */
	__u32 target_class;	/* enum kw_guard_class | KW_GUARD_DIR */
	__u32 pad2;
	char exe[KW_EXE_LEN];	/* file name of the acting task's program */
};

#define KW_BPF_EVENT_V1_LEN	368	/* up to and including path[] */

/* ---- self-protection: the BPF guard (bpf/guard.bpf.c) ---- */

/*
 * What a tamper_attempt tried: detail.what. Append only.
 * KW_TAMPER_OP(name)
 */
#define KW_TAMPER_OPS(KW_TAMPER_OP)					\
	KW_TAMPER_OP(signal)		/* kill, tgkill, pidfd... */	\
	KW_TAMPER_OP(sigio)		/* F_SETOWN + F_SETSIG */	\
	KW_TAMPER_OP(setrlimit)		/* prlimit on kwardend */	\
	KW_TAMPER_OP(ptrace)		/* attach, /proc/PID/mem... */	\
	KW_TAMPER_OP(module_unload)	/* delete_module("kwarden") */	\
	KW_TAMPER_OP(bpf_map_write)	/* writable fd to our map */	\
	KW_TAMPER_OP(bpf_link_detach)					\
	KW_TAMPER_OP(bpf_link_update)					\
	KW_TAMPER_OP(open_write)	/* open for write */		\
	KW_TAMPER_OP(truncate)						\
	KW_TAMPER_OP(setattr)		/* chmod, chown, utimes... */	\
	KW_TAMPER_OP(unlink)						\
	KW_TAMPER_OP(rmdir)						\
	KW_TAMPER_OP(rename)						\
	KW_TAMPER_OP(create)		/* new entry, bpffs pin too */	\
	KW_TAMPER_OP(link)		/* hard link into our dirs */	\
	KW_TAMPER_OP(umount)						\
	KW_TAMPER_OP(tracing_off)	/* ftrace_enabled, kprobes */	\
	KW_TAMPER_OP(claim)		/* prctl claim, wrong key */	\
	KW_TAMPER_OP(unlock)		/* kwardenctl unlock, wrong key */	\
	KW_TAMPER_OP(daemon_exit)	/* kwardend died, arg: exit_code */ \
	/* dangerous_interface (bpf/danger.bpf.c) */			\
	KW_TAMPER_OP(mem_write)		/* /dev/mem, kmem, port for write */ \
	KW_TAMPER_OP(kcore_open)	/* /proc/kcore */		\
	KW_TAMPER_OP(kexec_load)					\
	KW_TAMPER_OP(kexec_file_load)					\
	KW_TAMPER_OP(bpf_write_user)	/* a BPF program calling it */	\
	KW_TAMPER_OP(bpf_override_return)				\
	KW_TAMPER_OP(probe_kwarden)	/* kprobe, fentry on kwarden */ \
	KW_TAMPER_OP(contained_device)	/* a contained module's files */ \
	/* arg: the KWARDEN_CMD_*, or KW_CMD_UNSEEN for a batch */	\
	KW_TAMPER_OP(kmod_command)	/* state change sent to kwarden.ko */

#define KW_TAMPER_OP_ENUM(name) KW_OP_##name,
enum kw_tamper_op {
	KW_OP_none,
	KW_TAMPER_OPS(KW_TAMPER_OP_ENUM)
	KW_OP_MAX,
};
#undef KW_TAMPER_OP_ENUM

/* What a protected inode or mount is: detail.target_class */
enum kw_guard_class {
	KW_GUARD_NONE,
	KW_GUARD_CONFIG,	/* /etc/kwarden, kwarden.conf, unlock.key */
	KW_GUARD_JOURNAL,	/* the alert journal and its directory */
	KW_GUARD_RUNTIME,	/* /run/kwarden: the control socket */
	KW_GUARD_PINS,		/* /sys/fs/bpf/kwarden, and its bpffs */
	KW_GUARD_DAEMON,	/* kwardend's own executable */
	KW_GUARD_TRACING,	/* ftrace_enabled, kprobes/enabled */
	KW_GUARD_MOUNT,		/* a mount above the pins' bpffs */
	KW_GUARD_KMOD,		/* kwarden.ko's parameter files */
	KW_GUARD_CLASS_MAX,
};
#define KW_GUARD_DIR		0x100	/* a directory: its entries too */
#define KW_GUARD_ENTRY		0x200	/* event: an entry of that directory */
#define KW_GUARD_CLASS(v)	((v) & 0xff)

/* tracing_off: which switch (arg) */
#define KW_TRACING_FTRACE	1	/* /proc/sys/kernel/ftrace_enabled */
#define KW_TRACING_KPROBES	2	/* debugfs kprobes/enabled */

/* guard_ids key types */
#define KW_OBJ_PROG		1
#define KW_OBJ_MAP		2
#define KW_OBJ_LINK		3

/* guard_mounts values */
#define KW_MNT_PINS		1	/* the bpffs mount holding the pins */
#define KW_MNT_ANCESTOR		2	/* a mount above it */

#define KW_KEY_LEN		32	/* unlock key, bytes */

/*
 * prctl(KW_PRCTL_CLAIM, key): a root task that knows the unlock key
 * becomes the one kwardend the guard protects and exempts. The guard's
 * task_prctl program refuses a wrong key with EACCES; otherwise prctl()
 * fails with EINVAL (a BPF LSM program cannot make it succeed), and
 * guard_self tells whether the claim took.
 */
#define KW_PRCTL_CLAIM		0x4b570001

/* guard_self[0], written by the claim program only */
struct kw_guard_self {
	__u32 tgid;		/* 0: nobody claimed yet */
	__u32 claims;
	__u64 start_time;	/* group leader's start_time, ns */
};

/* guard_conf[0], written by kwardend */
struct kw_guard_conf {
	__u8 key[KW_KEY_LEN];
	__u32 armed;		/* key is set */
	__u32 pins_dev;		/* kernel dev_t of the pins' bpffs */
	__u32 observe;		/* safe mode: report, deny nothing */
	__u32 kmod_family;	/* kwarden.ko's genl family id; 0: none */
};

/* danger_conf[0], written by kwardend: bpf/danger.bpf.c */
struct kw_danger_conf {
	__u32 mode;		/* enum kw_pol_mode: dangerous_interfaces */
	__u32 observe;		/* safe mode: report, deny nothing */
	__u64 text_lo;		/* kwarden.ko's code, from its lowest */
	__u64 text_hi;		/* to its highest text symbol; 0: unknown */
};

/* kexec_file_load: which file (arg) */
#define KW_KEXEC_KERNEL		1
#define KW_KEXEC_INITRAMFS	2

/* contained_device: which access (arg) */
#define KW_CONTAINED_READ	1
#define KW_CONTAINED_WRITE	2
#define KW_CONTAINED_IOCTL	3
#define KW_CONTAINED_MMAP	4

/* A module name, or an autoload request's, as a BPF map key or value */
struct kw_modname {
	char name[KW_NAME_LEN];
};

/*
 * danger_contained: the modules kwardend contained and that are still
 * loaded, by name; the value is when the last record was sent (boot ns).
 */
#define KW_CONTAINED_MAX	64
/*
 * request_deny (bpf/kwarden.bpf.c): the names and exact aliases of the
 * blocked modules, each with its module's name.
 */
#define KW_REQUEST_DENY_MAX	4096

/* probe_kwarden: how (arg) */
#define KW_PROBE_PERF_KPROBE	1	/* perf_event_open of a kprobe */
#define KW_PROBE_TRACING	2	/* fentry, fexit... on kwarden's BTF */
#define KW_PROBE_KPROBE_MULTI	3	/* BPF kprobe_multi link */

/* guard_inodes key: a protected inode; value: class | KW_GUARD_DIR */
struct kw_guard_inode {
	__u32 dev;		/* kernel dev_t: MAJOR << 20 | MINOR */
	__u32 pad;
	__u64 ino;
};

/* guard_ids key: one of our BPF programs, maps or links */
struct kw_guard_id {
	__u32 type;		/* KW_OBJ_* */
	__u32 id;
};

#endif /* _UAPI_LINUX_KWARDEN_H */
