// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness: the staged policy store's state and meta files
 * (lib/policy_store.h). Any input must parse or be refused without a
 * crash; what parses stays within bounds (a known stage, a NUL-terminated
 * boot id, one-line texts) and, formatted again, parses to the same.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "policy_store.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void one_line(const char *s, size_t len)
{
	size_t i;

	if (strnlen(s, len) == len)
		abort();
	for (i = 0; s[i]; i++)
		if ((unsigned char)s[i] < ' ')
			abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kw_pstate st, st2;
	struct kw_pmeta m, m2;
	char buf[4096];
	int n;

	if (!kw_pstate_parse((const char *)data, size, &st)) {
		if ((unsigned int)st.stage >= KW_STAGE_MAX ||
		    (unsigned int)st.previous_stage >= KW_STAGE_MAX ||
		    strnlen(st.boot, sizeof(st.boot)) == sizeof(st.boot))
			abort();
		n = kw_pstate_format(&st, buf, sizeof(buf));
		if (n < 0 || kw_pstate_parse(buf, (size_t)n, &st2) ||
		    memcmp(&st, &st2, sizeof(st)))
			abort();
	}
	if (!kw_pmeta_parse((const char *)data, size, &m)) {
		one_line(m.origin, sizeof(m.origin));
		one_line(m.outcome, sizeof(m.outcome));
		n = kw_pmeta_format(&m, buf, sizeof(buf));
		if (n < 0 || kw_pmeta_parse(buf, (size_t)n, &m2) ||
		    memcmp(&m, &m2, sizeof(m)))
			abort();
	}
	return 0;
}
