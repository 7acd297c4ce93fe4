/* SPDX-License-Identifier: GPL-2.0 */
/*
 * <linux/glob.h> for the kernel's lib/glob.c built in user space
 * (selftests/unit/glob_test.c): the prototypes, as the kernel has them.
 */
#ifndef KW_KSHIM_GLOB_H
#define KW_KSHIM_GLOB_H

#include <stdbool.h>
#include <stddef.h>

bool glob_match(char const *pat, char const *str);
bool glob_match_len(char const *pat, char const *str, size_t len);

#endif /* KW_KSHIM_GLOB_H */
