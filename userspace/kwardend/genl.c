// SPDX-License-Identifier: GPL-2.0
/*
 * Netlink client of kwarden.ko (generic netlink family "kwarden").
 *
 * Two sockets: `mc` joins the "alerts" group and nlctrl's "notify" group
 * (to see the family come and go), `req` carries our asynchronous status,
 * scan and dump requests.  Names are resolved on a socket of their own,
 * closed at once, so that no idle socket collects forged messages.
 *
 * Alerts carry a per-boot sequence (kseq). On connect we dump the kmod's
 * backlog from the last kseq the journal has, so nothing raised while no
 * daemon ran is lost; a gap in the multicast stream triggers a new dump.
 *
 * A source of the pipeline (sink.c): kwarden.ko's alerts.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <linux/genetlink.h>
#include "kwd.h"
#include "genl.h"
#include "guard.h"
#include "log.h"
#include "loop.h"
#include "module_policy.h"
#include "sink.h"
#include "status.h"
#include "blocklist.h"
#include "compiler.h"
#include "kmod_alert.h"
#include "names.h"
#include "policy.h"
#include "timefmt.h"

#define MAX_PENDING		16
#define STATUS_TIMEOUT_NS	(10 * NSEC_PER_SEC)
#define SCAN_TIMEOUT_NS		(300 * NSEC_PER_SEC)	/* TCG is slow */
#define DUMP_TIMEOUT_NS		(60 * NSEC_PER_SEC)

struct pending {
	bool used;
	uint32_t seq;
	int cmd;
	uint64_t deadline_ns;
	kwd_kmod_done_fn *done;
	void *ctx;
	json_object *reply;
};

struct kwd_genl {
	struct nl_sock *mc, *req;
	struct kwd_watch mc_watch, req_watch;
	int family;			/* -1: kwarden.ko absent */
	uint64_t last_kseq;		/* newest alert handled */
	bool dumping, missed;
	bool no_dump;			/* the kmod refused a dump: take gaps */
	uint32_t dump_seq;
	uint64_t dump_deadline_ns;
	uint64_t received, duplicates, bad;
	uint64_t forged;		/* not from the kernel: dropped */
	struct pending pending[MAX_PENDING];
};

/* Its state, reached as d->genl only; made once, before start */
int kwd_genl_init(struct kwd *d)
{
	d->genl = calloc(1, sizeof(*d->genl));
	if (!d->genl)
		return -ENOMEM;
	d->genl->family = -1;
	return 0;
}

