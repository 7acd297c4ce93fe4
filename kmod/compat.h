/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kwarden - kernel version differences, kept in this one place
 *
 * Supported: 6.1 and later.  Every run-time write to kernel text on x86
 * goes through __text_poke(func, addr, src, len): text_poke, the batches of
 * text_poke_bp, text_poke_copy/set and kgdb.
 */
#ifndef _KWARDEN_COMPAT_H
#define _KWARDEN_COMPAT_H

#define KW_POKE_SYMBOL		"__text_poke"
#define KW_POKE_ARG_FUNC(r)	((r)->di)
#define KW_POKE_ARG_ADDR(r)	((r)->si)
#define KW_POKE_ARG_SRC(r)	((r)->dx)
#define KW_POKE_ARG_LEN(r)	((r)->cx)

#endif /* _KWARDEN_COMPAT_H */
