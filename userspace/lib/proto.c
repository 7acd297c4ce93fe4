// SPDX-License-Identifier: GPL-2.0
/*
 * Control protocol: strict request parser, request builder for clients,
 * and the reply helpers of both ends.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include "alert.h"
#include "blocklist.h"
#include "compiler.h"
#include "names.h"
#include "proto.h"
#include "timefmt.h"

static const char *const cmd_names[KW_CMD_MAX] = {
	[KW_CMD_STATUS]	= "status",
	[KW_CMD_ALERTS]	= "alerts",
	[KW_CMD_SCAN]	= "scan",
	[KW_CMD_UNLOCK]	= "unlock",
	[KW_CMD_LOCK]	= "lock",
	[KW_CMD_MODULES] = "modules",
	[KW_CMD_MODULE]	= "module",
	[KW_CMD_DISABLE] = "disable",
	[KW_CMD_QUARANTINE] = "quarantine",
	[KW_CMD_RELEASE] = "release",
	[KW_CMD_POLICY]	= "policy",
};

#define CMD(c)		(1U << (c))
/* Commands about one module: "name" is required */
#define NAMED_CMDS	(CMD(KW_CMD_MODULE) | CMD(KW_CMD_DISABLE) | \
			 CMD(KW_CMD_QUARANTINE) | CMD(KW_CMD_RELEASE))

const char *kw_cmd_name(enum kw_cmd cmd)
{
	return (unsigned int)cmd < KW_CMD_MAX ? cmd_names[cmd] : NULL;
}

int kw_unix_addr(const char *path, struct sockaddr_un *sun)
{
	size_t len = strlen(path);

	memset(sun, 0, sizeof(*sun));
	sun->sun_family = AF_UNIX;
	if (len >= sizeof(sun->sun_path))
		return -ENAMETOOLONG;
	memcpy(sun->sun_path, path, len + 1);
	return 0;
}

__printf(3, 4)
static int fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	kw_one_line(err);	/* echoed input stays one line */
	return -EINVAL;
}

static json_object *parse_object(const char *line, size_t len, char *err,
				 size_t errlen)
{
	struct json_tokener *tok = json_tokener_new_ex(16);
	enum json_tokener_error jerr;
	json_object *o;

	if (!tok) {
		fail(err, errlen, "out of memory");
		return NULL;
	}
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
	o = json_tokener_parse_ex(tok, line, (int)len);
	jerr = json_tokener_get_error(tok);
	if (!o || jerr != json_tokener_success ||
	    json_tokener_get_parse_end(tok) != len) {
		if (jerr == json_tokener_continue || jerr == json_tokener_success)
			fail(err, errlen, o ? "bad JSON: trailing data"
					    : "bad JSON: incomplete");
		else
			fail(err, errlen, "bad JSON: %s",
			     json_tokener_error_desc(jerr));
		json_object_put(o);
		o = NULL;
	} else if (!json_object_is_type(o, json_type_object)) {
		fail(err, errlen, "not a JSON object");
		json_object_put(o);
		o = NULL;
	}
	json_tokener_free(tok);
	return o;
}

static int check_version(json_object *o, char *err, size_t errlen)
{
	json_object *v;
	int64_t ver;

	if (!json_object_object_get_ex(o, "version", &v))
		return fail(err, errlen, "missing 'version'");
	if (!json_object_is_type(v, json_type_int))
		return fail(err, errlen, "'version' must be an integer");
	ver = json_object_get_int64(v);
	if (ver != KW_PROTO_VERSION)
		return fail(err, errlen,
			    "unsupported version %lld (kwardend speaks %d)",
			    (long long)ver, KW_PROTO_VERSION);
	return 0;
}

