// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness: module-load policy parser. Any input must parse
 * without a crash; every report is one "fuzz.policy:LINE: ..." line; what
 * it returns stays within the kmod's bounds; and a policy that parsed
 * cleanly, written back, parses again to the same rules.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "policy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(void *ctx, const char *msg)
{
	if (strncmp(msg, "fuzz.policy:", 12) || strchr(msg, '\n'))
		abort();
}

static void bounds(const struct kw_policy *p)
{
	size_t i;

	if (p->mode > KW_POL_ENFORCE || p->def > KW_RULE_DENY ||
	    p->nrules > KW_MAX_RULES)
		abort();
	for (i = 0; i < p->nrules; i++)
		if (p->rules[i].action > KW_RULE_DENY ||
		    p->rules[i].sig > KW_RULE_SIG_UNSIGNED ||
		    strnlen(p->rules[i].name, KW_NAME_LEN) == KW_NAME_LEN ||
		    strnlen(p->rules[i].path, KW_PATH_LEN) == KW_PATH_LEN ||
		    strnlen(p->rules[i].reason, KW_REASON_LEN) == KW_REASON_LEN)
			abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kw_policy p, q;
	char *buf = NULL;
	size_t len = 0, i;
	FILE *f;
	int errs;

	errs = kw_policy_parse(&p, "fuzz.policy", (const char *)data, size,
			       check, NULL);
	bounds(&p);
	if (!errs) {
		f = open_memstream(&buf, &len);
		if (!f)
			abort();
		kw_policy_write(f, &p);
		fclose(f);
		if (kw_policy_parse(&q, "fuzz.policy", buf, len, check, NULL) ||
		    q.nrules != p.nrules || q.mode != p.mode || q.def != p.def)
			abort();
		for (i = 0; i < p.nrules; i++) {
			q.rules[i].line = p.rules[i].line;
			if (memcmp(&p.rules[i], &q.rules[i], sizeof(p.rules[i])))
				abort();
		}
		kw_policy_free(&q);
		free(buf);
	}
	kw_policy_free(&p);
	return 0;
}
