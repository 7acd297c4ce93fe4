// SPDX-License-Identifier: GPL-2.0
/*
 * kwarden's BPF watch on dangerous interfaces: the ways root reaches into
 * the kernel around the module loader and around kwarden.
 *
 *   - /dev/mem, /dev/kmem, /dev/port opened for write (char 1:1, 1:2, 1:4);
 *   - /proc/kcore opened at all;
 *   - kexec_load (kernel_load_data LOADING_KEXEC_IMAGE) and kexec_file_load
 *     (kernel_read_file READING_KEXEC_IMAGE and _INITRAMFS);
 *   - a BPF program that calls bpf_probe_write_user or bpf_override_return,
 *     found in its instructions as the kernel copied them, before the
 *     verifier sees them (bpf_prog_load);
 *   - probes on kwarden.ko's own code: a perf kprobe (perf_event_open of the
 *     kprobe PMU, or of a kprobe event made in tracefs) whose symbol starts
 *     with "kw_" or "kwarden" or whose address lies in kwarden.ko's text,
 *     read from the kprobe the kernel has just registered for the event
 *     (perf_event_alloc); fentry/fexit/fmod_ret programs aimed at kwarden's
 *     module BTF (bpf_prog_load); a kprobe_multi link naming such symbols
 *     or addresses among its first KW_MULTI_MAX entries (bpf);
 *   - read, write, ioctl and mmap of files whose operations belong to a
 *     module kwardend contained (danger_contained), attached on demand.
 *
 * dangerous_interfaces in kwarden.conf picks the mode (danger_conf): off,
 * audit (report, deny nothing) or enforce (deny with EPERM and report).
 * Safe mode (observe) is audit whatever the mode. kwardend itself, as the
 * guard knows it (guard_self, shared with bpf/guard.bpf.c), is exempt.
 * Each event is one dangerous_interface record in the shared ring buffer.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include <linux/kwarden.h>
#include "kw_events.h"
#include "kw_self.h"
#include "kw_danger.h"

#define MAY_WRITE		0x2

#define BPF_CALL_OPCODE		0x85	/* BPF_JMP | BPF_CALL */
#define FUNC_probe_write_user	36
#define FUNC_override_return	58
#define KW_INSN_CHUNK		32	/* instructions read at once */
#define KW_INSN_MAX		(1 << 20) /* BPF_COMPLEXITY_LIMIT_INSNS */
#define KW_MULTI_MAX		32	/* kprobe_multi entries looked at */
#define KW_SYM_READ		64

/* TRACE_EVENT_FL_KPROBE of include/linux/trace_events.h on 6.12 */
#define KW_TRACE_EVENT_FL_KPROBE	32

char LICENSE[] SEC("license") = "GPL";

static __always_inline bool is_kwardend(void)
{
	return is_kwardend_task(bpf_get_current_task_btf());
}

/* ---- /dev/mem, /dev/kmem, /dev/port, /proc/kcore ---- */

/*
 * Attached only when the guard did not load: the guard's file_open
 * program runs the same check (kw_danger.h), one program an open.
 */
SEC("lsm/file_open")
int BPF_PROG(kw_danger_open, struct file *file)
{
	return danger_open(file);
}

/* ---- kexec ---- */

SEC("lsm/kernel_load_data")
int BPF_PROG(kw_danger_load_data, enum kernel_load_data_id id, bool contents)
{
	struct kw_bpf_event *e;
	__u32 deny;

	if (id != bpf_core_enum_value(enum kernel_load_data_id,
				      LOADING_KEXEC_IMAGE) || !watching())
		return kw_verdict(0);
	deny = denying();
	e = danger_new(KW_OP_kexec_load, 0, deny);
	if (e)
		bpf_ringbuf_submit(e, 0);
	return kw_verdict(deny);
}

SEC("lsm/kernel_read_file")
int BPF_PROG(kw_danger_read_file, struct file *file,
	     enum kernel_read_file_id id, bool contents)
{
	if ((id != bpf_core_enum_value(enum kernel_read_file_id,
				       READING_KEXEC_IMAGE) &&
	     id != bpf_core_enum_value(enum kernel_read_file_id,
				       READING_KEXEC_INITRAMFS)) || !watching())
		return kw_verdict(0);
	return danger_file(KW_OP_kexec_file_load,
			   id == bpf_core_enum_value(enum kernel_read_file_id,
						     READING_KEXEC_IMAGE) ?
			   KW_KEXEC_KERNEL : KW_KEXEC_INITRAMFS, file);
}

