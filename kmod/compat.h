/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kwarden - kernel version differences, kept in this one place
 *
 * Supported: 6.1 and later.  Every run-time write to kernel text on x86
 * goes through __text_poke(func, addr, src, len): text_poke, the batches of
 * text_poke_bp, text_poke_copy/set and kgdb.  struct module's memory
 * layout changed in 6.4, direct ftrace_ops in 6.5, generic-netlink dumps
 * in 6.6.
 */
#ifndef _KWARDEN_COMPAT_H
#define _KWARDEN_COMPAT_H

#define KW_POKE_SYMBOL		"__text_poke"
#define KW_POKE_ARG_FUNC(r)	((r)->di)
#define KW_POKE_ARG_ADDR(r)	((r)->si)
#define KW_POKE_ARG_SRC(r)	((r)->dx)
#define KW_POKE_ARG_LEN(r)	((r)->cx)

#include <linux/ftrace.h>
#include <linux/module.h>
#include <linux/version.h>
#include <net/genetlink.h>

/* A module's text (@text) or read-only data, after init. */
static inline void kw_mod_range(const struct module *mod, bool text,
				unsigned long *start, size_t *size)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 4, 0)
	const struct module_memory *m = &mod->mem[text ? MOD_TEXT : MOD_RODATA];

	*start = (unsigned long)m->base;
	*size = m->size;
#else
	const struct module_layout *l = &mod->core_layout;

	*start = (unsigned long)l->base + (text ? 0 : l->text_size);
	*size = text ? l->text_size : l->ro_size - l->text_size;
#endif
}

/* Does @addr lie in @mod's text, core or init? */
static inline bool kw_mod_text_has(const struct module *mod,
				   unsigned long addr)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 4, 0)
	return within_module_mem_type(addr, mod, MOD_TEXT) ||
	       within_module_mem_type(addr, mod, MOD_INIT_TEXT);
#else
	return addr - (unsigned long)mod->core_layout.base <
			mod->core_layout.text_size ||
	       addr - (unsigned long)mod->init_layout.base <
			mod->init_layout.text_size;
#endif
}

/* All the memory of a module, in bytes. */
static inline u64 kw_mod_size(const struct module *mod)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 4, 0)
	u64 size = 0;
	int type;

	for (type = 0; type < MOD_MEM_NUM_TYPES; type++)
		size += mod->mem[type].size;
	return size;
#else
	return mod->core_layout.size + mod->init_layout.size;
#endif
}

/*
 * The module memory a node of the kernel's module tree (mod_tree, a latch
 * tree of struct mod_tree_node) covers.  Since 6.4 each module_memory has
 * a node; before, the core and init layouts had one each, text first.
 */
static inline void kw_mtn_range(const struct mod_tree_node *mtn,
				unsigned long *base, unsigned long *size)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 4, 0)
	const struct module_memory *m =
		container_of(mtn, struct module_memory, mtn);
#else
	const struct module_layout *m =
		container_of(mtn, struct module_layout, mtn);
#endif

	*base = (unsigned long)m->base;
	*size = m->size;
}

/* Whether @addr, in the memory of @mtn, is code. */
static inline bool kw_mtn_text(const struct mod_tree_node *mtn,
			       unsigned long addr)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 4, 0)
	const struct module_memory *m =
		container_of(mtn, struct module_memory, mtn);

	return m == &mtn->mod->mem[MOD_TEXT] ||
	       m == &mtn->mod->mem[MOD_INIT_TEXT];
#else
	const struct module_layout *m =
		container_of(mtn, struct module_layout, mtn);

	return addr - (unsigned long)m->base < m->text_size;
#endif
}

/*
 * kernel/trace/ftrace.c's private struct ftrace_page: the same from 6.1 to
 * 6.12.  Each page holds @index records sorted by ip.
 */
struct kw_ftrace_page {
	struct kw_ftrace_page *next;
	struct dyn_ftrace *records;
	int index;
	int order;
};

/* x86: an ftrace site is a 5-byte CALL __fentry__ or NOP */
#define KW_FTRACE_SITE_LEN	5

/*
 * The module gate (modgate.c) probes load_module(struct load_info *info,
 * const char __user *uargs, int flags).  struct load_info is private to
 * kernel/module/internal.h; these are its leading members, which have had
 * this order since load_info appeared (3.x) and still do in 6.12:
 * name, mod, hdr, len.  At entry hdr/len are the whole image as user space
 * gave it (decompressed by the kernel for MODULE_INIT_COMPRESSED_FILE),
 * signature included: module_sig_check() shortens len later.
 * BUILD-TIME NOTE: re-read internal.h when adding a kernel series.
 */
struct kw_load_info_head {
	const char *name;
	struct module *mod;
	const void *hdr;
	unsigned long len;
};

/* The attributes of the request behind a generic-netlink dump (6.6 gave
 * dumps a whole struct genl_info).
 */
static inline struct nlattr **kw_nl_dump_attrs(struct netlink_callback *cb)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 6, 0)
	return genl_info_dump(cb)->attrs;
#else
	return genl_dumpit_info(cb)->attrs;
#endif
}

/*
 * A DIRECT ftrace_ops holds its target (direct_call) since 6.5; before,
 * only ftrace's direct_functions hash knows it (see kmod/hooks.c).
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 5, 0)
#define KW_FTRACE_DIRECT_IN_OPS	1
#endif

#define KW_LOAD_SYMBOL		"load_module"
#define KW_POST_READ_SYMBOL	"security_kernel_post_read_file"

#endif /* _KWARDEN_COMPAT_H */