static int parse_cmd(json_object *o, struct kw_request *req, char *err,
		     size_t errlen)
{
	const char *name;
	json_object *v;
	unsigned int i;

	if (!json_object_object_get_ex(o, "cmd", &v))
		return fail(err, errlen, "missing 'cmd'");
	if (!json_object_is_type(v, json_type_string))
		return fail(err, errlen, "'cmd' must be a string");
	name = json_object_get_string(v);
	for (i = 0; i < KW_CMD_MAX; i++) {
		if (!strcmp(name, cmd_names[i])) {
			req->cmd = i;
			return 0;
		}
	}
	return fail(err, errlen,
		    "unknown cmd '%.64s' (status, alerts, scan, unlock, lock, modules, module, disable, quarantine, release, policy)",
		    name);
}

static int want_string(json_object *v, const char *key, char *err,
		       size_t errlen)
{
	if (!json_object_is_type(v, json_type_string))
		return fail(err, errlen, "'%s' must be a string", key);
	return 0;
}

static int parse_module(const char *s, struct kw_request *req, char *err,
			size_t errlen)
{
	size_t i, n = strlen(s);

	if (!n || n >= sizeof(req->filter.module))
		return fail(err, errlen, "'module' must be 1 to %zu bytes",
			    sizeof(req->filter.module) - 1);
	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] <= 0x20 || s[i] == 0x7f)
			return fail(err, errlen,
				    "'module' has a blank or control character");
	memcpy(req->filter.module, s, n + 1);
	return 0;
}

/* One member of an alerts request */
static int parse_filter(const char *key, json_object *v,
			struct kw_request *req, char *err, size_t errlen)
{
	const char *s = json_object_get_string(v);
	int kind;

	if (!strcmp(key, "follow")) {
		if (!json_object_is_type(v, json_type_boolean))
			return fail(err, errlen, "'follow' must be a boolean");
		req->follow = json_object_get_boolean(v);
		return 0;
	}
	if (want_string(v, key, err, errlen))
		return -EINVAL;
	if (!strcmp(key, "since")) {
		if (kw_time_parse(s, &req->filter.since_ns))
			return fail(err, errlen,
				    "'since': '%.64s' is not an RFC 3339 time", s);
		return 0;
	}
	if (!strcmp(key, "kind")) {
		kind = kw_kind_from_name(s);
		if (kind < 0)
			return fail(err, errlen, "'kind': unknown kind '%.64s'",
				    s);
		req->filter.kind = kind;
		return 0;
	}
	return parse_module(s, req, err, errlen);
}

/* unlock: the key (hex) and how long, in seconds */
static int parse_unlock(const char *key, json_object *v,
			struct kw_request *req, char *err, size_t errlen)
{
	int64_t n;

	if (!strcmp(key, "for")) {
		if (!json_object_is_type(v, json_type_int))
			return fail(err, errlen, "'for' must be an integer");
		n = json_object_get_int64(v);
		if (n < 1 || n > KW_UNLOCK_MAX_S)
			return fail(err, errlen, "'for' must be 1 to %d seconds",
				    KW_UNLOCK_MAX_S);
		req->unlock_s = (unsigned int)n;
		return 0;
	}
	if (want_string(v, key, err, errlen))
		return -EINVAL;
	if (kw_key_from_hex(json_object_get_string(v),
			    (size_t)json_object_get_string_len(v), req->key))
		return fail(err, errlen, "'key' must be %d hex digits",
			    KW_KEY_HEX_LEN);
	return 0;
}

/* disable, quarantine, release, module: which module, and why */
static int parse_named(const char *key, json_object *v,
		       struct kw_request *req, char *err, size_t errlen)
{
	const char *s;

