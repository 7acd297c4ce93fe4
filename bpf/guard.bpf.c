// SPDX-License-Identifier: GPL-2.0
/*
 * kwarden's BPF guard: self-protection, as far as LSM hooks reach.
 *
 * Denied to every task but the claimed kwardend, root included, unless an
 * admin unlocked the guard (kwardenctl unlock; guard_unlock holds the
 * CLOCK_BOOTTIME deadline):
 *   - signals, SIGIO, rlimits and ptrace/memory access aimed at kwardend;
 *   - delete_module("kwarden"), with or without O_TRUNC (rmmod -f);
 *   - writable fds to our maps, detach/update of our links;
 *   - open for write, truncate, setattr, unlink, rmdir, rename, create and
 *     hard links on the inodes kwardend registered in guard_inodes (config,
 *     journal, control socket, pins, its own program), by device and inode
 *     (a freed inode with no links left drops its key);
 *   - unmounting the bpffs that holds the pins, or lazily a mount above it;
 *   - opening kernel.ftrace_enabled or debugfs kprobes/enabled for write,
 *     which would turn off every BPF trampoline or kprobe (kwardend too);
 *   - generic netlink commands that change kwarden.ko's state.
 * Every denial is one tamper_attempt record in the `events` ring buffer.
 * Its file_open program also runs the dangerous-interface check of opens
 * (kw_danger.h, with danger_conf shared with the danger object).
 * In observe mode (kwarden.safe_mode=1) the same records say "logged" and
 * nothing is denied.
 *
 * kwardend's identity (tgid and start time) is set by the task_prctl
 * program when a root task presents the unlock key (KW_PRCTL_CLAIM), so a
 * restarted kwardend can take over the pinned state while locked.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include <linux/kwarden.h>
#include "kw_events.h"
#include "kw_self.h"
#include "kw_danger.h"

#define PTRACE_MODE_ATTACH	0x02
#define CAP_SYS_MODULE		16
#define MNT_DETACH		0x2
#define TS_COMPAT		0x0002
#define X32_SYSCALL_BIT		0x40000000
#define NR_delete_module	176
#define NR_ia32_delete_module	129
#define DEBUGFS_MAGIC		0x64626720
/* security_task_prctl()'s default: "not an option of mine" */
#define PRCTL_NOT_MINE		(-38)
#define NETLINK_GENERIC		16
#define KW_NLMSG_ALIGN(len)	(((len) + 3U) & ~3U)
#define KW_NLMSG_HDRLEN		16U
#define KW_NL_MSGS		16	/* messages inspected in one send */

char LICENSE[] SEC("license") = "GPL";


/* The unlock key and the pins' device, written by kwardend */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct kw_guard_conf);
} guard_conf SEC(".maps");

/* CLOCK_BOOTTIME ns until which the guard stands aside; 0: locked */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} guard_unlock SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, struct kw_guard_inode);
	__type(value, __u32);
} guard_inodes SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 512);
	__type(key, struct kw_guard_id);
	__type(value, __u32);
} guard_ids SEC(".maps");

/* mount id -> KW_MNT_PINS or KW_MNT_ANCESTOR */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 64);
	__type(key, __u32);
	__type(value, __u32);
} guard_mounts SEC(".maps");

/* ---- who may ---- */

static __always_inline bool unlocked(void)
{
	__u32 zero = 0;
	__u64 *until = bpf_map_lookup_elem(&guard_unlock, &zero);

	return until && bpf_ktime_get_boot_ns() < *until;
}

/* kwardend itself, or anyone while an admin has unlocked the guard */
static __always_inline bool exempt(void)
{
	return unlocked() || is_kwardend_task(bpf_get_current_task_btf());
}

/* 0 in observe mode (kwarden.safe_mode=1): report, deny nothing */
static __always_inline __u32 enforce(void)
{
	__u32 zero = 0;
	struct kw_guard_conf *c = bpf_map_lookup_elem(&guard_conf, &zero);

	return !(c && c->observe);
}

static __always_inline bool is_ours(__u32 type, __u32 id)
{
	struct kw_guard_id k = { .type = type, .id = id };

	return id && bpf_map_lookup_elem(&guard_ids, &k);
}

