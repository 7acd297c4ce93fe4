/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kselftest_harness.h for our unit tests. We build with
 * -Wmissing-prototypes, but the harness and its FIXTURE_SETUP/TEARDOWN
 * macros define non-static functions without prototypes: quiet that
 * warning for the test files, which only have static helpers anyway.
 * At -O2 gcc also fears for the harness' locals around its setjmp/vfork.
 */
#ifndef KW_UNIT_HARNESS_H
#define KW_UNIT_HARNESS_H

#pragma GCC diagnostic ignored "-Wmissing-prototypes"
#pragma GCC diagnostic ignored "-Wclobbered"
#include "kselftest_harness.h"
#include <dirent.h>
#include <string.h>

/* Entries of dir, "." and ".." aside; -1 if it cannot be read */
static inline int kw_count_entries(const char *dir)
{
	struct dirent *de;
	DIR *d = opendir(dir);
	int n = 0;

	if (!d)
		return -1;
	while ((de = readdir(d)))
		n += strcmp(de->d_name, ".") && strcmp(de->d_name, "..");
	closedir(d);
	return n;
}

#endif /* KW_UNIT_HARNESS_H */