static struct nla_policy policy[KWARDEN_A_MAX + 1] = {
	[KWARDEN_A_SEQ]		= { .type = NLA_U64 },
	[KWARDEN_A_TIME_NS]	= { .type = NLA_U64 },
	[KWARDEN_A_KIND]	= { .type = NLA_U32 },
	[KWARDEN_A_SEVERITY]	= { .type = NLA_U32 },
	[KWARDEN_A_ACTION]	= { .type = NLA_U32 },
	[KWARDEN_A_MODULE]	= { .type = NLA_STRING },
	[KWARDEN_A_REGION]	= { .type = NLA_STRING },
	[KWARDEN_A_ADDR]	= { .type = NLA_U64 },
	[KWARDEN_A_SYMBOL]	= { .type = NLA_STRING },
	[KWARDEN_A_OFFSET]	= { .type = NLA_U64 },
	[KWARDEN_A_LEN]		= { .type = NLA_U32 },
	[KWARDEN_A_OLD]		= { .type = NLA_UNSPEC, .maxlen = KW_BYTES_LEN },
	[KWARDEN_A_NEW]		= { .type = NLA_UNSPEC, .maxlen = KW_BYTES_LEN },
	[KWARDEN_A_TARGET]	= { .type = NLA_U64 },
	[KWARDEN_A_TARGET_SYM]	= { .type = NLA_STRING },
	[KWARDEN_A_SLOT]	= { .type = NLA_U32 },
	[KWARDEN_A_VIEWS]	= { .type = NLA_STRING },
	[KWARDEN_A_REASON]	= { .type = NLA_STRING },
	[KWARDEN_A_HOOK_FLAGS]	= { .type = NLA_STRING },
	[KWARDEN_A_CALLER]	= { .type = NLA_STRING },
	[KWARDEN_A_CALLER_SYM]	= { .type = NLA_STRING },
	[KWARDEN_A_ST_REGIONS]	= { .type = NLA_U32 },
	[KWARDEN_A_ST_PAGES]	= { .type = NLA_U32 },
	[KWARDEN_A_ST_SCANS]	= { .type = NLA_U64 },
	[KWARDEN_A_ST_VIOLATIONS] = { .type = NLA_U64 },
	[KWARDEN_A_ST_ALERTS]	= { .type = NLA_U64 },
	[KWARDEN_A_ST_DROPS]	= { .type = NLA_U64 },
	[KWARDEN_A_ST_POKES]	= { .type = NLA_U64 },
	[KWARDEN_A_ST_EXPLAINED] = { .type = NLA_U64 },
	[KWARDEN_A_ST_BASELINE_BYTES] = { .type = NLA_U64 },
	[KWARDEN_A_ST_GOLDEN_BYTES] = { .type = NLA_U64 },
	[KWARDEN_A_ST_INTERVAL_MS] = { .type = NLA_U32 },
	[KWARDEN_A_ST_LAST_SCAN_NS] = { .type = NLA_U64 },
	[KWARDEN_A_ST_TEXT_START] = { .type = NLA_U64 },
	[KWARDEN_A_ST_TEXT_END]	= { .type = NLA_U64 },
	[KWARDEN_A_ST_STATE]	= { .type = NLA_U32 },
	[KWARDEN_A_ST_POKE_OVERFLOWS] = { .type = NLA_U64 },
	[KWARDEN_A_ST_SCAN_NS_TOTAL] = { .type = NLA_U64 },
	[KWARDEN_A_FROM_SEQ]	= { .type = NLA_U64 },
	[KWARDEN_A_HASH]	= { .type = NLA_UNSPEC, .minlen = KW_HASH_LEN },
	[KWARDEN_A_FILE_HASH]	= { .type = NLA_UNSPEC, .minlen = KW_HASH_LEN },
	[KWARDEN_A_PATH]	= { .type = NLA_STRING },
	[KWARDEN_A_SIG_OK]	= { .type = NLA_U32 },
	[KWARDEN_A_TAINTS]	= { .type = NLA_U32 },
	[KWARDEN_A_TAINTS_OLD]	= { .type = NLA_U32 },
	[KWARDEN_A_VIA]		= { .type = NLA_U32 },
	[KWARDEN_A_VERDICT]	= { .type = NLA_U32 },
	[KWARDEN_A_RULE]	= { .type = NLA_STRING },
	[KWARDEN_A_PID]		= { .type = NLA_U32 },
	[KWARDEN_A_UID]		= { .type = NLA_U32 },
	[KWARDEN_A_COMM]	= { .type = NLA_STRING },
	[KWARDEN_A_FAULT]	= { .type = NLA_U32 },
	[KWARDEN_A_COUNT]	= { .type = NLA_U32 },
	[KWARDEN_A_MOD_SIZE]	= { .type = NLA_U64 },
	[KWARDEN_A_MOD_REFCNT]	= { .type = NLA_U32 },
	[KWARDEN_A_MOD_EXIT]	= { .type = NLA_U32 },
	[KWARDEN_A_MOD_STATE]	= { .type = NLA_U32 },
	[KWARDEN_A_ST_POL_MODE]	= { .type = NLA_U32 },
	[KWARDEN_A_ST_POL_RULES] = { .type = NLA_U32 },
	[KWARDEN_A_ST_POL_GEN]	= { .type = NLA_U64 },
	[KWARDEN_A_ST_LOADS]	= { .type = NLA_U64 },
	[KWARDEN_A_ST_DENIED]	= { .type = NLA_U64 },
	[KWARDEN_A_ST_WOULD_DENY] = { .type = NLA_U64 },
	[KWARDEN_A_ST_FAULTS]	= { .type = NLA_U64 },
	[KWARDEN_A_ST_FAULT_DROPS] = { .type = NLA_U64 },
	[KWARDEN_A_OBJECT]	= { .type = NLA_STRING },
};

/* KWARDEN_A_ST_* as status fields; hex for addresses */
static const struct {
	int attr;
	const char *name;
	enum { U32, U64, HEX } type;
} status_fields[] = {
	{ KWARDEN_A_ST_REGIONS,		"regions",		U32 },
	{ KWARDEN_A_ST_PAGES,		"pages",		U32 },
	{ KWARDEN_A_ST_SCANS,		"scans",		U64 },
	{ KWARDEN_A_ST_VIOLATIONS,	"violations",		U64 },
	{ KWARDEN_A_ST_ALERTS,		"alerts",		U64 },
	{ KWARDEN_A_ST_DROPS,		"drops",		U64 },
	{ KWARDEN_A_ST_POKES,		"pokes",		U64 },
	{ KWARDEN_A_ST_EXPLAINED,	"explained",		U64 },
	{ KWARDEN_A_ST_BASELINE_BYTES,	"baseline_bytes",	U64 },
	{ KWARDEN_A_ST_GOLDEN_BYTES,	"golden_bytes",		U64 },
	{ KWARDEN_A_ST_INTERVAL_MS,	"interval_ms",		U32 },
	{ KWARDEN_A_ST_LAST_SCAN_NS,	"last_scan_ns",		U64 },
	{ KWARDEN_A_ST_TEXT_START,	"text_start",		HEX },
	{ KWARDEN_A_ST_TEXT_END,	"text_end",		HEX },
	{ KWARDEN_A_ST_POKE_OVERFLOWS,	"poke_overflows",	U64 },
	{ KWARDEN_A_ST_SCAN_NS_TOTAL,	"scan_ns_total",	U64 },
	{ KWARDEN_A_ST_POL_RULES,	"policy_rules",		U32 },
	{ KWARDEN_A_ST_POL_GEN,		"policy_generation",	U64 },
	{ KWARDEN_A_ST_LOADS,		"module_loads",		U64 },
	{ KWARDEN_A_ST_DENIED,		"module_loads_denied",	U64 },
	{ KWARDEN_A_ST_WOULD_DENY,	"module_loads_would_deny", U64 },
	{ KWARDEN_A_ST_FAULTS,		"module_faults",	U64 },
	{ KWARDEN_A_ST_FAULT_DROPS,	"module_fault_drops",	U64 },
};