/* ---- what is protected ---- */

struct kw_hit {
	__u32 cls;		/* enum kw_guard_class | KW_GUARD_* flags */
	__u32 dev;
	__u64 ino;
};

static __always_inline bool inode_hit(struct inode *inode, struct kw_hit *h)
{
	struct kw_guard_inode k = {};
	__u32 *v;

	if (!inode)
		return false;
	k.dev = BPF_CORE_READ(inode, i_sb, s_dev);
	k.ino = BPF_CORE_READ(inode, i_ino);
	v = bpf_map_lookup_elem(&guard_inodes, &k);
	if (!v)
		return false;
	h->cls = *v;
	h->dev = k.dev;
	h->ino = k.ino;
	return true;
}

/* A protected directory, about to get, lose or change an entry */
static __always_inline bool dir_hit(struct inode *dir, struct kw_hit *h)
{
	struct kw_hit d = {};

	if (!inode_hit(dir, &d) || !(d.cls & KW_GUARD_DIR))
		return false;
	*h = d;
	h->cls |= KW_GUARD_ENTRY;
	return true;
}

/* A protected inode, or an entry of a protected directory */
static __always_inline bool dentry_hit(struct dentry *d, struct kw_hit *h)
{
	return inode_hit(BPF_CORE_READ(d, d_inode), h) ||
	       dir_hit(BPF_CORE_READ(d, d_parent, d_inode), h);
}

/* kname is a kernel string; len counts the NUL */
static __always_inline bool name_is(const unsigned char *kname,
				    const char *want, int len)
{
	char buf[16];
	int i;

	if (bpf_probe_read_kernel_str(buf, sizeof(buf), kname) != len)
		return false;
#pragma unroll
	for (i = 0; i < len && i < (int)sizeof(buf); i++)
		if (buf[i] != want[i])
			return false;
	return true;
}

/*
 * kernel.ftrace_enabled=0 turns every ftrace site off, BPF trampolines
 * included; debugfs kprobes/enabled=0 disarms every kprobe. Both are
 * named, not registered: proc and debugfs inodes come and go.
 */
static __always_inline __u32 tracing_switch(struct dentry *d)
{
	unsigned long magic = BPF_CORE_READ(d, d_sb, s_magic);
	const unsigned char *name = BPF_CORE_READ(d, d_name.name);
	const unsigned char *dir = BPF_CORE_READ(d, d_parent, d_name.name);

	if (magic == PROC_SUPER_MAGIC && name_is(name, "ftrace_enabled", 15) &&
	    name_is(dir, "kernel", 7))
		return KW_TRACING_FTRACE;
	if (magic == DEBUGFS_MAGIC && name_is(name, "enabled", 8) &&
	    name_is(dir, "kprobes", 8))
		return KW_TRACING_KPROBES;
	return 0;
}

/* ---- reporting: one tamper_attempt per denial ---- */

static __always_inline struct kw_bpf_event *tamper_new(__u32 op, __u32 arg,
						       __u32 deny)
{
	return op_event_new(KW_KIND_tamper_attempt, op, arg, deny);
}

static __always_inline int deny_file(__u32 op, __u32 arg,
				     const struct kw_hit *h, struct dentry *d)
{
	__u32 deny = enforce();
	struct kw_bpf_event *e = tamper_new(op, arg, deny);

	if (e) {
		e->target_class = h->cls;
		e->target_dev = h->dev;
		e->target_id = h->ino;
		bpf_probe_read_kernel_str(e->path, sizeof(e->path),
					  BPF_CORE_READ(d, d_name.name));
		bpf_ringbuf_submit(e, 0);
	}
	return kw_verdict(deny);
}

static __always_inline int deny_task(__u32 op, __u32 arg,
				     struct task_struct *p)
{
	__u32 deny = enforce();
	struct kw_bpf_event *e = tamper_new(op, arg, deny);

	if (e) {
		e->target_pid = BPF_CORE_READ(p, tgid);
		BPF_CORE_READ_STR_INTO(&e->path, p, comm);
		bpf_ringbuf_submit(e, 0);
	}
	return kw_verdict(deny);
}

