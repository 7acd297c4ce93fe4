/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The dangerous-interface state and checks that more than one BPF object
 * needs: the danger_conf map (kwardend hands the guard's instance to the
 * danger object), the mode tests, the record of a file, and the file_open
 * check of /dev/mem, /dev/kmem, /dev/port and /proc/kcore. The guard's
 * one file_open program runs that check, so that an open pays for one
 * BPF program, not two (docs/bench.md); danger.bpf.c runs it only when
 * the guard did not load.
 */
#ifndef KW_DANGER_H
#define KW_DANGER_H

#ifndef FMODE_WRITE
#define FMODE_WRITE		0x2
#endif
#define KW_S_IFMT		00170000
#define KW_S_IFCHR		0020000
#define MEM_MAJOR		1
#ifndef PROC_SUPER_MAGIC
#define PROC_SUPER_MAGIC	0x9fa0
#endif
#define KW_MKDEV(ma, mi)	(((ma) << 20) | (mi))

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct kw_danger_conf);
} danger_conf SEC(".maps");

static __always_inline struct kw_danger_conf *danger_conf_get(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&danger_conf, &zero);
}

/* Whether to look at all: a mode is set and the task is not kwardend */
static __always_inline bool watching(void)
{
	struct kw_danger_conf *c = danger_conf_get();

	return c && c->mode != KW_POL_OFF &&
	       !is_kwardend_task(bpf_get_current_task_btf());
}

/* 1: deny (enforce, and not in safe mode) */
static __always_inline __u32 denying(void)
{
	struct kw_danger_conf *c = danger_conf_get();

	return c && c->mode == KW_POL_ENFORCE && !c->observe;
}

static __always_inline struct kw_bpf_event *danger_new(__u32 op, __u32 arg,
						       __u32 deny)
{
	return op_event_new(KW_KIND_dangerous_interface, op, arg, deny);
}

/* Report a simple event naming a file; the verdict */
static __always_inline int danger_file(__u32 op, __u32 arg, struct file *file)
{
	__u32 deny = denying();
	struct kw_bpf_event *e = danger_new(op, arg, deny);
	struct inode *inode;

	if (e) {
		inode = BPF_CORE_READ(file, f_inode);
		e->target_dev = BPF_CORE_READ(inode, i_rdev);
		e->target_id = BPF_CORE_READ(inode, i_ino);
		if (bpf_d_path(&file->f_path, e->path, sizeof(e->path)) < 0)
			bpf_probe_read_kernel_str(e->path, sizeof(e->path),
				BPF_CORE_READ(file, f_path.dentry, d_name.name));
		bpf_ringbuf_submit(e, 0);
	}
	return kw_verdict(deny);
}

/*
 * The root of a procfs, entry "kcore". file_open runs for every open, so
 * the common case (a regular file, not on procfs) costs as few loads as
 * can be (each load through a BTF pointer is about seven instructions in
 * the JIT) and no helper call: the superblock is the inode's, already
 * loaded, and fields are read through the BTF pointers, not with
 * bpf_probe_read_kernel().
 */
static __always_inline bool is_kcore(struct file *file, struct inode *inode)
{
	struct super_block *sb = inode->i_sb;
	struct dentry *d;
	char name[8];

	if (!sb || sb->s_magic != PROC_SUPER_MAGIC)
		return false;
	d = file->f_path.dentry;
	if (!d || d->d_name.len != 5 || d->d_parent != sb->s_root)
		return false;
	if (bpf_probe_read_kernel(name, 5, d->d_name.name))
		return false;
	return name[0] == 'k' && name[1] == 'c' && name[2] == 'o' &&
	       name[3] == 'r' && name[4] == 'e';
}

/* /dev/mem, /dev/kmem, /dev/port for write; /proc/kcore at all */
static __always_inline int danger_open(struct file *file)
{
	struct inode *inode = file->f_inode;
	umode_t mode;
	dev_t rdev;

	if (!inode)
		return kw_verdict(0);
	mode = inode->i_mode;
	if ((mode & KW_S_IFMT) == KW_S_IFCHR) {
		if (!(file->f_mode & FMODE_WRITE))
			return kw_verdict(0);
		rdev = inode->i_rdev;
		if (rdev != KW_MKDEV(MEM_MAJOR, 1) &&
		    rdev != KW_MKDEV(MEM_MAJOR, 2) &&
		    rdev != KW_MKDEV(MEM_MAJOR, 4))
			return kw_verdict(0);
		if (!watching())
			return kw_verdict(0);
		return danger_file(KW_OP_mem_write, file->f_mode, file);
	}
	if (!is_kcore(file, inode) || !watching())
		return kw_verdict(0);
	return danger_file(KW_OP_kcore_open, file->f_mode, file);
}

#endif /* KW_DANGER_H */