static const char *kmod_state(uint32_t state)
{
	switch (state) {
	case KW_STATE_ACTIVE:
		return "active";
	case KW_STATE_SAFE_MODE:
		return "safe_mode";
	default:
		return "degraded";
	}
}

static json_object *status_json(struct nlattr **tb)
{
	json_object *o = json_object_new_object();
	char hex[24];
	size_t i;

	json_object_object_add(o, "present", json_object_new_boolean(1));
	if (tb[KWARDEN_A_ST_STATE])
		json_object_object_add(o, "state", json_object_new_string(
			kmod_state(nla_get_u32(tb[KWARDEN_A_ST_STATE]))));
	if (tb[KWARDEN_A_ST_POL_MODE] &&
	    kw_pol_mode_name(nla_get_u32(tb[KWARDEN_A_ST_POL_MODE])))
		json_object_object_add(o, "policy_mode", json_object_new_string(
			kw_pol_mode_name(nla_get_u32(tb[KWARDEN_A_ST_POL_MODE]))));
	for (i = 0; i < ARRAY_SIZE(status_fields); i++) {
		struct nlattr *a = tb[status_fields[i].attr];
		json_object *v;

		if (!a)
			continue;
		if (status_fields[i].type == U32) {
			v = json_object_new_int64(nla_get_u32(a));
		} else if (status_fields[i].type == U64) {
			v = json_object_new_uint64(nla_get_u64(a));
		} else {
			snprintf(hex, sizeof(hex), "0x%llx",
				 (unsigned long long)nla_get_u64(a));
			v = json_object_new_string(hex);
		}
		json_object_object_add(o, status_fields[i].name, v);
	}
	return o;
}

static void copy_str(char *dst, size_t len, struct nlattr *a)
{
	if (a)
		snprintf(dst, len, "%s", nla_get_string(a));
}

static void copy_bytes(unsigned char *dst, unsigned int *n, struct nlattr *a)
{
	if (!a)
		return;
	*n = (unsigned int)nla_len(a);
	memcpy(dst, nla_data(a), *n);
}

static unsigned int get_u32(struct nlattr *a)
{
	return a ? nla_get_u32(a) : 0;
}

static void copy_hash(unsigned char *dst, unsigned int *has,
		      unsigned int bit, struct nlattr *a)
{
	if (!a)
		return;
	memcpy(dst, nla_data(a), KW_HASH_LEN);
	*has |= bit;
}

/* Module load and fault attributes, of an alert or of a MODULE dump */
void kwd_genl_read_module_parts(struct nlattr **tb, struct kw_kmod_alert *k)
{
	copy_hash(k->hash, &k->has, KW_KA_HASH, tb[KWARDEN_A_HASH]);
	copy_hash(k->file_hash, &k->has, KW_KA_FILE_HASH,
		  tb[KWARDEN_A_FILE_HASH]);
	if (tb[KWARDEN_A_VERDICT])
		k->has |= KW_KA_MODLOAD;
	if (tb[KWARDEN_A_PID])
		k->has |= KW_KA_TASK;
	if (tb[KWARDEN_A_FAULT])
		k->has |= KW_KA_FAULT;
	k->sig_ok = get_u32(tb[KWARDEN_A_SIG_OK]);
	k->taints = get_u32(tb[KWARDEN_A_TAINTS]);
	k->taints_old = get_u32(tb[KWARDEN_A_TAINTS_OLD]);
	k->via = get_u32(tb[KWARDEN_A_VIA]);
	k->verdict = get_u32(tb[KWARDEN_A_VERDICT]);
	k->pid = get_u32(tb[KWARDEN_A_PID]);
	k->uid = get_u32(tb[KWARDEN_A_UID]);
	k->fault = get_u32(tb[KWARDEN_A_FAULT]);
	k->count = get_u32(tb[KWARDEN_A_COUNT]);
	copy_str(k->path, sizeof(k->path), tb[KWARDEN_A_PATH]);
	copy_str(k->rule, sizeof(k->rule), tb[KWARDEN_A_RULE]);
	copy_str(k->comm, sizeof(k->comm), tb[KWARDEN_A_COMM]);
}