	if (!strcmp(key, "dry_run")) {
		if (!json_object_is_type(v, json_type_boolean))
			return fail(err, errlen, "'dry_run' must be a boolean");
		req->dry_run = json_object_get_boolean(v);
		return 0;
	}
	if (want_string(v, key, err, errlen))
		return -EINVAL;
	s = json_object_get_string(v);
	if (!strcmp(key, "reason")) {
		if ((size_t)json_object_get_string_len(v) > KW_REQ_REASON_MAX)
			return fail(err, errlen, "'reason' longer than %d bytes",
				    KW_REQ_REASON_MAX);
		snprintf(req->reason, sizeof(req->reason), "%s", s);
		kw_one_line(req->reason);
		return 0;
	}
	if ((size_t)json_object_get_string_len(v) != strlen(s) ||
	    kw_block_name(s, req->name))
		return fail(err, errlen,
			    "'name' must be a module name: 1 to %d of A-Z a-z 0-9 _ -",
			    KW_NAME_LEN - 1);
	return 0;
}

/* policy: "op" (show, reload, apply) and, for apply, an absolute "path" */
static int parse_policy(const char *key, json_object *v,
			struct kw_request *req, char *err, size_t errlen)
{
	static const char *const ops[] = { "show", "reload", "apply",
					   "history", "rollback" };
	const char *s;
	size_t i;
	int64_t ver;

	if (!strcmp(key, "now")) {
		if (!json_object_is_type(v, json_type_boolean))
			return fail(err, errlen, "'now' must be a boolean");
		req->now = json_object_get_boolean(v);
		return 0;
	}
	if (!strcmp(key, "policy_version")) {
		if (!json_object_is_type(v, json_type_int))
			return fail(err, errlen, "'policy_version' must be a number");
		ver = json_object_get_int64(v);
		if (ver < 1 || ver > 100000)
			return fail(err, errlen, "'policy_version' must be 1 to 100000");
		req->version = (unsigned int)ver;
		return 0;
	}
	if (want_string(v, key, err, errlen))
		return -EINVAL;
	s = json_object_get_string(v);
	if (!strcmp(key, "path")) {
		if (s[0] != '/' || strlen(s) >= sizeof(req->path))
			return fail(err, errlen, "'path' must be an absolute file name of at most %d bytes",
				    KW_REQ_PATH_MAX - 1);
		snprintf(req->path, sizeof(req->path), "%s", s);
		return 0;
	}
	for (i = 0; i < ARRAY_SIZE(ops); i++)
		if (!strcmp(s, ops[i])) {
			req->policy_op = (enum kw_policy_op)i;
			return 0;
		}
	return fail(err, errlen, "'op' must be show, reload, apply, history or rollback");
}

/* modules: "loaded", the facts the policy sees of each module loaded now */
static int parse_modules(const char *key, json_object *v,
			 struct kw_request *req, char *err, size_t errlen)
{
	if (!json_object_is_type(v, json_type_boolean))
		return fail(err, errlen, "'%s' must be a boolean", key);
	req->loaded = json_object_get_boolean(v);
	return 0;
}

/* The commands each optional member belongs to */
static const struct {
	const char *key;
	unsigned int cmds;
} members[] = {
	{ "since", CMD(KW_CMD_ALERTS) },
	{ "kind", CMD(KW_CMD_ALERTS) },
	{ "module", CMD(KW_CMD_ALERTS) },
	{ "follow", CMD(KW_CMD_ALERTS) },
	{ "key", CMD(KW_CMD_UNLOCK) },
	{ "for", CMD(KW_CMD_UNLOCK) },
	{ "name", NAMED_CMDS },
	{ "dry_run", CMD(KW_CMD_DISABLE) },
	{ "reason", CMD(KW_CMD_DISABLE) | CMD(KW_CMD_QUARANTINE) },
	{ "op", CMD(KW_CMD_POLICY) },
	{ "path", CMD(KW_CMD_POLICY) },
	{ "policy_version", CMD(KW_CMD_POLICY) },
	{ "now", CMD(KW_CMD_POLICY) },
	{ "loaded", CMD(KW_CMD_MODULES) },
};