static __always_inline int guard_dentry(__u32 op, __u32 arg, struct dentry *d)
{
	struct kw_hit h = {};

	if (!dentry_hit(d, &h) || exempt())
		return kw_verdict(0);
	return deny_file(op, arg, &h, d);
}

/* ---- kwardend's process ---- */

SEC("lsm/task_kill")
int BPF_PROG(kw_guard_kill, struct task_struct *p, struct kernel_siginfo *info,
	     int sig, const struct cred *cred)
{
	if (!sig || !is_kwardend_task(p) || exempt())
		return kw_verdict(0);
	return deny_task(KW_OP_signal, sig, p);
}

/* F_SETOWN + F_SETSIG would let any file owner pick kwardend's signal */
SEC("lsm/file_send_sigiotask")
int BPF_PROG(kw_guard_sigio, struct task_struct *tsk, struct fown_struct *fown,
	     int sig)
{
	if (!is_kwardend_task(tsk) || unlocked())
		return kw_verdict(0);
	return deny_task(KW_OP_sigio, sig, tsk);
}

/* RLIMIT_CPU ends in SIGKILL, RLIMIT_NOFILE starves the daemon */
SEC("lsm/task_setrlimit")
int BPF_PROG(kw_guard_rlimit, struct task_struct *p, unsigned int resource,
	     struct rlimit *new_rlim)
{
	if (!is_kwardend_task(p) || exempt())
		return kw_verdict(0);
	return deny_task(KW_OP_setrlimit, resource, p);
}

/* PTRACE_ATTACH/SEIZE, /proc/PID/mem, process_vm_*, pidfd_getfd */
SEC("lsm/ptrace_access_check")
int BPF_PROG(kw_guard_ptrace, struct task_struct *child, unsigned int mode)
{
	if (!(mode & PTRACE_MODE_ATTACH) || !is_kwardend_task(child) ||
	    exempt())
		return kw_verdict(0);
	return deny_task(KW_OP_ptrace, mode, child);
}

/*
 * kwardend's death, whatever the cause: OOM, cgroup.kill, a crash, a kernel
 * signal the guard cannot refuse. The record waits in the ring buffer for
 * the next kwardend. A stop while an admin has unlocked the guard is not
 * reported.
 */
SEC("tp_btf/sched_process_exit")
int BPF_PROG(kw_guard_exit, struct task_struct *p)
{
	struct kw_bpf_event *e;

	if (BPF_CORE_READ(p, pid) != BPF_CORE_READ(p, tgid) ||
	    !is_kwardend_task(p) || unlocked())
		return 0;
	e = tamper_new(KW_OP_daemon_exit, BPF_CORE_READ(p, exit_code), 0);
	if (e) {
		e->target_pid = BPF_CORE_READ(p, tgid);
		BPF_CORE_READ_STR_INTO(&e->path, p, comm);
		bpf_ringbuf_submit(e, 0);
	}
	return 0;
}

/* ---- kwarden.ko ---- */

/*
 * delete_module() checks CAP_SYS_MODULE before it even looks at the name
 * or the O_TRUNC (force) flag, so this covers rmmod and rmmod -f. The
 * name is read here, before the kernel copies it, so a task could change
 * it from another thread in between. Hence a forced unload is refused
 * whatever the name (it ignores references and is never safe), and
 * kwarden.ko holds a reference on itself while locked (kmod/pin.c), which
 * a plain unload cannot pass. An unreadable name is denied, not guessed.
 */
#define O_TRUNC_FORCE	01000
SEC("lsm/capable")
int BPF_PROG(kw_guard_capable, const struct cred *cred,
	     struct user_namespace *ns, int cap, unsigned int opts)
{
	struct task_struct *t;
	struct pt_regs *regs;
	struct kw_bpf_event *e;
	unsigned long uname, flags;
	char name[16] = {};
	__u32 deny;
	long nr;
	int n;

