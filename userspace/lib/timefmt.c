// SPDX-License-Identifier: GPL-2.0
/*
 * RFC 3339 formatting and parsing, with no locale or time zone state.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "timefmt.h"

uint64_t kw_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * NSEC_PER_SEC + (uint64_t)ts.tv_nsec;
}

/* Writes "YYYY-MM-DDTHH:MM:SS.uuuuuuZ"; returns its length or -errno */
int kw_time_format(uint64_t ns, char *buf, size_t len)
{
	time_t sec = (time_t)(ns / NSEC_PER_SEC);
	unsigned int usec = (unsigned int)(ns % NSEC_PER_SEC / 1000);
	struct tm tm;
	int n;

	if (!gmtime_r(&sec, &tm) || tm.tm_year + 1900 > 9999)
		return -ERANGE;
	n = snprintf(buf, len, "%04d-%02d-%02dT%02d:%02d:%02d.%06uZ",
		     tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
		     tm.tm_hour, tm.tm_min, tm.tm_sec, usec);
	if (n < 0 || (size_t)n >= len)
		return -ENOSPC;
	return n;
}

/* Reads exactly n decimal digits */
static const char *digits(const char *s, int n, int *val)
{
	*val = 0;
	while (n--) {
		if (*s < '0' || *s > '9')
			return NULL;
		*val = *val * 10 + (*s++ - '0');
	}
	return s;
}

static const char *expect(const char *s, char c)
{
	return s && *s == c ? s + 1 : NULL;
}

static const char *parse_date(const char *s, struct tm *tm)
{
	int y, mo, d;

	s = digits(s, 4, &y);
	s = expect(s, '-');
	s = s ? digits(s, 2, &mo) : NULL;
	s = expect(s, '-');
	s = s ? digits(s, 2, &d) : NULL;
	if (!s || mo < 1 || mo > 12 || d < 1 || d > 31)
		return NULL;
	tm->tm_year = y - 1900;
	tm->tm_mon = mo - 1;
	tm->tm_mday = d;
	return s;
}

static const char *parse_clock(const char *s, struct tm *tm)
{
	int h, mi, sec;

	s = digits(s, 2, &h);
	s = expect(s, ':');
	s = s ? digits(s, 2, &mi) : NULL;
	s = expect(s, ':');
	s = s ? digits(s, 2, &sec) : NULL;
	if (!s || h > 23 || mi > 59 || sec > 60)
		return NULL;
	tm->tm_hour = h;
	tm->tm_min = mi;
	tm->tm_sec = sec == 60 ? 59 : sec;	/* leap second */
	return s;
}

/* ".ddd": up to nanoseconds kept, further digits ignored */
static const char *parse_frac(const char *s, uint64_t *frac)
{
	uint64_t scale = NSEC_PER_SEC;

	*frac = 0;
	if (*s != '.')
		return s;
	s++;
	if (*s < '0' || *s > '9')
		return NULL;
	for (; *s >= '0' && *s <= '9'; s++) {
		if (scale > 1) {
			scale /= 10;
			*frac += (uint64_t)(*s - '0') * scale;
		}
	}
	return s;
}

/* "Z" or "+HH:MM" / "-HH:MM": seconds east of UTC */
static const char *parse_zone(const char *s, long *east)
{
	int h, m, sign;

	if (*s == 'Z' || *s == 'z') {
		*east = 0;
		return s + 1;
	}
	if (*s != '+' && *s != '-')
		return NULL;
	sign = *s++ == '-' ? -1 : 1;
	s = digits(s, 2, &h);
	s = expect(s, ':');
	s = s ? digits(s, 2, &m) : NULL;
	if (!s || h > 23 || m > 59)
		return NULL;
	*east = sign * (h * 3600L + m * 60L);
	return s;
}

/* Any RFC 3339 date-time; returns 0 or -EINVAL/-ERANGE */
int kw_time_parse(const char *s, uint64_t *ns)
{
	struct tm tm, check;
	uint64_t frac;
	long east;
	time_t t;

	memset(&tm, 0, sizeof(tm));
	s = parse_date(s, &tm);
	if (!s || (*s != 'T' && *s != 't' && *s != ' '))
		return -EINVAL;
	s = parse_clock(s + 1, &tm);
	s = s ? parse_frac(s, &frac) : NULL;
	s = s ? parse_zone(s, &east) : NULL;
	if (!s || *s)
		return -EINVAL;
	check = tm;
	t = timegm(&tm);
	if (tm.tm_mday != check.tm_mday || tm.tm_mon != check.tm_mon)
		return -EINVAL;		/* February 30th and friends */
	t -= east;
	if (t < 0)
		return -ERANGE;
	*ns = (uint64_t)t * NSEC_PER_SEC + frac;
	return 0;
}