static int parse_members(json_object *o, struct kw_request *req, char *err,
			 size_t errlen)
{
	bool have_key = false, have_name = false;
	size_t i;
	int ret;

	json_object_object_foreach(o, key, v) {
		if (!strcmp(key, "version") || !strcmp(key, "cmd"))
			continue;
		for (i = 0; i < ARRAY_SIZE(members); i++)
			if (!strcmp(key, members[i].key))
				break;
		if (i == ARRAY_SIZE(members))
			return fail(err, errlen, "unknown field '%.64s'", key);
		if (!(members[i].cmds & CMD(req->cmd)))
			return fail(err, errlen, "'%s' is not valid for '%s'",
				    key, cmd_names[req->cmd]);
		if (members[i].cmds == CMD(KW_CMD_UNLOCK))
			ret = parse_unlock(key, v, req, err, errlen);
		else if (members[i].cmds == CMD(KW_CMD_ALERTS))
			ret = parse_filter(key, v, req, err, errlen);
		else if (members[i].cmds == CMD(KW_CMD_POLICY))
			ret = parse_policy(key, v, req, err, errlen);
		else if (members[i].cmds == CMD(KW_CMD_MODULES))
			ret = parse_modules(key, v, req, err, errlen);
		else
			ret = parse_named(key, v, req, err, errlen);
		if (ret)
			return -EINVAL;
		have_key = have_key || !strcmp(key, "key");
		have_name = have_name || !strcmp(key, "name");
	}
	if (req->cmd == KW_CMD_UNLOCK && !have_key)
		return fail(err, errlen, "'unlock' needs a 'key'");
	if ((NAMED_CMDS & CMD(req->cmd)) && !have_name)
		return fail(err, errlen, "'%s' needs a 'name'",
			    cmd_names[req->cmd]);
	if (req->cmd == KW_CMD_POLICY &&
	    (req->policy_op == KW_POLICY_APPLY) != !!req->path[0])
		return fail(err, errlen, "'path' goes with op 'apply', and only there");
	if (req->cmd == KW_CMD_POLICY && req->version &&
	    req->policy_op != KW_POLICY_ROLLBACK)
		return fail(err, errlen, "'policy_version' goes with op 'rollback', and only there");
	if (req->cmd == KW_CMD_POLICY && req->now &&
	    req->policy_op != KW_POLICY_APPLY)
		return fail(err, errlen, "'now' goes with op 'apply', and only there");
	return 0;
}

int kw_request_parse(const char *line, size_t len, struct kw_request *req,
		     char *err, size_t errlen)
{
	json_object *o;
	int ret;

	memset(req, 0, sizeof(*req));
	kw_filter_init(&req->filter);
	req->unlock_s = KW_UNLOCK_DEFAULT_S;
	if (len > KW_REQUEST_MAX)
		return fail(err, errlen, "request longer than %d bytes",
			    KW_REQUEST_MAX);
	if (memchr(line, '\0', len))
		return fail(err, errlen, "NUL byte in request");
	o = parse_object(line, len, err, errlen);
	if (!o)
		return -EINVAL;
	ret = check_version(o, err, errlen);
	if (!ret)
		ret = parse_cmd(o, req, err, errlen);
	if (!ret)
		ret = parse_members(o, req, err, errlen);
	json_object_put(o);
	return ret;
}