	if (cap != CAP_SYS_MODULE)
		return kw_verdict(0);
	t = bpf_get_current_task_btf();
	regs = (struct pt_regs *)bpf_task_pt_regs(t);
	nr = BPF_CORE_READ(regs, orig_ax) & ~X32_SYSCALL_BIT;
	if (nr == NR_delete_module) {
		uname = BPF_CORE_READ(regs, di);
		flags = BPF_CORE_READ(regs, si);
	} else if (nr == NR_ia32_delete_module &&
		   (BPF_CORE_READ(t, thread_info.status) & TS_COMPAT)) {
		uname = (__u32)BPF_CORE_READ(regs, bx);
		flags = (__u32)BPF_CORE_READ(regs, cx);
	} else {
		return kw_verdict(0);
	}
	if (exempt())
		return kw_verdict(0);
	n = bpf_probe_read_user_str(name, sizeof(name), (void *)uname);
	if (!(flags & O_TRUNC_FORCE) && n > 0 &&
	    (n != 8 || name[0] != 'k' || name[1] != 'w' || name[2] != 'a' ||
	     name[3] != 'r' || name[4] != 'd' || name[5] != 'e' ||
	     name[6] != 'n'))
		return kw_verdict(0);
	deny = enforce();
	e = tamper_new(KW_OP_module_unload, (__u32)flags, deny);
	if (e) {
		__builtin_memcpy(e->name, name, sizeof(name));
		bpf_ringbuf_submit(e, 0);
	}
	return kw_verdict(deny);
}

/* ---- BPF objects ---- */

/* The link behind the current task's fd, or NULL */
static __always_inline struct bpf_link *fd_link(__u32 fd)
{
	struct task_struct *t = bpf_get_current_task_btf();
	struct fdtable *fdt = BPF_CORE_READ(t, files, fdt);
	struct file **fds, *f = NULL;

	if (!fdt || fd >= BPF_CORE_READ(fdt, max_fds))
		return NULL;
	fds = BPF_CORE_READ(fdt, fd);
	if (bpf_probe_read_kernel(&f, sizeof(f), &fds[fd]) || !f)
		return NULL;
	return BPF_CORE_READ(f, private_data);
}

/*
 * Our LSM and tracing links have neither detach nor update_prog, so the
 * kernel refuses both anyway; denying them here makes the attempt show.
 * The fd is any file: the link id and its program id must both be ours.
 */
SEC("lsm/bpf")
int BPF_PROG(kw_guard_bpf, int cmd, union bpf_attr *attr, unsigned int size)
{
	struct kw_bpf_event *e;
	struct bpf_link *link;
	__u32 op, fd, id, deny;

	if (cmd == BPF_LINK_DETACH) {
		op = KW_OP_bpf_link_detach;
		fd = attr->link_detach.link_fd;
	} else if (cmd == BPF_LINK_UPDATE) {
		op = KW_OP_bpf_link_update;
		fd = attr->link_update.link_fd;
	} else {
		return kw_verdict(0);
	}
	link = fd_link(fd);
	if (!link)
		return kw_verdict(0);
	id = BPF_CORE_READ(link, id);
	if (!is_ours(KW_OBJ_LINK, id) ||
	    !is_ours(KW_OBJ_PROG, BPF_CORE_READ(link, prog, aux, id)) ||
	    exempt())
		return kw_verdict(0);
	deny = enforce();
	e = tamper_new(op, cmd, deny);
	if (e) {
		e->target_class = KW_GUARD_PINS;
		e->target_id = id;
		bpf_ringbuf_submit(e, 0);
	}
	return kw_verdict(deny);
}

/*
 * Every map fd is made here: map creation, BPF_MAP_GET_FD_BY_ID and
 * BPF_OBJ_GET of a pin. Read-only fds are harmless (a ring buffer cannot
 * be consumed through one); a writable one could unlock the guard.
 */
