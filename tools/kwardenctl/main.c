// SPDX-License-Identifier: GPL-2.0
/*
 * kwardenctl: command line, one request per run, exit codes for scripts.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "alert.h"
#include "compiler.h"
#include "key.h"
#include "kwardenctl.h"
#include "names.h"
#include "proto.h"
#include "timefmt.h"

#define STATUS_TIMEOUT_MS	15000
#define SCAN_TIMEOUT_MS		330000	/* kwardend gives up at 300 s */
#define ALERTS_TIMEOUT_MS	30000

bool not_running(int err)
{
	return err == -ENOENT || err == -ECONNREFUSED;
}

/* EXIT_NOPERM for a permission error, else EXIT_TALK */
int talk_error(int err)
{
	return err == -EACCES || err == -EPERM ? EXIT_NOPERM : EXIT_TALK;
}

int usage_error(const char *fmt, const char *arg)
{
	fprintf(stderr, "kwardenctl: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\nTry 'kwardenctl help'.\n");
	return EXIT_USAGE;
}

/* RFC 3339, or an age: 30s, 15m, 2h, 7d */
static int parse_since(const char *s, uint64_t *ns)
{
	static const char units[] = "smhd";
	static const uint64_t secs[] = { 1, 60, 3600, 86400 };
	unsigned long long n;
	const char *u;
	char *end;

	if (!kw_time_parse(s, ns))
		return 0;
	if (*s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	n = strtoull(s, &end, 10);
	u = *end ? strchr(units, *end) : NULL;
	if (errno || !u || end[1] || n > 100ULL * 365 * 86400)
		return -EINVAL;
	n *= secs[u - units];
	*ns = kw_now_ns() - n * NSEC_PER_SEC;
	return 0;
}

static int parse_alerts_args(int argc, char **argv, struct ctl *ctl,
			     struct kw_request *req)
{
	static const struct option longopts[] = {
		{ "since", required_argument, NULL, 'S' },
		{ "kind", required_argument, NULL, 'k' },
		{ "module", required_argument, NULL, 'm' },
		{ "follow", no_argument, NULL, 'f' },
		{ "json", no_argument, NULL, 'j' },
		{}
	};
	int c, kind;

	optind = 1;
	while ((c = getopt_long(argc, argv, "+S:k:m:fj", longopts, NULL)) != -1) {
		switch (c) {
		case 'S':
			if (parse_since(optarg, &req->filter.since_ns))
				return usage_error("--since: '%s' is neither an RFC 3339 time nor an age (30s, 15m, 2h, 7d)",
						   optarg);
			break;
		case 'k':
			kind = kw_kind_from_name(optarg);
			if (kind < 0)
				return usage_error("--kind: unknown kind '%s'",
						   optarg);
			req->filter.kind = kind;
			break;
		case 'm':
			if (!*optarg || strlen(optarg) >= sizeof(req->filter.module))
				return usage_error("--module: bad module name '%s'",
						   optarg);
			snprintf(req->filter.module,
				 sizeof(req->filter.module), "%s", optarg);
			break;
		case 'f':
			req->follow = true;
			break;
		case 'j':
			ctl->json = true;
			break;
		default:
			return usage_error("%s", "bad option for 'alerts'");
		}
	}
	if (optind < argc)
		return usage_error("alerts: unexpected argument '%s'",
				   argv[optind]);
	return 0;
}

/* status, scan: only --json may follow the command */
static int parse_plain_args(int argc, char **argv, struct ctl *ctl)
{
	int i;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--json") && strcmp(argv[i], "-j"))
			return usage_error("unexpected argument '%s'", argv[i]);
		ctl->json = true;
	}
	return 0;
}

static int parse_unlock_args(int argc, char **argv, struct ctl *ctl,
			     struct kw_request *req)
{
	static const struct option longopts[] = {
		{ "for", required_argument, NULL, 'f' },
		{ "key-file", required_argument, NULL, 'k' },
		{ "json", no_argument, NULL, 'j' },
		{}
	};
	const char *key_file = KW_KEY_PATH;
	unsigned long n;
	char *end;
	int c, err;

