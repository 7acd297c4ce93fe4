// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness: kwarden.conf parser. Any input must parse without a
 * crash, and every problem report must be one "file:line: ..." line.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(void *ctx, const char *msg)
{
	if (strncmp(msg, "fuzz.conf:", 10) || strchr(msg, '\n'))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kw_config cfg;

	kw_config_defaults(&cfg);
	kw_config_parse(&cfg, "fuzz.conf", (const char *)data, size, check,
			NULL);
	if (cfg.journal_path[0] != '/' || cfg.socket_path[0] != '/' ||
	    cfg.journal_max_bytes < 4096 || cfg.journal_keep > 100)
		abort();
	return 0;
}