static void read_alert(struct nlattr **tb, struct kw_kmod_alert *k)
{
	static const struct { int attr; unsigned int bit; } opt[] = {
		{ KWARDEN_A_ADDR, KW_KA_ADDR },
		{ KWARDEN_A_OFFSET, KW_KA_OFFSET },
		{ KWARDEN_A_LEN, KW_KA_LEN },
		{ KWARDEN_A_TARGET, KW_KA_TARGET },
		{ KWARDEN_A_SEVERITY, KW_KA_SEVERITY },
		{ KWARDEN_A_ACTION, KW_KA_ACTION },
		{ KWARDEN_A_TIME_NS, KW_KA_TIME },
		{ KWARDEN_A_SLOT, KW_KA_SLOT },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(opt); i++)
		if (tb[opt[i].attr])
			k->has |= opt[i].bit;
	k->kseq = nla_get_u64(tb[KWARDEN_A_SEQ]);
	k->kind = nla_get_u32(tb[KWARDEN_A_KIND]);
	if (tb[KWARDEN_A_TIME_NS])
		k->time_ns = nla_get_u64(tb[KWARDEN_A_TIME_NS]);
	if (tb[KWARDEN_A_SEVERITY])
		k->severity = nla_get_u32(tb[KWARDEN_A_SEVERITY]);
	if (tb[KWARDEN_A_ACTION])
		k->action = nla_get_u32(tb[KWARDEN_A_ACTION]);
	if (tb[KWARDEN_A_ADDR])
		k->addr = nla_get_u64(tb[KWARDEN_A_ADDR]);
	if (tb[KWARDEN_A_OFFSET])
		k->offset = nla_get_u64(tb[KWARDEN_A_OFFSET]);
	if (tb[KWARDEN_A_LEN])
		k->len = nla_get_u32(tb[KWARDEN_A_LEN]);
	if (tb[KWARDEN_A_TARGET])
		k->target = nla_get_u64(tb[KWARDEN_A_TARGET]);
	if (tb[KWARDEN_A_SLOT])
		k->slot = nla_get_u32(tb[KWARDEN_A_SLOT]);
	copy_str(k->module, sizeof(k->module), tb[KWARDEN_A_MODULE]);
	copy_str(k->region, sizeof(k->region), tb[KWARDEN_A_REGION]);
	copy_str(k->symbol, sizeof(k->symbol), tb[KWARDEN_A_SYMBOL]);
	copy_str(k->target_sym, sizeof(k->target_sym),
		 tb[KWARDEN_A_TARGET_SYM]);
	copy_str(k->views, sizeof(k->views), tb[KWARDEN_A_VIEWS]);
	copy_str(k->reason, sizeof(k->reason), tb[KWARDEN_A_REASON]);
	copy_str(k->hook_flags, sizeof(k->hook_flags),
		 tb[KWARDEN_A_HOOK_FLAGS]);
	copy_str(k->object, sizeof(k->object), tb[KWARDEN_A_OBJECT]);
	copy_str(k->caller, sizeof(k->caller), tb[KWARDEN_A_CALLER]);
	copy_str(k->caller_sym, sizeof(k->caller_sym),
		 tb[KWARDEN_A_CALLER_SYM]);
	copy_bytes(k->old, &k->old_len, tb[KWARDEN_A_OLD]);
	copy_bytes(k->new, &k->new_len, tb[KWARDEN_A_NEW]);
	kwd_genl_read_module_parts(tb, k);
}

static void start_dump(struct kwd *d);

/* Alerts the kmod raised but could not keep until we asked */
static void report_gap(struct kwd *d, uint64_t first, uint64_t last)
{
	struct kw_alert a = {
		.kind = KW_KIND_events_lost, .action = KW_ACTION_logged,
		.severity = kw_kind_severity(KW_KIND_events_lost),
		.source = KW_SOURCE_KMOD,
	};
	json_object *detail = json_object_new_object();
	char msg[160];

	snprintf(msg, sizeof(msg),
		 "%llu kwarden.ko alerts lost before kwardend read them (kseq %llu to %llu)",
		 (unsigned long long)(last - first + 1),
		 (unsigned long long)first, (unsigned long long)last);
	json_object_object_add(detail, "channel",
			       json_object_new_string("kmod_backlog"));
	json_object_object_add(detail, "lost",
			       json_object_new_uint64(last - first + 1));
	json_object_object_add(detail, "first_kseq", json_object_new_uint64(first));
	json_object_object_add(detail, "kseq", json_object_new_uint64(last));
	json_object_object_add(detail, "boot_id",
			       json_object_new_string(d->boot_id));
	a.time_ns = kw_now_ns();
	a.message = msg;
	a.detail = detail;
	kwd_raise(d, &a);
}

static void handle_alert(struct kwd *d, struct nlattr **tb, bool multicast)
{
	struct kwd_genl *g = d->genl;
	struct kw_kmod_alert k;
	struct kw_alert a;
	uint64_t kseq;

	if (!tb[KWARDEN_A_SEQ] || !tb[KWARDEN_A_KIND]) {
		g->bad++;
		kwd_log(LOG_ERR, "kwarden.ko alert without seq or kind");
		return;
	}
	g->received++;
	kseq = nla_get_u64(tb[KWARDEN_A_SEQ]);
	if (kseq <= g->last_kseq) {
		g->duplicates++;
		return;
	}
	if (multicast && !g->no_dump &&
	    (g->dumping || kseq != g->last_kseq + 1)) {
		start_dump(d);	/* in order, from the backlog */
		return;
	}
	if (kseq != g->last_kseq + 1)
		report_gap(d, g->last_kseq + 1, kseq - 1);
	g->last_kseq = kseq;
	memset(&k, 0, sizeof(k));
	read_alert(tb, &k);
	if (kw_kmod_alert(&k, d->boot_id, &a)) {
		g->bad++;
		kwd_log(LOG_ERR, "kwarden.ko alert kseq %llu of unknown kind %u",
			(unsigned long long)kseq, k.kind);
		return;
	}
	kwd_raise(d, &a);
}

static struct pending *find_pending(struct kwd_genl *g, uint32_t seq)
{
	size_t i;

