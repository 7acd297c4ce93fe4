/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kwarden - kernel version differences, kept in this one place
 *
 * Supported: 6.1 and later.  Every run-time write to kernel text on x86
 * goes through __text_poke(func, addr, src, len): text_poke, the batches of
 * text_poke_bp, text_poke_copy/set and kgdb.  struct module's memory
 * layout changed in 6.4.
 */
#ifndef _KWARDEN_COMPAT_H
#define _KWARDEN_COMPAT_H

#define KW_POKE_SYMBOL		"__text_poke"
#define KW_POKE_ARG_FUNC(r)	((r)->di)
#define KW_POKE_ARG_ADDR(r)	((r)->si)
#define KW_POKE_ARG_SRC(r)	((r)->dx)
#define KW_POKE_ARG_LEN(r)	((r)->cx)

#include <linux/module.h>
#include <linux/version.h>

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

#endif /* _KWARDEN_COMPAT_H */