	optind = 1;
	while ((c = getopt_long(argc, argv, "+f:k:j", longopts, NULL)) != -1) {
		switch (c) {
		case 'f':
			errno = 0;
			n = strtoul(optarg, &end, 10);
			if (errno || *end || !n || n > KW_UNLOCK_MAX_S ||
			    *optarg == '-')
				return usage_error("--for: '%s' is not 1 to 86400 seconds",
						   optarg);
			req->unlock_s = (unsigned int)n;
			break;
		case 'k':
			key_file = optarg;
			break;
		case 'j':
			ctl->json = true;
			break;
		default:
			return usage_error("%s", "bad option for 'unlock'");
		}
	}
	if (optind < argc)
		return usage_error("unlock: unexpected argument '%s'",
				   argv[optind]);
	err = kw_key_read(key_file, req->key, NULL);
	if (err) {
		fprintf(stderr, "kwardenctl: unlock key %s: %s\n", key_file,
			err == -EINVAL ? "not 64 hex digits" : strerror(-err));
		return talk_error(err);
	}
	return 0;
}

int open_and_send(const struct ctl *ctl, struct conn *c,
		  const struct kw_request *req)
{
	json_object *o = kw_request_json(req);
	int err = ctl_connect(c, ctl->socket);

	if (!err)
		err = ctl_send(c, o);
	json_object_put(o);
	if (err && !not_running(err))
		fprintf(stderr, "kwardenctl: %s: %s\n", ctl->socket,
			strerror(-err));
	else if (err)
		fprintf(stderr, "kwardenctl: kwardend is not running (nothing answers on %s)\n",
			ctl->socket);
	return err;
}

/* One reply line: its type, or -1 after saying what went wrong */
int read_reply(struct conn *c, int timeout_ms, json_object **obj)
{
	char err[256];
	size_t len;
	int r = ctl_read_line(c, timeout_ms, &len);

	*obj = NULL;
	if (r <= 0) {
		fprintf(stderr, "kwardenctl: %s\n",
			r == 0 ? "kwardend closed the connection" :
			r == -ETIMEDOUT ? "kwardend did not answer in time" :
			strerror(-r));
		return -1;
	}
	r = kw_reply_parse(c->line, len, obj, err, sizeof(err));
	if (r < 0) {
		fprintf(stderr, "kwardenctl: bad reply from kwardend: %s\n", err);
		return -1;
	}
	if (r == KW_REPLY_ERROR) {
		fprintf(stderr, "kwardenctl: kwardend: %s\n",
			kw_rec_str(*obj, "error"));
		json_object_put(*obj);
		*obj = NULL;
		return -1;
	}
	return r;
}

/*
 * One request, its reply object (caller puts it), or NULL after saying
 * why, with the exit status in *rc
 */
json_object *ctl_ask(const struct ctl *ctl, const struct kw_request *req,
		     int timeout_ms, int *rc)
{
	json_object *reply = NULL;
	struct conn c;
	int r = open_and_send(ctl, &c, req);

	*rc = talk_error(r);
	if (r)
		return NULL;
	r = read_reply(&c, timeout_ms, &reply);
	ctl_close(&c);
	if (r != KW_REPLY_OK) {
		if (r >= 0)
			fprintf(stderr, "kwardenctl: unexpected reply\n");
		json_object_put(reply);
		return NULL;
	}
	*rc = 0;
	return reply;
}

void print_json(json_object *o)
{
	puts(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
					    JSON_C_TO_STRING_NOSLASHESCAPE));
}

static const char *body_name(enum kw_cmd cmd)
{
	return cmd == KW_CMD_UNLOCK || cmd == KW_CMD_LOCK ? "guard"
							  : kw_cmd_name(cmd);
}

static void show_body(enum kw_cmd cmd, json_object *body)
{
	switch (cmd) {
	case KW_CMD_STATUS:
		show_status(body);
		break;
	case KW_CMD_SCAN:
		show_scan(body);
		break;
	default:
		show_guard_change(cmd == KW_CMD_UNLOCK, body);
		break;
	}
}

/* status, scan, unlock, lock: one request, one object back */
static int run_simple(const struct ctl *ctl, struct kw_request *req)
{
	enum kw_cmd cmd = req->cmd;
	json_object *reply, *body;
	struct conn c;
	int err, r;

	err = open_and_send(ctl, &c, req);
	memset(req->key, 0, sizeof(req->key));
	if (err) {
		if (cmd == KW_CMD_STATUS && not_running(err) && ctl->json)
			puts("{\"running\":false}");
		return cmd == KW_CMD_STATUS && not_running(err) ?
			EXIT_NOT_RUNNING : talk_error(err);
	}
	r = read_reply(&c, cmd == KW_CMD_SCAN ? SCAN_TIMEOUT_MS :
			   STATUS_TIMEOUT_MS, &reply);
	ctl_close(&c);
	if (r != KW_REPLY_OK || !json_object_object_get_ex(reply,
			body_name(cmd), &body)) {
		if (r == KW_REPLY_OK || r == KW_REPLY_RECORD)
			fprintf(stderr, "kwardenctl: reply without '%s'\n",
				body_name(cmd));
		json_object_put(reply);
		return EXIT_TALK;
	}
	if (cmd == KW_CMD_STATUS)
		json_object_object_add(body, "running", json_object_new_boolean(1));
	if (ctl->json)
		print_json(body);
	else
		show_body(cmd, body);
	json_object_put(reply);
	return 0;
}

