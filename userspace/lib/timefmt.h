/* SPDX-License-Identifier: GPL-2.0 */
/*
 * RFC 3339 timestamps: what the journal writes (UTC, microseconds, 'Z')
 * and what filters accept (any RFC 3339 date-time).
 */
#ifndef KW_TIMEFMT_H
#define KW_TIMEFMT_H

#include <stddef.h>
#include <stdint.h>

#define KW_TIME_LEN	32	/* "2026-11-26T14:33:01.123456Z" + NUL, rounded */
#define NSEC_PER_SEC	1000000000ULL

uint64_t kw_now_ns(void);
int kw_time_format(uint64_t ns, char *buf, size_t len);
int kw_time_parse(const char *s, uint64_t *ns);

#endif /* KW_TIMEFMT_H */
