/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The control protocol of /run/kwarden/control.sock: one JSON object per
 * line each way. Requests are parsed strictly; see docs/control-protocol.md.
 */
#ifndef KW_PROTO_H
#define KW_PROTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/un.h>
#include <json-c/json.h>
#include "journal.h"
#include "key.h"

#define KW_CONTROL_SOCKET	"/run/kwarden/control.sock"	/* the default */
#define KW_PROTO_VERSION	1
#define KW_REQUEST_MAX		4096	/* bytes in one request line */

enum kw_cmd {
	KW_CMD_STATUS,
	KW_CMD_ALERTS,
	KW_CMD_SCAN,
	KW_CMD_UNLOCK,
	KW_CMD_LOCK,
	KW_CMD_MODULES,		/* inventory of every module */
	KW_CMD_MODULE,		/* one module, with its forensic facts */
	KW_CMD_DISABLE,
	KW_CMD_QUARANTINE,
	KW_CMD_RELEASE,
	KW_CMD_POLICY,
	KW_CMD_MAX,
};

#define KW_UNLOCK_DEFAULT_S	300
#define KW_UNLOCK_MAX_S		86400
#define KW_REQ_REASON_MAX		200	/* bytes of a reason given */

/* policy: what to do (docs/control-protocol.md) */
enum kw_policy_op {
	KW_POLICY_SHOW,		/* the policy kwardend pushed, and its state */
	KW_POLICY_RELOAD,	/* read the policy file again and push it */
	KW_POLICY_APPLY,	/* validate "path", install it, push it */
	KW_POLICY_HISTORY,	/* every stored version, and the stage */
	KW_POLICY_ROLLBACK,	/* back to "version" (0 or none: previous) */
};

#define KW_REQ_PATH_MAX		256

struct kw_request {
	enum kw_cmd cmd;
	struct kw_filter filter;	/* alerts */
	bool follow;			/* alerts */
	uint8_t key[KW_KEY_LEN];	/* unlock */
	unsigned int unlock_s;		/* unlock: seconds */
	char name[KW_NAME_LEN];		/* module, disable, quarantine, release */
	bool dry_run;			/* disable */
	char reason[KW_REQ_REASON_MAX + 1];	/* disable, quarantine */
	enum kw_policy_op policy_op;	/* policy */
	char path[KW_REQ_PATH_MAX];	/* policy apply: the new file */
	unsigned int version;		/* policy rollback */
	bool now;			/* policy apply: enforce, no audit */
	bool loaded;			/* modules: the loaded ones' policy facts */
};

const char *kw_cmd_name(enum kw_cmd cmd);

/* The socket's address; -ENAMETOOLONG if path does not fit */
int kw_unix_addr(const char *path, struct sockaddr_un *sun);

/* 0, or -EINVAL with a one-line reason in err */
int kw_request_parse(const char *line, size_t len, struct kw_request *req,
		     char *err, size_t errlen);
json_object *kw_request_json(const struct kw_request *req);

/* {"version":1,"ok":true} to add fields to, or a complete error reply */
json_object *kw_reply_ok(void);
json_object *kw_reply_error(const char *msg);

enum kw_reply_type {
	KW_REPLY_RECORD,	/* an alert record */
	KW_REPLY_OK,
	KW_REPLY_ERROR,		/* kwardend said no: "error" */
};

/* Classifies one line from kwardend; -EINVAL (err set) if malformed */
int kw_reply_parse(const char *line, size_t len, json_object **obj,
		   char *err, size_t errlen);

#endif /* KW_PROTO_H */