static int run_alerts(const struct ctl *ctl, const struct kw_request *req)
{
	bool live = false;
	json_object *o;
	struct conn c;
	uint64_t n = 0;
	int r;

	r = open_and_send(ctl, &c, req);
	if (r)
		return talk_error(r);
	if (!ctl->json)
		show_alert_header();
	for (;;) {
		r = read_reply(&c, live ? -1 : ALERTS_TIMEOUT_MS, &o);
		if (r < 0)
			break;
		if (r == KW_REPLY_RECORD) {
			n++;
			if (ctl->json)
				puts(c.line);	/* the journal record as is */
			else
				show_alert(o);
		}
		json_object_put(o);
		if (r != KW_REPLY_RECORD && !req->follow)
			break;		/* the end record */
		live = live || r != KW_REPLY_RECORD;
		if (live)
			fflush(stdout);
	}
	ctl_close(&c);
	if (r >= 0 && !n && !ctl->json)
		printf("(no alerts)\n");
	return r < 0 ? EXIT_TALK : 0;
}

/* status, scan, lock: only --json may follow */
int cmd_plain(struct ctl *ctl, int argc, char **argv)
{
	struct kw_request req = {};
	int err = parse_plain_args(argc, argv, ctl);

	if (err)
		return err;
	kw_filter_init(&req.filter);
	req.cmd = !strcmp(argv[0], "status") ? KW_CMD_STATUS :
		  !strcmp(argv[0], "scan") ? KW_CMD_SCAN : KW_CMD_LOCK;
	return run_simple(ctl, &req);
}

int cmd_alerts(struct ctl *ctl, int argc, char **argv)
{
	struct kw_request req = { .cmd = KW_CMD_ALERTS };
	int err;

	kw_filter_init(&req.filter);
	err = parse_alerts_args(argc, argv, ctl, &req);
	return err ? err : run_alerts(ctl, &req);
}

int cmd_unlock(struct ctl *ctl, int argc, char **argv)
{
	struct kw_request req = { .cmd = KW_CMD_UNLOCK,
				  .unlock_s = KW_UNLOCK_DEFAULT_S };
	int err;

	kw_filter_init(&req.filter);
	err = parse_unlock_args(argc, argv, ctl, &req);
	return err ? err : run_simple(ctl, &req);
}

/* "help", "help COMMAND" */
static int cmd_help(int argc, char **argv)
{
	if (argc > 2)
		return usage_error("help: unexpected argument '%s'", argv[2]);
	if (argc == 2)
		return print_command_help(argv[1]);
	print_usage(stdout);
	return 0;
}

/* "policy check --offline FILE" reads a file and nothing else (CI) */
static bool needs_root(int argc, char **argv)
{
	return !(!strcmp(argv[0], "policy") && argc == 4 &&
		 !strcmp(argv[1], "check") && !strcmp(argv[2], "--offline"));
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "socket", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{}
	};
	struct ctl ctl = { .socket = KW_CONTROL_SOCKET };
	const struct command *cmd;
	int c;

	while ((c = getopt_long(argc, argv, "+js:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'j':
			ctl.json = true;
			break;
		case 's':
			ctl.socket = optarg;
			break;
		case 'h':
			print_usage(stdout);
			return 0;
		default:
			return usage_error("%s", "bad option");
		}
	}
	if (optind >= argc)
		return usage_error("%s", "missing command");
	argc -= optind;
	argv += optind;
	if (!strcmp(argv[0], "help"))
		return cmd_help(argc, argv);
	cmd = find_command(argv[0]);
	if (!cmd)
		return usage_error("unknown command '%s'", argv[0]);
	for (c = 1; c < argc; c++)
		if (!strcmp(argv[c], "--help") || !strcmp(argv[c], "-h"))
			return print_command_help(cmd->name);
	if (geteuid() && needs_root(argc, argv)) {
		fprintf(stderr, "kwardenctl: %s: permission denied: only root may talk to kwarden\n",
			cmd->name);
		return EXIT_NOPERM;
	}
	return cmd->run(&ctl, argc, argv);
}