SEC("lsm/bpf_map")
int BPF_PROG(kw_guard_bpf_map, struct bpf_map *map, fmode_t fmode)
{
	struct kw_bpf_event *e;
	__u32 id, deny;

	if (!(fmode & FMODE_WRITE))
		return kw_verdict(0);
	id = BPF_CORE_READ(map, id);
	if (!is_ours(KW_OBJ_MAP, id) || exempt())
		return kw_verdict(0);
	deny = enforce();
	e = tamper_new(KW_OP_bpf_map_write, fmode, deny);
	if (e) {
		e->target_class = KW_GUARD_PINS;
		e->target_id = id;
		BPF_CORE_READ_STR_INTO(&e->path, map, name);
		bpf_ringbuf_submit(e, 0);
	}
	return kw_verdict(deny);
}

static __always_inline __u32 mount_id(struct vfsmount *mnt)
{
	struct mount *m;

	m = (void *)((unsigned long)mnt -
		     bpf_core_field_offset(struct mount, mnt));
	return BPF_CORE_READ(m, mnt_id);
}

/*
 * The pins live as long as their bpffs superblock: deny unmounting any
 * mount of it, and lazily unmounting a mount above it (that detaches the
 * whole tree). A plain umount of a mount above fails with EBUSY anyway.
 */
SEC("lsm/sb_umount")
int BPF_PROG(kw_guard_umount, struct vfsmount *mnt, int flags)
{
	struct kw_guard_conf *c;
	struct kw_bpf_event *e;
	__u32 zero = 0, dev, id, cls, deny, *role;

	dev = BPF_CORE_READ(mnt, mnt_sb, s_dev);
	id = mount_id(mnt);
	c = bpf_map_lookup_elem(&guard_conf, &zero);
	if (c && c->pins_dev && dev == c->pins_dev) {
		cls = KW_GUARD_PINS;
	} else {
		role = bpf_map_lookup_elem(&guard_mounts, &id);
		if (!role || *role != KW_MNT_ANCESTOR || !(flags & MNT_DETACH))
			return kw_verdict(0);
		cls = KW_GUARD_MOUNT;
	}
	if (exempt())
		return kw_verdict(0);
	deny = enforce();
	e = tamper_new(KW_OP_umount, flags, deny);
	if (e) {
		e->target_class = cls;
		e->target_dev = dev;
		e->target_id = id;
		bpf_probe_read_kernel_str(e->path, sizeof(e->path),
					  BPF_CORE_READ(mnt, mnt_root, d_name.name));
		bpf_ringbuf_submit(e, 0);
	}
	return kw_verdict(deny);
}

/* ---- files, by inode ---- */

/* Opens for write of our inodes, or of a switch that turns tracing off */
static __always_inline int guard_open_write(struct file *file)
{
	struct dentry *d = file->f_path.dentry;
	struct kw_hit h = {};
	__u32 sw;

	if (dentry_hit(d, &h)) {
		if (exempt())
			return kw_verdict(0);
		return deny_file(KW_OP_open_write, 0, &h, d);
	}
	sw = tracing_switch(d);
	if (!sw || unlocked())
		return kw_verdict(0);
	h.cls = KW_GUARD_TRACING;
	h.dev = BPF_CORE_READ(d, d_sb, s_dev);
	h.ino = BPF_CORE_READ(d, d_inode, i_ino);
	return deny_file(KW_OP_tracing_off, sw, &h, d);
}

/*
 * Every open of the system runs this, and each BPF program on a hook
 * costs a trip through the trampoline: one program for the guard and
 * the dangerous interfaces both (kw_danger.h), in that order, as two
 * programs would. A read-only open of anything but a character device
 * or a procfs entry returns after four loads (docs/bench.md).
 */
SEC("lsm/file_open")
int BPF_PROG(kw_guard_open, struct file *file)
{
	if ((file->f_mode & FMODE_WRITE) && guard_open_write(file))
		return kw_verdict(1);
	return danger_open(file);
}

/*
 * ftruncate(2), and O_TRUNC on an open without write access (6.2 and
 * later; before, both reach inode_setattr below with ATTR_SIZE only).
 */
SEC("lsm/file_truncate")
int BPF_PROG(kw_guard_ftruncate, struct file *file)
{
	return guard_dentry(KW_OP_truncate, 0, file->f_path.dentry);
}