json_object *kw_request_json(const struct kw_request *req)
{
	json_object *o = json_object_new_object();
	const struct kw_filter *f = &req->filter;
	char when[KW_TIME_LEN], hex[KW_KEY_HEX_LEN + 1];

	json_object_object_add(o, "version",
			       json_object_new_int(KW_PROTO_VERSION));
	json_object_object_add(o, "cmd",
			       json_object_new_string(kw_cmd_name(req->cmd)));
	if (req->cmd == KW_CMD_UNLOCK) {
		kw_key_to_hex(req->key, hex);
		json_object_object_add(o, "key", json_object_new_string(hex));
		json_object_object_add(o, "for",
				       json_object_new_int((int)req->unlock_s));
		memset(hex, 0, sizeof(hex));
		return o;
	}
	if (NAMED_CMDS & CMD(req->cmd)) {
		json_object_object_add(o, "name", json_object_new_string(req->name));
		if (req->cmd == KW_CMD_DISABLE && req->dry_run)
			json_object_object_add(o, "dry_run",
					       json_object_new_boolean(1));
		if (req->reason[0] && (req->cmd == KW_CMD_DISABLE ||
				       req->cmd == KW_CMD_QUARANTINE))
			json_object_object_add(o, "reason",
					       json_object_new_string(req->reason));
		return o;
	}
	if (req->cmd == KW_CMD_POLICY) {
		static const char *const ops[] = { "show", "reload", "apply",
						   "history", "rollback" };

		json_object_object_add(o, "op", json_object_new_string(
			ops[req->policy_op <= KW_POLICY_ROLLBACK ? req->policy_op : 0]));
		if (req->version)
			json_object_object_add(o, "policy_version",
					       json_object_new_int64(req->version));
		if (req->now)
			json_object_object_add(o, "now", json_object_new_boolean(1));
		if (req->path[0])
			json_object_object_add(o, "path",
					       json_object_new_string(req->path));
		return o;
	}
	if (req->cmd == KW_CMD_MODULES && req->loaded)
		json_object_object_add(o, "loaded", json_object_new_boolean(1));
	if (req->cmd != KW_CMD_ALERTS)
		return o;
	if (f->since_ns && kw_time_format(f->since_ns, when, sizeof(when)) > 0)
		json_object_object_add(o, "since", json_object_new_string(when));
	if (f->kind >= 0)
		json_object_object_add(o, "kind",
				       json_object_new_string(kw_kind_name(f->kind)));
	if (f->module[0])
		json_object_object_add(o, "module",
				       json_object_new_string(f->module));
	if (req->follow)
		json_object_object_add(o, "follow", json_object_new_boolean(1));
	return o;
}

json_object *kw_reply_ok(void)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "version",
			       json_object_new_int(KW_PROTO_VERSION));
	json_object_object_add(o, "ok", json_object_new_boolean(1));
	return o;
}

json_object *kw_reply_error(const char *msg)
{
	json_object *o = kw_reply_ok();

	json_object_object_add(o, "ok", json_object_new_boolean(0));
	json_object_object_add(o, "error", json_object_new_string(msg));
	return o;
}

static int classify(json_object *o, char *err, size_t errlen)
{
	json_object *v;

	if (!json_object_object_get_ex(o, "version", &v))
		return kw_rec_str(o, "kind") ? KW_REPLY_RECORD
			: fail(err, errlen, "reply is neither record nor status");
	if (!json_object_is_type(v, json_type_int) ||
	    json_object_get_int64(v) != KW_PROTO_VERSION)
		return fail(err, errlen, "reply of an unsupported version");
	if (!json_object_object_get_ex(o, "ok", &v) ||
	    !json_object_is_type(v, json_type_boolean))
		return fail(err, errlen, "reply without a boolean 'ok'");
	if (json_object_get_boolean(v))
		return KW_REPLY_OK;
	if (!kw_rec_str(o, "error"))
		return fail(err, errlen, "error reply without 'error'");
	return KW_REPLY_ERROR;
}

int kw_reply_parse(const char *line, size_t len, json_object **obj,
		   char *err, size_t errlen)
{
	int ret;

	*obj = NULL;
	if (len > KW_JOURNAL_LINE_MAX)
		return fail(err, errlen, "reply longer than %d bytes",
			    KW_JOURNAL_LINE_MAX);
	*obj = parse_object(line, len, err, errlen);
	if (!*obj)
		return -EINVAL;
	ret = classify(*obj, err, errlen);
	if (ret < 0) {
		json_object_put(*obj);
		*obj = NULL;
	}
	return ret;
}
