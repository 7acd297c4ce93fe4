/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The few kernel-style helpers our user space uses: ARRAY_SIZE, __printf.
 */
#ifndef KW_COMPILER_H
#define KW_COMPILER_H

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#endif

#ifndef __printf
#define __printf(a, b)	__attribute__((format(printf, a, b)))
#endif

#endif /* KW_COMPILER_H */
