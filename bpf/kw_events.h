/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What every kwarden BPF object shares: the `events` ring buffer and its
 * `drops` counter (kwardend hands one instance to all objects), the record
 * constructor, and the LSM verdict helper.
 */
#ifndef KW_EVENTS_H
#define KW_EVENTS_H

#define EPERM		1
#define EFAULT		14
#define EACCES		13
#define MAX_ERRNO	4095

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);
} events SEC(".maps");

/* Ring buffer reservations that failed: the events we lost */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} drops SEC(".maps");

static __always_inline void count_drop(void)
{
	__u32 zero = 0;
	__u64 *n = bpf_map_lookup_elem(&drops, &zero);

	if (n)
		*n += 1;
}

/*
 * An LSM program must return a value that the verifier can prove lies in
 * [-MAX_ERRNO, 0]. clang (14 and 19) compiles "return bad ? -1 : 0" into
 * "r0 = bad; r0 = -r0", the 6.12 verifier loses the range on BPF_NEG and
 * rejects the program ("R0 has unknown scalar value"). So the decision is
 * hidden from clang behind barrier_var() and each path returns a constant,
 * which the verifier tracks exactly. Every LSM verdict goes through here.
 */
static __always_inline int kw_verdict(__u32 deny)
{
	barrier_var(deny);
	if (deny)
		return -EPERM;
	return 0;
}

/* The file name of the current task's program; "" for kernel threads */
static __always_inline void current_exe(char *buf, __u32 len)
{
	struct task_struct *t = bpf_get_current_task_btf();
	struct file *exe = BPF_CORE_READ(t, mm, exe_file);

	buf[0] = '\0';
	if (exe)
		bpf_probe_read_kernel_str(buf, len,
					  BPF_CORE_READ(exe, f_path.dentry,
							d_name.name));
}

static __always_inline struct kw_bpf_event *event_new(__u32 kind, __u32 action)
{
	struct kw_bpf_event *e;
	__u64 id = bpf_get_current_pid_tgid();

	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e) {
		count_drop();
		return NULL;
	}
	e->time_ns = bpf_ktime_get_boot_ns();
	e->kind = kind;
	e->action = action;
	e->pid = id >> 32;
	e->uid = (__u32)bpf_get_current_uid_gid();
	e->via = KW_VIA_UNKNOWN;
	e->taints = 0;
	e->sig_ok = 0;
	e->pad = 0;
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	e->name[0] = '\0';
	e->path[0] = '\0';
	e->op = KW_OP_none;
	e->arg = 0;
	e->target_pid = 0;
	e->target_dev = 0;
	e->target_id = 0;
	e->target_class = 0;
	e->pad2 = 0;
	e->exe[0] = '\0';
	return e;
}

/*
 * Callers test the record of event_new() and op_event_new() at once, with
 * no code between: 6.1's verifier does not know that a record found
 * non-NULL once is still non-NULL, and if the compiler cannot fold the
 * second test into the first (code between them stops it) it follows a
 * path where the record is never submitted ("Unreleased reference").
 */
/*
 * A tamper_attempt or dangerous_interface: what was tried (op, arg), the
 * verdict as its action, and the acting task's program
 */
static __always_inline struct kw_bpf_event *op_event_new(__u32 kind, __u32 op,
							 __u32 arg, __u32 deny)
{
	struct kw_bpf_event *e;

	e = event_new(kind, deny ? KW_ACTION_denied : KW_ACTION_logged);
	if (!e)
		return NULL;
	e->op = op;
	e->arg = arg;
	current_exe(e->exe, sizeof(e->exe));
	return e;
}

#endif /* KW_EVENTS_H */