/* ---- the files of a contained module ---- */

/*
 * A contained module stays loaded, so its character devices, misc devices
 * and other files whose operations it owns still reach its code. Once a
 * file is open its f_op is the driver's, and f_op->owner names the module:
 * read, write, ioctl and mmap are denied on it. These programs are not
 * attached at load: kwardend attaches them while danger_contained holds a
 * loaded module, so every read and write on the system pays for them only
 * then. At most one record a second per module; every access is denied
 * whatever dangerous_interfaces says (safe mode: reported, not denied).
 * The open itself is not seen: at file_open a device's f_op is still the
 * generic one. 32-bit ioctls (file_ioctl_compat) are not watched.
 */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, KW_CONTAINED_MAX);
	__type(key, struct kw_modname);
	__type(value, __u64);
} danger_contained SEC(".maps");

static __always_inline int contained(struct file *file, __u32 how)
{
	struct kw_modname k = {};
	struct kw_danger_conf *c;
	struct kw_bpf_event *e;
	struct module *owner;
	__u64 *last, now;
	__u32 deny;

	owner = BPF_CORE_READ(file, f_op, owner);
	if (!owner ||
	    bpf_probe_read_kernel_str(k.name, sizeof(k.name), owner->name) < 0)
		return kw_verdict(0);
	last = bpf_map_lookup_elem(&danger_contained, &k);
	if (!last || is_kwardend())
		return kw_verdict(0);
	c = danger_conf_get();
	deny = !(c && c->observe);
	now = bpf_ktime_get_boot_ns();
	if (now - *last < 1000000000ULL)
		return kw_verdict(deny);
	*last = now;
	e = danger_new(KW_OP_contained_device, how, deny);
	if (e) {
		__builtin_memcpy(e->name, k.name, sizeof(e->name));
		e->target_dev = BPF_CORE_READ(file, f_inode, i_rdev);
		e->target_id = BPF_CORE_READ(file, f_inode, i_ino);
		bpf_probe_read_kernel_str(e->path, sizeof(e->path),
				BPF_CORE_READ(file, f_path.dentry, d_name.name));
		bpf_ringbuf_submit(e, 0);
	}
	return kw_verdict(deny);
}

SEC("lsm/file_permission")
int BPF_PROG(kw_contained_rw, struct file *file, int mask)
{
	return contained(file, mask & MAY_WRITE ? KW_CONTAINED_WRITE :
						  KW_CONTAINED_READ);
}

SEC("lsm/file_ioctl")
int BPF_PROG(kw_contained_ioctl, struct file *file, unsigned int cmd,
	     unsigned long arg)
{
	return contained(file, KW_CONTAINED_IOCTL);
}

SEC("lsm/mmap_file")
int BPF_PROG(kw_contained_mmap, struct file *file, unsigned long reqprot,
	     unsigned long prot, unsigned long flags)
{
	if (!file)
		return kw_verdict(0);
	return contained(file, KW_CONTAINED_MMAP);
}

/* ---- BPF programs ---- */

struct kw_scan {
	__u64 insns;		/* address, as a number: read with probe_read */
	__u32 len;
	__u32 at;		/* first offending instruction */
	__u32 helper;		/* its helper, 0: none found */
};

/*
 * Instructions [i * 32, i * 32 + 32) of the program. A whole chunk is read
 * at once (a constant size: the verifier loses variable ones); the last
 * one may run past the program's memory, and is then read one by one.
 */
static long scan_chunk(__u32 i, struct kw_scan *s)
{
	__u64 buf[KW_INSN_CHUNK];
	__u32 first = i * KW_INSN_CHUNK, n, j;
	__u64 src = s->insns + (__u64)first * sizeof(buf[0]);
	__s32 imm;

	if (first >= s->len)
		return 1;
	n = s->len - first;
	if (bpf_probe_read_kernel(buf, sizeof(buf), (void *)src)) {
		for (j = 0; j < KW_INSN_CHUNK && j < n; j++)
			if (bpf_probe_read_kernel(&buf[j], sizeof(buf[j]),
						  (void *)(src + j * 8)))
				return 1;
	}
	for (j = 0; j < KW_INSN_CHUNK && j < n; j++) {
		/* code: byte 0; src_reg: the high nibble of byte 1; imm */
		if ((buf[j] & 0xff) != BPF_CALL_OPCODE || (buf[j] & 0xf000))
			continue;
		imm = (__s32)(buf[j] >> 32);
		if (imm == FUNC_probe_write_user || imm == FUNC_override_return) {
			s->at = first + j;
			s->helper = imm;
			return 1;
		}
	}
	return 0;
}

