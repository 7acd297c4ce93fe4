/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Just enough of <linux/module.h> and the compiler attributes for the
 * kernel's lib/glob.c to build in user space (selftests/unit/glob_test.c).
 */
#ifndef KW_KSHIM_MODULE_H
#define KW_KSHIM_MODULE_H

#include <stdbool.h>
#include <stddef.h>

#define MODULE_DESCRIPTION(s)
#define MODULE_LICENSE(s)
#define EXPORT_SYMBOL(sym)
#define __pure		__attribute__((__pure__))
#define fallthrough	__attribute__((__fallthrough__))

#endif /* KW_KSHIM_MODULE_H */