	for (i = 0; i < MAX_PENDING; i++)
		if (g->pending[i].used && g->pending[i].seq == seq)
			return &g->pending[i];
	return NULL;
}

static void complete(struct kwd *d, struct pending *p, const char *error)
{
	kwd_kmod_done_fn *done = p->done;
	json_object *reply = p->reply;

	p->used = false;
	p->reply = NULL;
	if (done)
		done(d, p->ctx, error ? NULL : reply, error);
	json_object_put(reply);
}

static int parse(struct kwd_genl *g, struct nl_msg *msg, struct nlattr **tb,
		 uint8_t *cmd)
{
	struct nlmsghdr *nlh = nlmsg_hdr(msg);

	if (nlh->nlmsg_type != g->family || g->family < 0)
		return -ENOENT;
	*cmd = ((struct genlmsghdr *)nlmsg_data(nlh))->cmd;
	if (genlmsg_parse(nlh, 0, tb, KWARDEN_A_MAX, policy)) {
		g->bad++;
		kwd_log(LOG_ERR, "malformed message from kwarden.ko");
		return -EINVAL;
	}
	return 0;
}

/*
 * Every message, before anything reads it: only the kernel (port 0) may
 * speak to our sockets.  Another process can send to our port, or to a
 * group we joined; its message (a forged alert, a forged DELFAMILY) is
 * dropped and counted, never acted on.
 */
static int on_msg_in(struct nl_msg *msg, void *arg)
{
	struct kwd *d = arg;
	struct sockaddr_nl *src = nlmsg_get_src(msg);

	if (src->nl_family == AF_NETLINK && !src->nl_pid)
		return NL_OK;
	if (!d->genl->forged++)
		kwd_log(LOG_WARNING, "dropped a netlink message sent by port %u, not by the kernel (counted in status: link.forged)",
			src->nl_pid);
	return NL_SKIP;
}

static int on_req_msg(struct nl_msg *msg, void *arg)
{
	struct nlattr *tb[KWARDEN_A_MAX + 1];
	struct kwd *d = arg;
	struct pending *p;
	uint8_t cmd;

	if (parse(d->genl, msg, tb, &cmd))
		return NL_SKIP;
	if (cmd == KWARDEN_CMD_ALERT) {
		handle_alert(d, tb, false);
		return NL_OK;
	}
	p = find_pending(d->genl, nlmsg_hdr(msg)->nlmsg_seq);
	if (p) {
		json_object_put(p->reply);
		p->reply = status_json(tb);
	}
	return NL_OK;
}

static int on_req_ack(struct nl_msg *msg, void *arg)
{
	struct kwd *d = arg;
	struct pending *p = find_pending(d->genl, nlmsg_hdr(msg)->nlmsg_seq);

	if (p)
		complete(d, p, p->reply ? NULL : "kwarden.ko sent no status");
	return NL_OK;
}

static void dump_done(struct kwd *d)
{
	struct kwd_genl *g = d->genl;

	g->dumping = false;
	if (g->missed) {
		g->missed = false;
		start_dump(d);
	}
}

static int on_req_finish(struct nl_msg *msg, void *arg)
{
	struct kwd *d = arg;

	if (d->genl->dumping && nlmsg_hdr(msg)->nlmsg_seq == d->genl->dump_seq)
		dump_done(d);
	return NL_OK;
}

static int on_req_err(struct sockaddr_nl *nla, struct nlmsgerr *e, void *arg)
{
	struct kwd *d = arg;
	struct pending *p = find_pending(d->genl, e->msg.nlmsg_seq);

	if (d->genl->dumping && e->msg.nlmsg_seq == d->genl->dump_seq) {
		kwd_log(LOG_ERR, "kwarden.ko refused the backlog dump: %s; alerts it raised while kwardend was away are lost",
			strerror(-e->error));
		d->genl->no_dump = true;
		d->genl->missed = false;
		dump_done(d);
	} else if (p) {
		complete(d, p, strerror(-e->error));
	}
	return NL_SKIP;
}

/* put, when given, adds the request's attributes; hint: bytes they need */
static int send_msg(struct kwd_genl *g, int cmd, int flags, uint32_t *seq,
		    kwd_genl_put_fn *put, const void *arg, size_t hint)
{
	struct nl_msg *msg = nlmsg_alloc_size(hint + 4096);
	int err = -ENOMEM;

	if (!msg)
		return err;
	if (!genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, g->family, 0, flags,
			 (uint8_t)cmd, KWARDEN_GENL_VERSION))
		goto out;
	if (cmd == KWARDEN_CMD_ALERT &&
	    nla_put_u64(msg, KWARDEN_A_FROM_SEQ, g->last_kseq + 1))
		goto out;
	if (put && put(msg, arg)) {
		err = -EMSGSIZE;
		goto out;
	}
	err = nl_send_auto(g->req, msg);
	if (err < 0) {
		kwd_log(LOG_ERR, "netlink send: %s", nl_geterror(err));
		err = -EIO;
		goto out;
	}
	*seq = nlmsg_hdr(msg)->nlmsg_seq;
	err = 0;
out:
	nlmsg_free(msg);
	return err;
}