/*
 * truncate(2), chmod, chown, utimes. The hook took an idmap first from
 * 6.3 on; kwardend loads the program whose "_aN" suffix matches the
 * number of arguments of this kernel's hook.
 */
SEC("lsm/inode_setattr")
int BPF_PROG(kw_guard_setattr_a3, struct mnt_idmap *idmap,
	     struct dentry *dentry, struct iattr *attr)
{
	return guard_dentry(KW_OP_setattr, attr->ia_valid, dentry);
}

SEC("lsm/inode_setattr")
int BPF_PROG(kw_guard_setattr_a2, struct dentry *dentry, struct iattr *attr)
{
	return guard_dentry(KW_OP_setattr, attr->ia_valid, dentry);
}

SEC("lsm/inode_unlink")
int BPF_PROG(kw_guard_unlink, struct inode *dir, struct dentry *dentry)
{
	return guard_dentry(KW_OP_unlink, 0, dentry);
}

SEC("lsm/inode_rmdir")
int BPF_PROG(kw_guard_rmdir, struct inode *dir, struct dentry *dentry)
{
	return guard_dentry(KW_OP_rmdir, 0, dentry);
}

/* Moving ours away, replacing ours, or moving anything into our dirs */
SEC("lsm/inode_rename")
int BPF_PROG(kw_guard_rename, struct inode *old_dir, struct dentry *old_dentry,
	     struct inode *new_dir, struct dentry *new_dentry)
{
	struct kw_hit h = {};
	struct dentry *d = old_dentry;

	if (!dentry_hit(old_dentry, &h)) {
		d = new_dentry;
		if (!inode_hit(BPF_CORE_READ(new_dentry, d_inode), &h) &&
		    !dir_hit(new_dir, &h))
			return kw_verdict(0);
	}
	if (exempt())
		return kw_verdict(0);
	return deny_file(KW_OP_rename, 0, &h, d);
}

/* New files in our dirs; BPF_OBJ_PIN into the pin dir comes here too */
SEC("lsm/inode_create")
int BPF_PROG(kw_guard_create, struct inode *dir, struct dentry *dentry,
	     umode_t mode)
{
	struct kw_hit h = {};

	if (!dir_hit(dir, &h) || exempt())
		return kw_verdict(0);
	return deny_file(KW_OP_create, mode, &h, dentry);
}

SEC("lsm/inode_link")
int BPF_PROG(kw_guard_link, struct dentry *old_dentry, struct inode *dir,
	     struct dentry *new_dentry)
{
	struct kw_hit h = {};

	if (!dir_hit(dir, &h) || exempt())
		return kw_verdict(0);
	return deny_file(KW_OP_link, 0, &h, new_dentry);
}

/*
 * An inode number outlives its file: ext4 hands a freed one to the next
 * file made in the same group, often at once. When a registered inode
 * with no links left is freed (kwardend replaced its metrics or state
 * file, an unlocked admin removed an entry), its key goes with it, so
 * the stranger that gets the number next is not "ours" until kwardend's
 * next pass notices. Inodes merely dropped from the cache keep their key.
 */
SEC("lsm/inode_free_security")
int BPF_PROG(kw_guard_inode_free, struct inode *inode)
{
	struct kw_guard_inode k = {};

	if (BPF_CORE_READ(inode, i_nlink))
		return 0;
	k.dev = BPF_CORE_READ(inode, i_sb, s_dev);
	k.ino = BPF_CORE_READ(inode, i_ino);
	bpf_map_delete_elem(&guard_inodes, &k);
	return 0;
}

/* ---- kwarden.ko's generic netlink channel ---- */

/*
 * The first command of @skb that would change kwarden.ko's state, or -1.
 * Walks the messages as netlink_rcv_skb() will; a send with more messages
 * than inspected counts as one (KW_CMD_UNSEEN).
 */