/* A tracing program aimed at kwarden.ko's own BTF (fentry, fexit...) */
static __always_inline bool aims_at_kwarden(struct bpf_prog *prog)
{
	struct btf *btf = BPF_CORE_READ(prog, aux, attach_btf);
	char name[8] = {};

	if (!btf)
		return false;
	bpf_probe_read_kernel_str(name, sizeof(name), btf->name);
	return name[0] == 'k' && name[1] == 'w' && name[2] == 'a' &&
	       name[3] == 'r' && name[4] == 'd' && name[5] == 'e' &&
	       name[6] == 'n' && name[7] == '\0';
}

SEC("lsm/bpf_prog_load")
int BPF_PROG(kw_danger_prog_load, struct bpf_prog *prog, union bpf_attr *attr,
	     struct bpf_token *token)
{
	struct kw_scan s = {};
	struct kw_bpf_event *e;
	__u32 deny, op, arg;
	void *insns;

	if (!watching())
		return kw_verdict(0);
	s.len = BPF_CORE_READ(prog, len);
	if (s.len > KW_INSN_MAX)
		s.len = KW_INSN_MAX;
	/*
	 * The instructions' address as a plain number: the verifier forbids
	 * variable offsets from a BTF pointer, so copy it as bytes.
	 */
	insns = (void *)prog + bpf_core_field_offset(struct bpf_prog, insnsi);
	bpf_probe_read_kernel(&s.insns, sizeof(s.insns), &insns);
	bpf_loop((s.len + KW_INSN_CHUNK - 1) / KW_INSN_CHUNK, scan_chunk, &s, 0);
	if (s.helper) {
		op = s.helper == FUNC_probe_write_user ? KW_OP_bpf_write_user :
			KW_OP_bpf_override_return;
		arg = s.helper;
	} else if (aims_at_kwarden(prog)) {
		op = KW_OP_probe_kwarden;
		arg = KW_PROBE_TRACING;
	} else {
		return kw_verdict(0);
	}
	deny = denying();
	e = danger_new(op, arg, deny);
	if (e) {
		e->target_id = s.at;
		e->target_class = BPF_CORE_READ(prog, type);
		BPF_CORE_READ_STR_INTO(&e->path, prog, aux, name);
		if (op == KW_OP_probe_kwarden)
			__builtin_memcpy(e->name, "kwarden", 8);
		bpf_ringbuf_submit(e, 0);
	}
	return kw_verdict(deny);
}

/* ---- probes on kwarden's code ---- */

/* "kw_..." or "kwarden...", after an optional "kwarden:" module prefix */
static __always_inline bool kwarden_symbol(const char *sym)
{
	const char *p = sym;

	if (sym[0] == 'k' && sym[1] == 'w' && sym[2] == 'a' && sym[3] == 'r' &&
	    sym[4] == 'd' && sym[5] == 'e' && sym[6] == 'n' && sym[7] == ':')
		p = sym + 8;
	return p[0] == 'k' && p[1] == 'w' &&
	       (p[2] == '_' || (p[2] == 'a' && p[3] == 'r' && p[4] == 'd' &&
				p[5] == 'e' && p[6] == 'n'));
}

static __always_inline bool kwarden_addr(__u64 addr)
{
	struct kw_danger_conf *c = danger_conf_get();

	return c && c->text_lo && addr >= c->text_lo && addr <= c->text_hi;
}

