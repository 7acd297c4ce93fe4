/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * kwarden_glob.h - the one matcher of policy name= and path= globs, for
 * kwarden.ko and for user space (kwardenctl policy check predicts the
 * module's verdict, so both must agree byte for byte).
 *
 * The semantics are the kernel's glob_match() (lib/glob.c), written anew:
 *   *      any run of characters, '/' included
 *   ?      any one character
 *   [...]  a class of characters and ranges a-b; a leading '!' negates;
 *          a ']' first in the class is a member; '-' first or last is a
 *          member; a class without its ']' is a literal '['
 *   \c     the character c
 * Bytes compare unsigned; nothing special about '/' or a leading '.'.
 * selftests/unit/glob_test.c runs one table through this header and
 * through lib/glob.c itself.
 */
#ifndef _UAPI_LINUX_KWARDEN_GLOB_H
#define _UAPI_LINUX_KWARDEN_GLOB_H

#ifdef __KERNEL__
#include <linux/types.h>
#else
#include <stdbool.h>
#endif

/*
 * The class whose members start at @p (past '[' and any '!') against @c.
 * Returns 1 if @c is a member, 0 if not, -1 if the class has no ']'.
 * *@end is set past the ']'.
 */
static inline int kw_glob_class(const char *p, unsigned char c,
				const char **end)
{
	unsigned char lo = *p++, hi;
	int member = 0;

	for (;;) {
		if (!lo)
			return -1;
		hi = lo;
		if (p[0] == '-' && p[1] != ']') {
			hi = p[1];
			if (!hi)
				return -1;
			p += 2;
		}
		if (lo <= c && c <= hi)
			member = 1;
		lo = *p++;
		if (lo == ']')
			break;
	}
	*end = p;
	return member;
}

/*
 * Whether the one token at @pat (not '*') takes the character @c; *@next
 * is set past the token.  A NUL @c is taken only by the pattern's end.
 */
static inline bool kw_glob_token(const char *pat, unsigned char c,
				 const char **next)
{
	unsigned char d = pat[0];
	int negate, member;

	*next = pat + 1;
	if (d == '?')
		return c != '\0';
	if (d == '[') {
		if (c == '\0')
			return false;
		negate = pat[1] == '!';
		member = kw_glob_class(pat + 1 + negate, c, next);
		if (member >= 0)
			return member != negate;
		*next = pat + 1;	/* no ']': a literal '[' */
	} else if (d == '\\') {
		d = pat[1];
		*next = pat + 2;
	}
	return c == d;
}

/*
 * Whether @str matches all of @pat.  On a mismatch after a '*' the star
 * takes one more character and the rest is tried again: one star to go
 * back to is enough, since '*' takes any character.
 */
static inline bool kw_glob_match(const char *pat, const char *str)
{
	const char *star_pat = NULL, *star_str = NULL, *next;
	unsigned char c;

	for (;;) {
		if (*pat == '*') {
			pat++;
			if (*pat == '\0')
				return true;
			star_pat = pat;
			star_str = str;
			continue;
		}
		c = *str;
		if (kw_glob_token(pat, c, &next)) {
			if (c == '\0')
				return true;
			pat = next;
			str++;
			continue;
		}
		if (c == '\0' || !star_pat)
			return false;
		pat = star_pat;
		str = ++star_str;
	}
}

#endif /* _UAPI_LINUX_KWARDEN_GLOB_H */
