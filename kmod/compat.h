/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kwarden - kernel version differences, kept in this one place
 */
#ifndef _KWARDEN_COMPAT_H
#define _KWARDEN_COMPAT_H

#include <linux/version.h>

/*
 * x86 text poking: every run-time write to kernel text on x86 goes through
 * __text_poke() (text_poke, text_poke_bp batches, text_poke_copy/set and
 * kgdb), which takes (func, addr, src, len).  Older kernels without the
 * func argument passed (addr, opcode, len).
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(5, 19, 0)
#define KW_POKE_SYMBOL		"__text_poke"
#define KW_POKE_ARG_ADDR(r)	((r)->si)
#define KW_POKE_ARG_SRC(r)	((r)->dx)
#define KW_POKE_ARG_LEN(r)	((r)->cx)
#define KW_POKE_ARG_FUNC(r)	((r)->di)
#else
#define KW_POKE_SYMBOL		"__text_poke"
#define KW_POKE_ARG_ADDR(r)	((r)->di)
#define KW_POKE_ARG_SRC(r)	((r)->si)
#define KW_POKE_ARG_LEN(r)	((r)->dx)
#define KW_POKE_ARG_FUNC(r)	(0UL)
#endif

#endif /* _KWARDEN_COMPAT_H */