/* The kprobe behind a kprobe trace event, as trace_kprobe.c lays it out */
static __always_inline struct trace_kprobe *event_kprobe(struct trace_event_call *call)
{
	struct trace_probe_event *tpe;
	struct list_head *first;

	tpe = (void *)call - bpf_core_field_offset(struct trace_probe_event, call);
	first = BPF_CORE_READ(tpe, probes.next);
	if (!first || first == (void *)tpe +
	    bpf_core_field_offset(struct trace_probe_event, probes))
		return NULL;
	return (void *)first - bpf_core_field_offset(struct trace_probe, list) -
	       bpf_core_field_offset(struct trace_kprobe, tp);
}

SEC("lsm/perf_event_alloc")
int BPF_PROG(kw_danger_perf, struct perf_event *event)
{
	struct trace_event_call *call = BPF_CORE_READ(event, tp_event);
	char sym[KW_SYM_READ] = {};
	struct kw_bpf_event *e;
	struct trace_kprobe *tk;
	const char *symbol;
	__u64 addr;
	__u32 deny;

	if (!call ||
	    !(BPF_CORE_READ(call, flags) & KW_TRACE_EVENT_FL_KPROBE) ||
	    !watching())
		return kw_verdict(0);
	tk = event_kprobe(call);
	if (!tk)
		return kw_verdict(0);
	addr = (__u64)BPF_CORE_READ(tk, rp.kp.addr);
	symbol = BPF_CORE_READ(tk, symbol);
	if (symbol)
		bpf_probe_read_kernel_str(sym, sizeof(sym), symbol);
	if (!kwarden_symbol(sym) && !kwarden_addr(addr))
		return kw_verdict(0);
	deny = denying();
	e = danger_new(KW_OP_probe_kwarden, KW_PROBE_PERF_KPROBE, deny);
	if (e) {
		__builtin_memcpy(e->path, sym, sizeof(sym));
		__builtin_memcpy(e->name, "kwarden", 8);
		e->target_id = addr;
		bpf_ringbuf_submit(e, 0);
	}
	return kw_verdict(deny);
}

struct kw_multi {
	const __u64 *syms;	/* user array of char * */
	const __u64 *addrs;	/* user array of addresses */
	char sym[KW_SYM_READ];
	__u64 addr;
	bool hit;
};

static long multi_entry(__u32 i, struct kw_multi *m)
{
	__u64 p = 0;

	if (m->syms) {
		if (bpf_probe_read_user(&p, sizeof(p), m->syms + i) || !p)
			return 0;
		if (bpf_probe_read_user_str(m->sym, sizeof(m->sym),
					    (void *)p) <= 0)
			return 0;
		m->hit = kwarden_symbol(m->sym);
	} else if (m->addrs) {
		if (bpf_probe_read_user(&m->addr, sizeof(m->addr),
					m->addrs + i))
			return 0;
		m->hit = kwarden_addr(m->addr);
	}
	return m->hit;
}

/* BPF_LINK_CREATE of a kprobe_multi link: its first symbols or addresses */
SEC("lsm/bpf")
int BPF_PROG(kw_danger_bpf, int cmd, union bpf_attr *attr, unsigned int size)
{
	struct kw_multi m = {};
	struct kw_bpf_event *e;
	__u32 cnt, deny;

	if (cmd != BPF_LINK_CREATE ||
	    attr->link_create.attach_type != BPF_TRACE_KPROBE_MULTI ||
	    !watching())
		return kw_verdict(0);
	/*
	 * Read, not walked through BTF: 6.1's verifier resolves an offset in
	 * union bpf_attr by its first member only (map_create's) and refuses
	 * an 8-byte read there.
	 */
	m.syms = (const void *)BPF_CORE_READ(attr, link_create.kprobe_multi.syms);
	m.addrs = (const void *)BPF_CORE_READ(attr, link_create.kprobe_multi.addrs);
	cnt = BPF_CORE_READ(attr, link_create.kprobe_multi.cnt);
	if (cnt > KW_MULTI_MAX)
		cnt = KW_MULTI_MAX;
	bpf_loop(cnt, multi_entry, &m, 0);
	if (!m.hit)
		return kw_verdict(0);
	deny = denying();
	e = danger_new(KW_OP_probe_kwarden, KW_PROBE_KPROBE_MULTI, deny);
	if (e) {
		__builtin_memcpy(e->path, m.sym, sizeof(m.sym));
		__builtin_memcpy(e->name, "kwarden", 8);
		e->target_id = m.addr;
		bpf_ringbuf_submit(e, 0);
	}
	return kw_verdict(deny);
}