static int send_cmd(struct kwd_genl *g, int cmd, int flags, uint32_t *seq)
{
	return send_msg(g, cmd, flags, seq, NULL, NULL, 0);
}

static void start_dump(struct kwd *d)
{
	struct kwd_genl *g = d->genl;

	if (g->dumping) {
		g->missed = true;
		return;
	}
	if (g->family < 0 || g->no_dump || send_cmd(g, KWARDEN_CMD_ALERT, NLM_F_DUMP,
				      &g->dump_seq))
		return;
	g->dumping = true;
	g->dump_deadline_ns = kw_now_ns() + DUMP_TIMEOUT_NS;
}

int kwd_genl_request_put(struct kwd *d, int cmd, kwd_genl_put_fn *put,
			 const void *arg, size_t hint, kwd_kmod_done_fn *done,
			 void *ctx)
{
	struct kwd_genl *g = d->genl;
	struct pending *p = NULL;
	size_t i;
	int err;

	if (g->family < 0)
		return -ENOENT;
	for (i = 0; i < MAX_PENDING && !p; i++)
		if (!g->pending[i].used)
			p = &g->pending[i];
	if (!p)
		return -EBUSY;
	err = send_msg(g, cmd, 0, &p->seq, put, arg, hint);
	if (err)
		return err;
	p->used = true;
	p->cmd = cmd;
	p->done = done;
	p->ctx = ctx;
	p->reply = NULL;
	p->deadline_ns = kw_now_ns() + (cmd == KWARDEN_CMD_SCAN ?
					SCAN_TIMEOUT_NS : STATUS_TIMEOUT_NS);
	return 0;
}

int kwd_genl_request(struct kwd *d, int cmd, kwd_kmod_done_fn *done,
		     void *ctx)
{
	return kwd_genl_request_put(d, cmd, NULL, NULL, 0, done, ctx);
}

/* The requester went away: its reply, when it comes, is dropped */
void kwd_genl_cancel(struct kwd *d, void *ctx)
{
	size_t i;

	for (i = 0; i < MAX_PENDING; i++) {
		if (d->genl->pending[i].used && d->genl->pending[i].ctx == ctx) {
			d->genl->pending[i].done = NULL;
			d->genl->pending[i].ctx = NULL;
		}
	}
}

static void fail_all(struct kwd *d, const char *why)
{
	size_t i;

	for (i = 0; i < MAX_PENDING; i++)
		if (d->genl->pending[i].used)
			complete(d, &d->genl->pending[i], why);
}

void kwd_genl_tick(struct kwd *d)
{
	struct kwd_genl *g = d->genl;
	uint64_t now = kw_now_ns();
	size_t i;

	for (i = 0; i < MAX_PENDING; i++)
		if (g->pending[i].used && now > g->pending[i].deadline_ns)
			complete(d, &g->pending[i], "kwarden.ko did not answer in time");
	if (g->dumping && now > g->dump_deadline_ns) {
		kwd_log(LOG_ERR, "kwarden.ko backlog dump timed out");
		dump_done(d);
	}
}

bool kwd_genl_present(struct kwd *d)
{
	return d->genl->family >= 0;
}

/* A reloaded kwarden.ko starts its kseq again: its alert count says so */
static void on_connect_status(struct kwd *d, void *ctx, json_object *st,
			      const char *error)
{
	struct kwd_genl *g = d->genl;
	json_object *v;

	if (st && json_object_object_get_ex(st, "alerts", &v) &&
	    json_object_get_uint64(v) < g->last_kseq) {
		kwd_log(LOG_NOTICE, "kwarden.ko was reloaded: its alert sequence restarted");
		g->last_kseq = 0;
	}
	start_dump(d);
}

/*
 * Resolve @family's id (@group NULL) or its multicast @group's, on a
 * socket that lives for this question only: -1 if unknown.
 */
static int resolve(const char *family, const char *group)
{
	struct nl_sock *sk = nl_socket_alloc();
	int id = -1;

	if (sk && !genl_connect(sk)) {
		nl_socket_modify_cb(sk, NL_CB_MSG_IN, NL_CB_CUSTOM, on_msg_in,
				    NULL);
		id = group ? genl_ctrl_resolve_grp(sk, family, group) :
			     genl_ctrl_resolve(sk, family);
	}
	nl_socket_free(sk);
	return id < 0 ? -1 : id;
}

static void connect_kmod(struct kwd *d)
{
	struct kwd_genl *g = d->genl;
	int grp;

	g->no_dump = false;
	g->family = resolve(KWARDEN_GENL_NAME, NULL);
	if (g->family < 0)
		return;
	grp = resolve(KWARDEN_GENL_NAME, KWARDEN_GENL_MCGRP);
	if (grp < 0 || nl_socket_add_membership(g->mc, grp))
		kwd_log(LOG_ERR, "cannot join kwarden.ko's \"%s\" group: alerts arrive by backlog dumps only",
			KWARDEN_GENL_MCGRP);
	kwd_log(LOG_INFO, "connected to kwarden.ko (genl family %d)",
		g->family);
	kwd_guard_set_family(d, g->family);
	kwd_safe_mode_apply(d);
	kwd_policy_connected(d);	/* a new kwarden.ko has no policy */
	if (kwd_genl_request(d, KWARDEN_CMD_STATUS, on_connect_status, g))
		start_dump(d);
}

