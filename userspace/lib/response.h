/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The response policy of kwarden.conf: what kwardend does about an alert
 * of a kind, once a module has earned it, e.g.
 *   response.ftrace_hook = disable
 *   response.module_fault = quarantine after 3
 * The default is log for every kind: no surprises.
 */
#ifndef KW_RESPONSE_H
#define KW_RESPONSE_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/kwarden.h>

enum kw_response {
	KW_RESP_LOG,		/* the alert is all */
	KW_RESP_RESTORE,	/* kwarden.ko puts data back (data kinds) */
	KW_RESP_CONTAIN,	/* block reload, restore, keep it loaded */
	KW_RESP_DISABLE,	/* unload safely, else contain; block reload */
	KW_RESP_QUARANTINE,	/* block reload, keep it loaded */
	KW_RESP_MAX,
};

#define KW_RESP_AFTER_MAX	1000000

struct kw_response_rule {
	unsigned char action;		/* enum kw_response */
	unsigned int after;		/* alerts naming the module, >= 1 */
};

const char *kw_response_name(unsigned int r);
int kw_response_from_name(const char *name);

/* Kinds whose alerts name an offending module, which a response may act on */
bool kw_response_kind_ok(unsigned int kind);
/* Data kinds kwarden.ko can restore (its "restore" parameter) */
bool kw_restorable_kind(unsigned int kind);

/*
 * "ACTION" or "ACTION after N" for the kind named kind (the part after
 * "response."); 0, or -EINVAL with a reason in err.
 */
int kw_response_parse(const char *kind, const char *value,
		      struct kw_response_rule *rule, unsigned int *kind_out,
		      char *err, size_t errlen);

#endif /* KW_RESPONSE_H */
