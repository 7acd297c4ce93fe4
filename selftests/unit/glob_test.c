// SPDX-License-Identifier: GPL-2.0
/*
 * The policy glob matcher, <linux/kwarden_glob.h>, against the kernel's
 * own glob_match(): lib/glob.c from build/linux-src (make deps), built
 * here in user space.  One table of (pattern, string, expected) goes
 * through both, then every short pattern against every short string and
 * random longer pairs: any difference between the two fails.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "harness.h"
#include <linux/kwarden_glob.h>

/*
 * The kernel's matcher as it is, through the shims of kshim/linux/ (the
 * kernel builds it with -Wno-maybe-uninitialized too)
 */
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include "glob.c"

struct glob_case {
	const char *pat;
	const char *str;
	bool match;
};

static const struct glob_case table[] = {
	{ "",			"",			true },
	{ "",			"a",			false },
	{ "*",			"",			true },
	{ "*",			".hidden",		true },
	{ "?",			"",			false },
	{ "?",			"a",			true },
	{ "??",			"a",			false },
	{ "kw_dummy",		"kw_dummy",		true },
	{ "kw_dummy",		"kw_dumm",		false },
	{ "kw_*",		"kw_dummy",		true },
	{ "kw_*",		"kwx",			false },
	{ "kw_d?mmy",		"kw_dummy",		true },
	{ "*.ko",		"/lib/modules/6.12/x.ko", true },
	{ "*.ko",		"/lib/x.ko.xz",		false },
	{ "/lib/*/x.ko",	"/lib/a/b/x.ko",	true },	/* '*' crosses '/' */
	{ "a*b",		"a/x/b",		true },
	{ "*aaaaa",		"aaaaaaaaaa",		true },
	{ "*ab",		"aaba",			false },
	{ "*a*b",		"xaxxb",		true },
	{ "a**b",		"ab",			true },
	{ "[abc]",		"b",			true },
	{ "[abc]",		"d",			false },
	{ "[a-c]x",		"bx",			true },
	{ "[!a-c]x",		"bx",			false },
	{ "[!a-c]x",		"dx",			true },
	{ "[z-a]",		"m",			false },	/* empty range */
	{ "[]]",		"]",			true },	/* ']' first is a member */
	{ "[!]a]",		"]",			false },
	{ "[!]a]",		"b",			true },
	{ "[a-]",		"-",			true },	/* '-' last is a member */
	{ "[-a]",		"-",			true },
	{ "[a-c-e]",		"-",			true },
	{ "[a-c-e]",		"d",			false },
	{ "[",			"[",			true },	/* no ']': literal '[' */
	{ "[a",			"[a",			true },
	{ "[!",			"[!",			true },
	{ "[a-",		"[a-",			true },
	{ "[]",			"[]",			true },
	{ "[]",			"]",			false },
	{ "[",			"",			false },
	{ "[[:digit:]]",	"1",			false },	/* no POSIX classes */
	{ "[[:digit:]]",	"d]",			true },
	{ "[a-\xff]",		"\xe9",			true },	/* unsigned bytes */
	{ "[!a]",		"\x80",			true },
	{ "\\*",		"*",			true },
	{ "\\*",		"a",			false },
	{ "\\[a]",		"[a]",			true },
	{ "a\\",		"a",			true },	/* a trailing '\' */
	{ "a\\",		"a\\",			false },
	{ "*\\",		"abc",			true },
};

TEST(table_through_both)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(table); i++) {
		const struct glob_case *t = &table[i];

		EXPECT_EQ(t->match, glob_match(t->pat, t->str))
			TH_LOG("lib/glob.c: \"%s\" \"%s\"", t->pat, t->str);
		EXPECT_EQ(t->match, kw_glob_match(t->pat, t->str))
			TH_LOG("kwarden_glob.h: \"%s\" \"%s\"", t->pat, t->str);
	}
}

/* The @n-th string of length @len over @abc (base strlen(@abc) digits) */
static void nth_string(char *out, const char *abc, size_t len,
		       unsigned long n)
{
	size_t k = strlen(abc), i;

	for (i = 0; i < len; i++, n /= k)
		out[i] = abc[n % k];
	out[len] = '\0';
}

static unsigned long power(unsigned long b, size_t e)
{
	unsigned long r = 1;

	while (e--)
		r *= b;
	return r;
}

/* Count in *@diffs the strings over @sabc up to 3 long the two judge apart */
static void diff_strings(struct __test_metadata *_metadata, const char *pat,
			 const char *sabc, int *diffs)
{
	char str[4];
	size_t len;
	unsigned long n;

	for (len = 0; len <= 3; len++) {
		for (n = 0; n < power(strlen(sabc), len); n++) {
			nth_string(str, sabc, len, n);
			if (glob_match(pat, str) == kw_glob_match(pat, str))
				continue;
			if (!(*diffs)++)
				TH_LOG("first difference: \"%s\" \"%s\"", pat, str);
		}
	}
}

/* Every pattern up to 5 bytes of "ab*?[]!-\\" on every string up to 3 */
TEST(exhaustive_short)
{
	const char *pabc = "ab*?[]!-\\", *sabc = "ab]-!";
	char pat[6];
	size_t len;
	unsigned long n;
	int diffs = 0;

	for (len = 0; len <= 5; len++) {
		for (n = 0; n < power(strlen(pabc), len); n++) {
			nth_string(pat, pabc, len, n);
			diff_strings(_metadata, pat, sabc, &diffs);
		}
	}
	EXPECT_EQ(0, diffs);
}

/* Random pairs up to 12 bytes, a fixed seed: the same run every time */
TEST(random_long)
{
	const char *abc = "abc*?[]!-\\/.\xe9";
	char pat[13], str[13];
	unsigned int seed = 15, i, j, plen, slen, k = strlen(abc);
	int diffs = 0;

	for (i = 0; i < 300000; i++) {
		plen = rand_r(&seed) % 13;
		slen = rand_r(&seed) % 13;
		for (j = 0; j < plen; j++)
			pat[j] = abc[rand_r(&seed) % k];
		for (j = 0; j < slen; j++)
			str[j] = abc[rand_r(&seed) % k];
		pat[plen] = str[slen] = '\0';
		if (glob_match(pat, str) == kw_glob_match(pat, str))
			continue;
		if (!diffs++)
			TH_LOG("first difference: \"%s\" \"%s\"", pat, str);
	}
	EXPECT_EQ(0, diffs);
}

TEST_HARNESS_MAIN