static void on_ctrl(struct kwd *d, struct nlmsghdr *nlh)
{
	struct genlmsghdr *gh = nlmsg_data(nlh);
	struct nlattr *tb[CTRL_ATTR_MAX + 1];
	bool was = kwd_genl_present(d);

	if (genlmsg_parse(nlh, 0, tb, CTRL_ATTR_MAX, NULL) ||
	    !tb[CTRL_ATTR_FAMILY_NAME] ||
	    strcmp(nla_get_string(tb[CTRL_ATTR_FAMILY_NAME]),
		   KWARDEN_GENL_NAME))
		return;
	if (gh->cmd == CTRL_CMD_NEWFAMILY && !was) {
		connect_kmod(d);
	} else if (gh->cmd == CTRL_CMD_DELFAMILY && was) {
		d->genl->family = -1;
		d->genl->dumping = false;
		kwd_guard_set_family(d, 0);
		fail_all(d, "kwarden.ko went away");
		kwd_degraded(d, "kwarden.ko unregistered its netlink family: kernel integrity checks stopped, BPF-only mode");
	}
}

static int on_mc_msg(struct nl_msg *msg, void *arg)
{
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct nlattr *tb[KWARDEN_A_MAX + 1];
	struct kwd *d = arg;
	uint8_t cmd;

	if (nlh->nlmsg_type == GENL_ID_CTRL) {
		on_ctrl(d, nlh);
		return NL_OK;
	}
	if (!parse(d->genl, msg, tb, &cmd) && cmd == KWARDEN_CMD_ALERT)
		handle_alert(d, tb, true);
	return NL_OK;
}

static void on_mc(struct kwd *d, struct kwd_watch *w, uint32_t events)
{
	int err = nl_recvmsgs_default(d->genl->mc);

	if (err == -NLE_NOMEM && kwd_genl_present(d)) {
		/* ENOBUFS: multicast overran our socket, the backlog has it */
		kwd_log(LOG_WARNING, "netlink multicast overrun: dumping the backlog");
		start_dump(d);
	} else if (err < 0 && err != -NLE_AGAIN) {
		kwd_log(LOG_ERR, "netlink (alerts): %s", nl_geterror(err));
	}
}

static void on_req(struct kwd *d, struct kwd_watch *w, uint32_t events)
{
	int err = nl_recvmsgs_default(d->genl->req);

	if (err < 0 && err != -NLE_AGAIN)
		kwd_log(LOG_ERR, "netlink (requests): %s", nl_geterror(err));
}

static struct nl_sock *open_sock(struct kwd *d, struct kwd_watch *w,
				 void (*cb)(struct kwd *, struct kwd_watch *,
					    uint32_t))
{
	struct nl_sock *sk = nl_socket_alloc();

	if (!sk)
		return NULL;
	if (genl_connect(sk)) {
		nl_socket_free(sk);
		return NULL;
	}
	nl_socket_disable_seq_check(sk);
	nl_socket_set_nonblocking(sk);
	nl_socket_set_buffer_size(sk, 4 << 20, 0);
	w->fd = nl_socket_get_fd(sk);
	w->cb = cb;
	if (kwd_watch_add(d, w, EPOLLIN)) {
		nl_socket_free(sk);
		return NULL;
	}
	return sk;
}

static int open_socks(struct kwd *d, struct kwd_genl *g)
{
	int grp, sndbuf;

	g->mc = open_sock(d, &g->mc_watch, on_mc);
	g->req = open_sock(d, &g->req_watch, on_req);
	if (!g->mc || !g->req)
		return -ENOTCONN;
	sndbuf = 8 << 20;	/* a policy of KW_MAX_RULES rules is ~2 MB */
	if (setsockopt(nl_socket_get_fd(g->req), SOL_SOCKET, SO_SNDBUFFORCE,
		       &sndbuf, sizeof(sndbuf)))
		nl_socket_set_buffer_size(g->req, 4 << 20, 4 << 20);
	nl_socket_modify_cb(g->mc, NL_CB_MSG_IN, NL_CB_CUSTOM, on_msg_in, d);
	nl_socket_modify_cb(g->req, NL_CB_MSG_IN, NL_CB_CUSTOM, on_msg_in, d);
	nl_socket_modify_cb(g->mc, NL_CB_VALID, NL_CB_CUSTOM, on_mc_msg, d);
	nl_socket_modify_cb(g->req, NL_CB_VALID, NL_CB_CUSTOM, on_req_msg, d);
	nl_socket_modify_cb(g->req, NL_CB_ACK, NL_CB_CUSTOM, on_req_ack, d);
	nl_socket_modify_cb(g->req, NL_CB_FINISH, NL_CB_CUSTOM, on_req_finish,
			    d);
	nl_socket_modify_err_cb(g->req, NL_CB_CUSTOM, on_req_err, d);
	grp = resolve("nlctrl", "notify");
	if (grp < 0 || nl_socket_add_membership(g->mc, grp))
		kwd_log(LOG_WARNING, "cannot watch netlink families: a kwarden.ko loaded later will not be seen");
	return 0;
}