static __always_inline int kmod_state_cmd(struct sk_buff *skb, __u32 family)
{
	unsigned char *data = BPF_CORE_READ(skb, data);
	__u32 len = BPF_CORE_READ(skb, len), off = 0;
	struct nlmsghdr nlh;
	__u8 cmd;
	int i;

	for (i = 0; i < KW_NL_MSGS; i++) {
		if (off + KW_NLMSG_HDRLEN > len)
			return -1;
		if (bpf_probe_read_kernel(&nlh, sizeof(nlh), data + off))
			return KW_CMD_UNSEEN;
		if (nlh.nlmsg_len < KW_NLMSG_HDRLEN || nlh.nlmsg_len > len - off)
			return -1;	/* the kernel stops there too */
		if (nlh.nlmsg_type == family &&
		    !bpf_probe_read_kernel(&cmd, 1, data + off + KW_NLMSG_HDRLEN) &&
		    nlh.nlmsg_len > KW_NLMSG_HDRLEN && !KWARDEN_CMD_READ_ONLY(cmd))
			return cmd;
		off += KW_NLMSG_ALIGN(nlh.nlmsg_len);
	}
	return off < len ? KW_CMD_UNSEEN : -1;
}

/*
 * Commands that change kwarden.ko's state (its module-load policy, a scan
 * now, anything added later) come only from the claimed kwardend, or while
 * an admin has unlocked the guard: any other sender, root with
 * CAP_NET_ADMIN included, gets EPERM before kwarden.ko sees the message.
 * kwardend writes the family id (the kernel picks it) into guard_conf when
 * it connects to kwarden.ko.
 */
SEC("lsm/netlink_send")
int BPF_PROG(kw_guard_netlink_send, struct sock *sk, struct sk_buff *skb)
{
	struct kw_guard_conf *c;
	struct kw_bpf_event *e;
	__u32 zero = 0, deny;
	int cmd;

	c = bpf_map_lookup_elem(&guard_conf, &zero);
	if (!c || !c->kmod_family ||
	    BPF_CORE_READ(sk, sk_protocol) != NETLINK_GENERIC || exempt())
		return kw_verdict(0);
	cmd = kmod_state_cmd(skb, c->kmod_family);
	if (cmd < 0)
		return kw_verdict(0);
	deny = enforce();
	e = tamper_new(KW_OP_kmod_command, cmd, deny);
	if (e)
		bpf_ringbuf_submit(e, 0);
	return kw_verdict(deny);
}

/* ---- kwardend's claim ---- */

/*
 * prctl(KW_PRCTL_CLAIM, key) from root with the unlock key makes the
 * caller the protected kwardend. A BPF LSM program that returns 0 lets
 * the kernel call the hook's default, which says -ENOSYS (not handled),
 * so even a good claim ends in EINVAL: the caller reads guard_self to
 * know. Every other option is left alone the same way.
 * A wrong key from root is a tamper_attempt; from anyone else it is only
 * refused (unprivileged users must not be able to flood the journal).
 */
SEC("lsm/task_prctl")
int BPF_PROG(kw_guard_prctl, int option, unsigned long arg2,
	     unsigned long arg3, unsigned long arg4, unsigned long arg5)
{
	struct task_struct *t = bpf_get_current_task_btf();
	struct kw_guard_conf *c;
	struct kw_guard_self *s;
	struct kw_bpf_event *e;
	__u8 key[KW_KEY_LEN];
	__u32 zero = 0;
	__u8 diff = 0;
	int i;

	if (option != KW_PRCTL_CLAIM)
		return PRCTL_NOT_MINE;
	if ((__u32)bpf_get_current_uid_gid() != 0)
		return -EPERM;
	c = bpf_map_lookup_elem(&guard_conf, &zero);
	s = bpf_map_lookup_elem(&guard_self, &zero);
	if (!c || !s)
		return -EACCES;
	if (bpf_probe_read_user(key, sizeof(key), (void *)arg2))
		return -EFAULT;
	for (i = 0; i < KW_KEY_LEN; i++)
		diff |= key[i] ^ c->key[i];
	if (!c->armed || diff) {
		e = tamper_new(KW_OP_claim, 0, 1);
		if (e)
			bpf_ringbuf_submit(e, 0);
		return -EACCES;
	}
	s->tgid = BPF_CORE_READ(t, tgid);
	s->start_time = BPF_CORE_READ(t, group_leader, start_time);
	s->claims++;
	return 0;
}