int kwd_genl_start(struct kwd *d)
{
	struct kwd_genl *g = d->genl;

	g->last_kseq = d->resume_kseq;
	if (open_socks(d, g)) {
		kwd_log(LOG_ERR, "generic netlink unavailable");
		kwd_genl_stop(d);
		return -ENOTCONN;
	}
	connect_kmod(d);
	return kwd_genl_present(d) ? 0 : -ENOENT;
}

void kwd_genl_stop(struct kwd *d)
{
	struct kwd_genl *g = d->genl;

	fail_all(d, "kwardend is stopping");
	if (g->mc)
		kwd_watch_del(d, &g->mc_watch);
	if (g->req)
		kwd_watch_del(d, &g->req_watch);
	nl_socket_free(g->mc);
	nl_socket_free(g->req);
	g->mc = g->req = NULL;
	g->family = -1;
}

/* Link counters; the caller adds the kmod's own status when present */
json_object *kwd_genl_counters(struct kwd *d)
{
	struct kwd_genl *g = d->genl;
	json_object *o;

	if (!g->mc)
		return NULL;	/* never connected, or stopped */
	o = json_object_new_object();
	json_object_object_add(o, "family", json_object_new_int(g->family));
	json_object_object_add(o, "kseq", json_object_new_uint64(g->last_kseq));
	json_object_object_add(o, "received", json_object_new_uint64(g->received));
	json_object_object_add(o, "duplicates",
			       json_object_new_uint64(g->duplicates));
	json_object_object_add(o, "bad_messages", json_object_new_uint64(g->bad));
	json_object_object_add(o, "forged", json_object_new_uint64(g->forged));
	return o;
}

/* ---- KWARDEN_CMD_POLICY ---- */

struct push_arg {
	const struct kw_policy *p;
	const struct kw_block *blocks;
	size_t n;
	uint64_t gen;
};

static int put_rule(struct nl_msg *msg, const struct kw_rule *r)
{
	struct nlattr *nest = nla_nest_start(msg, KWARDEN_A_POL_RULE);

	if (!nest ||
	    nla_put_u32(msg, KWARDEN_R_ACTION, r->action) ||
	    nla_put_u32(msg, KWARDEN_R_ID, r->line) ||
	    ((r->has & KW_RH_NAME) && nla_put_string(msg, KWARDEN_R_NAME, r->name)) ||
	    ((r->has & KW_RH_HASH) &&
	     nla_put(msg, KWARDEN_R_HASH, KW_HASH_LEN, r->hash)) ||
	    ((r->has & KW_RH_FILE_HASH) &&
	     nla_put(msg, KWARDEN_R_FILE_HASH, KW_HASH_LEN, r->file_hash)) ||
	    (r->sig && nla_put_u32(msg, KWARDEN_R_SIG, r->sig)) ||
	    (r->taints && nla_put_u32(msg, KWARDEN_R_TAINTS, r->taints)) ||
	    ((r->has & KW_RH_PATH) && nla_put_string(msg, KWARDEN_R_PATH, r->path)) ||
	    (r->reason[0] && nla_put_string(msg, KWARDEN_R_REASON, r->reason)))
		return -EMSGSIZE;
	nla_nest_end(msg, nest);
	return 0;
}

/* A blocked module as a BLOCK rule: "block: quarantined: REASON" */
static void block_rule(const struct kw_block *b, struct kw_rule *r)
{
	memset(r, 0, sizeof(*r));
	r->action = KW_RULE_BLOCK;
	r->has = KW_RH_NAME;
	snprintf(r->name, sizeof(r->name), "%s", b->name);
	snprintf(r->reason, sizeof(r->reason), "%.15s: %.46s", b->state,
		 b->reason[0] ? b->reason : b->name);
	kw_one_line(r->reason);
}

static int put_policy(struct nl_msg *msg, const void *arg)
{
	const struct push_arg *a = arg;
	struct kw_rule r;
	size_t i;

	if (nla_put_u32(msg, KWARDEN_A_POL_MODE, a->p->mode) ||
	    nla_put_u32(msg, KWARDEN_A_POL_DEFAULT, a->p->def) ||
	    nla_put_u64(msg, KWARDEN_A_POL_GEN, a->gen))
		return -EMSGSIZE;
	for (i = 0; i < a->n; i++) {
		block_rule(&a->blocks[i], &r);
		if (put_rule(msg, &r))
			return -EMSGSIZE;
	}
	for (i = 0; i < a->p->nrules; i++)
		if (put_rule(msg, &a->p->rules[i]))
			return -EMSGSIZE;
	return 0;
}

/* The policy and the blocks as one KWARDEN_CMD_POLICY; done gets the status */
int kwd_genl_push(struct kwd *d, const struct kw_policy *p,
		  const struct kw_block *blocks, size_t n, uint64_t gen,
		  kwd_kmod_done_fn *done, void *ctx)
{
	struct push_arg a = { .p = p, .blocks = blocks, .n = n, .gen = gen };
	size_t hint = (p->nrules + n) * (sizeof(struct kw_rule) + 64);

	if (p->nrules + n > KW_MAX_RULES)
		return -E2BIG;
	return kwd_genl_request_put(d, KWARDEN_CMD_POLICY, put_policy, &a,
				    hint, done, ctx);
}
