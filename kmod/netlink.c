// SPDX-License-Identifier: GPL-2.0
/*
 * kwarden - the generic netlink family "kwarden"
 *
 * Commands: STATUS and SCAN (doit), ALERT (dump of the backlog from a
 * sequence number).  Alerts are also multicast to the "alerts" group.
 * Everything here needs CAP_NET_ADMIN, and the group CAP_SYS_ADMIN: alerts
 * carry kernel addresses.
 */
#include <net/genetlink.h>

#include "kwarden.h"

/* One rule of KWARDEN_CMD_POLICY: every field bounded here */
const struct nla_policy kw_rule_nl_policy[KWARDEN_R_MAX + 1] = {
	[KWARDEN_R_ACTION]	= NLA_POLICY_MAX(NLA_U32, KW_RULE_BLOCK),
	[KWARDEN_R_NAME]	= { .type = NLA_NUL_STRING, .len = KW_NAME_LEN - 1 },
	[KWARDEN_R_HASH]	= NLA_POLICY_EXACT_LEN(KW_HASH_LEN),
	[KWARDEN_R_FILE_HASH]	= NLA_POLICY_EXACT_LEN(KW_HASH_LEN),
	[KWARDEN_R_SIG]		= NLA_POLICY_MAX(NLA_U32, KW_RULE_SIG_UNSIGNED),
	[KWARDEN_R_TAINTS]	= { .type = NLA_U32 },
	[KWARDEN_R_PATH]	= { .type = NLA_NUL_STRING, .len = KW_PATH_LEN - 1 },
	[KWARDEN_R_ID]		= { .type = NLA_U32 },
	[KWARDEN_R_REASON]	= { .type = NLA_NUL_STRING, .len = KW_REASON_LEN - 1 },
};

static const struct nla_policy kw_nl_policy[KWARDEN_A_MAX + 1] = {
	[KWARDEN_A_FROM_SEQ] = { .type = NLA_U64 },
	[KWARDEN_A_POL_MODE] = NLA_POLICY_MAX(NLA_U32, KW_POL_ENFORCE),
	[KWARDEN_A_POL_DEFAULT] = NLA_POLICY_MAX(NLA_U32, KW_RULE_DENY),
	[KWARDEN_A_POL_GEN] = { .type = NLA_U64 },
	[KWARDEN_A_POL_RULE] = NLA_POLICY_NESTED(kw_rule_nl_policy),
};

static const struct genl_multicast_group kw_nl_groups[] = {
	{ .name = KWARDEN_GENL_MCGRP, .flags = GENL_MCAST_CAP_SYS_ADMIN },
};

static struct genl_family kw_nl_family;

static int kw_nl_put_task(struct sk_buff *skb, const struct kw_alert *a)
{
	if (nla_put_u32(skb, KWARDEN_A_PID, a->pid) ||
	    nla_put_u32(skb, KWARDEN_A_UID, a->uid) ||
	    nla_put_string(skb, KWARDEN_A_COMM, a->comm))
		return -EMSGSIZE;
	return 0;
}

static int kw_nl_put_modload(struct sk_buff *skb, const struct kw_alert *a)
{
	if (nla_put_u32(skb, KWARDEN_A_SIG_OK, a->sig_ok) ||
	    nla_put_u32(skb, KWARDEN_A_TAINTS, a->taints) ||
	    nla_put_u32(skb, KWARDEN_A_VIA, a->via) ||
	    nla_put_u32(skb, KWARDEN_A_VERDICT, a->verdict) ||
	    (a->path[0] && nla_put_string(skb, KWARDEN_A_PATH, a->path)) ||
	    (a->rule[0] && nla_put_string(skb, KWARDEN_A_RULE, a->rule)))
		return -EMSGSIZE;
	return 0;
}

static int kw_nl_put_fault(struct sk_buff *skb, const struct kw_alert *a)
{
	if (nla_put_u32(skb, KWARDEN_A_FAULT, a->fault) ||
	    nla_put_u32(skb, KWARDEN_A_TAINTS_OLD, a->taints_old) ||
	    nla_put_u32(skb, KWARDEN_A_TAINTS, a->taints) ||
	    nla_put_u32(skb, KWARDEN_A_COUNT, a->count))
		return -EMSGSIZE;
	return 0;
}

/* The optional parts of an alert (KW_AF_*); also used by the MODULE dump */
int kw_nl_put_module_parts(struct sk_buff *skb, const struct kw_alert *a)
{
	if ((a->has & KW_AF_HASH) &&
	    nla_put(skb, KWARDEN_A_HASH, KW_HASH_LEN, a->hash))
		return -EMSGSIZE;
	if ((a->has & KW_AF_FILE_HASH) &&
	    nla_put(skb, KWARDEN_A_FILE_HASH, KW_HASH_LEN, a->file_hash))
		return -EMSGSIZE;
	if ((a->has & KW_AF_TASK) && kw_nl_put_task(skb, a))
		return -EMSGSIZE;
	if ((a->has & KW_AF_MODLOAD) && kw_nl_put_modload(skb, a))
		return -EMSGSIZE;
	if ((a->has & KW_AF_FAULT) && kw_nl_put_fault(skb, a))
		return -EMSGSIZE;
	return 0;
}

static int kw_nl_put_alert(struct sk_buff *skb, const struct kw_alert *a)
{
	if (nla_put_u64_64bit(skb, KWARDEN_A_SEQ, a->seq, KWARDEN_A_UNSPEC) ||
	    nla_put_u64_64bit(skb, KWARDEN_A_TIME_NS, a->time_ns,
			      KWARDEN_A_UNSPEC) ||
	    nla_put_u32(skb, KWARDEN_A_KIND, a->kind) ||
	    nla_put_u32(skb, KWARDEN_A_SEVERITY, a->severity) ||
	    nla_put_u32(skb, KWARDEN_A_ACTION, a->action) ||
	    nla_put_string(skb, KWARDEN_A_MODULE, a->module) ||
	    nla_put_string(skb, KWARDEN_A_REGION, a->region) ||
	    nla_put_u64_64bit(skb, KWARDEN_A_ADDR, a->addr, KWARDEN_A_UNSPEC) ||
	    nla_put_string(skb, KWARDEN_A_SYMBOL, a->symbol) ||
	    nla_put_u64_64bit(skb, KWARDEN_A_OFFSET, a->offset,
			      KWARDEN_A_UNSPEC) ||
	    nla_put_u32(skb, KWARDEN_A_LEN, a->len))
		return -EMSGSIZE;
	/* memory alerts: the bytes around the change */
	if (a->len && nla_put(skb, KWARDEN_A_OLD, KW_BYTES_LEN, a->old))
		return -EMSGSIZE;
	if ((a->len || (a->has & KW_AF_NEW)) &&
	    nla_put(skb, KWARDEN_A_NEW, KW_BYTES_LEN, a->new))
		return -EMSGSIZE;
	if (a->target &&
	    (nla_put_u64_64bit(skb, KWARDEN_A_TARGET, a->target,
			       KWARDEN_A_UNSPEC) ||
	     nla_put_string(skb, KWARDEN_A_TARGET_SYM, a->target_sym)))
		return -EMSGSIZE;
	if (a->slot >= 0 && nla_put_u32(skb, KWARDEN_A_SLOT, a->slot))
		return -EMSGSIZE;
	if (a->reason[0] && nla_put_string(skb, KWARDEN_A_REASON, a->reason))
		return -EMSGSIZE;
	if (a->views[0] && nla_put_string(skb, KWARDEN_A_VIEWS, a->views))
		return -EMSGSIZE;
	if (a->hook_flags[0] &&
	    nla_put_string(skb, KWARDEN_A_HOOK_FLAGS, a->hook_flags))
		return -EMSGSIZE;
	if (a->object[0] && nla_put_string(skb, KWARDEN_A_OBJECT, a->object))
		return -EMSGSIZE;
	if (a->caller[0] &&
	    (nla_put_string(skb, KWARDEN_A_CALLER, a->caller) ||
	     nla_put_string(skb, KWARDEN_A_CALLER_SYM, a->caller_sym)))
		return -EMSGSIZE;
	return kw_nl_put_module_parts(skb, a);
}

/* Called with the alert lock held, from process context. */
int kw_netlink_send_alert(const struct kw_alert *a)
{
	struct sk_buff *skb;
	void *hdr;
	int err;

	skb = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!skb)
		return -ENOMEM;
	hdr = genlmsg_put(skb, 0, 0, &kw_nl_family, 0, KWARDEN_CMD_ALERT);
	if (!hdr || kw_nl_put_alert(skb, a)) {
		nlmsg_free(skb);
		return -EMSGSIZE;
	}
	genlmsg_end(skb, hdr);
	err = genlmsg_multicast(&kw_nl_family, skb, 0, 0, GFP_KERNEL);
	return err;
}

static int kw_nl_put_status(struct sk_buff *skb)
{
	unsigned long text_start = 0, text_end = 0;
	struct kw_totals t;
	struct kw_region *r;
	struct kw_stats st;

	kw_scan_stats(&st);
	mutex_lock(&kw_region_lock);
	kw_region_totals(&t);
	r = list_first_entry_or_null(kw_regions(), struct kw_region, node);
	if (r) {
		text_start = r->start;
		text_end = r->end;
	}
	mutex_unlock(&kw_region_lock);

	if (nla_put_u32(skb, KWARDEN_A_ST_REGIONS, t.regions) ||
	    nla_put_u32(skb, KWARDEN_A_ST_PAGES, t.pages) ||
	    nla_put_u64_64bit(skb, KWARDEN_A_ST_SCANS, st.scans,
			      KWARDEN_A_UNSPEC) ||
	    nla_put_u64_64bit(skb, KWARDEN_A_ST_VIOLATIONS, st.violations,
			      KWARDEN_A_UNSPEC) ||
	    nla_put_u64_64bit(skb, KWARDEN_A_ST_ALERTS, kw_alert_last_seq(),
			      KWARDEN_A_UNSPEC) ||
	    nla_put_u64_64bit(skb, KWARDEN_A_ST_DROPS, kw_alert_drops(),
			      KWARDEN_A_UNSPEC) ||
	    nla_put_u64_64bit(skb, KWARDEN_A_ST_POKES, kw_poke_count(),
			      KWARDEN_A_UNSPEC) ||
	    nla_put_u64_64bit(skb, KWARDEN_A_ST_EXPLAINED, st.explained,
			      KWARDEN_A_UNSPEC) ||
	    nla_put_u64_64bit(skb, KWARDEN_A_ST_BASELINE_BYTES,
			      t.baseline_bytes, KWARDEN_A_UNSPEC) ||
	    nla_put_u64_64bit(skb, KWARDEN_A_ST_GOLDEN_BYTES, t.golden_bytes,
			      KWARDEN_A_UNSPEC) ||
	    nla_put_u32(skb, KWARDEN_A_ST_INTERVAL_MS, kw_interval_ms) ||
	    nla_put_u64_64bit(skb, KWARDEN_A_ST_LAST_SCAN_NS, st.last_scan_ns,
			      KWARDEN_A_UNSPEC) ||
	    nla_put_u32(skb, KWARDEN_A_ST_STATE, kw_state()) ||
	    nla_put_u64_64bit(skb, KWARDEN_A_ST_POKE_OVERFLOWS,
			      kw_poke_overflow_count(), KWARDEN_A_UNSPEC) ||
	    nla_put_u64_64bit(skb, KWARDEN_A_ST_SCAN_NS_TOTAL,
			      st.total_scan_ns, KWARDEN_A_UNSPEC) ||
	    nla_put_u64_64bit(skb, KWARDEN_A_ST_TEXT_START, text_start,
			      KWARDEN_A_UNSPEC) ||
	    nla_put_u64_64bit(skb, KWARDEN_A_ST_TEXT_END, text_end,
			      KWARDEN_A_UNSPEC) ||
	    nla_put_u64_64bit(skb, KWARDEN_A_ST_FAULTS, kw_fault_total(),
			      KWARDEN_A_UNSPEC) ||
	    nla_put_u64_64bit(skb, KWARDEN_A_ST_FAULT_DROPS, kw_fault_drops(),
			      KWARDEN_A_UNSPEC))
		return -EMSGSIZE;
	return kw_policy_put_status(skb);
}

static int kw_nl_reply_status(struct genl_info *info, u8 cmd)
{
	struct sk_buff *skb;
	void *hdr;

	skb = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!skb)
		return -ENOMEM;
	hdr = genlmsg_put_reply(skb, info, &kw_nl_family, 0, cmd);
	if (!hdr || kw_nl_put_status(skb)) {
		nlmsg_free(skb);
		return -EMSGSIZE;
	}
	genlmsg_end(skb, hdr);
	return genlmsg_reply(skb, info);
}

static int kw_nl_status(struct sk_buff *skb, struct genl_info *info)
{
	return kw_nl_reply_status(info, KWARDEN_CMD_STATUS);
}

static int kw_nl_scan(struct sk_buff *skb, struct genl_info *info)
{
	kw_scan_now();
	return kw_nl_reply_status(info, KWARDEN_CMD_SCAN);
}

/* Replace the module-load policy; the reply is the new status */
static int kw_nl_set_policy(struct sk_buff *skb, struct genl_info *info)
{
	int err = kw_policy_set(info);

	return err ? err : kw_nl_reply_status(info, KWARDEN_CMD_POLICY);
}

/* A message of a dump, for the dumpit callbacks of other files */
void *kw_nl_dump_put(struct sk_buff *skb, struct netlink_callback *cb, u8 cmd)
{
	return genlmsg_put(skb, NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq,
			   &kw_nl_family, NLM_F_MULTI, cmd);
}

/* Dump the backlog; cb->args[0] holds the next sequence number wanted. */
static int kw_nl_dump_alerts(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct nlattr **attrs = kw_nl_dump_attrs(cb);
	struct kw_alert a;
	void *hdr;

	if (!cb->args[0]) {
		cb->args[0] = 1;
		if (attrs[KWARDEN_A_FROM_SEQ])
			cb->args[0] = nla_get_u64(attrs[KWARDEN_A_FROM_SEQ]);
	}
	while (!kw_alert_copy_from(cb->args[0], &a)) {
		hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid,
				  cb->nlh->nlmsg_seq, &kw_nl_family,
				  NLM_F_MULTI, KWARDEN_CMD_ALERT);
		if (!hdr)
			break;
		if (kw_nl_put_alert(skb, &a)) {
			genlmsg_cancel(skb, hdr);
			break;
		}
		genlmsg_end(skb, hdr);
		cb->args[0] = a.seq + 1;
	}
	return skb->len;
}

static const struct genl_small_ops kw_nl_ops[] = {
	{
		.cmd = KWARDEN_CMD_STATUS,
		.doit = kw_nl_status,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = KWARDEN_CMD_SCAN,
		.doit = kw_nl_scan,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = KWARDEN_CMD_ALERT,
		.dumpit = kw_nl_dump_alerts,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = KWARDEN_CMD_POLICY,
		.doit = kw_nl_set_policy,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = KWARDEN_CMD_MODULE,
		.dumpit = kw_modinfo_dump,
		.flags = GENL_ADMIN_PERM,
	},
};

static struct genl_family kw_nl_family __ro_after_init = {
	.name = KWARDEN_GENL_NAME,
	.version = KWARDEN_GENL_VERSION,
	.maxattr = KWARDEN_A_MAX,
	.policy = kw_nl_policy,
	.module = THIS_MODULE,
	.small_ops = kw_nl_ops,
	.n_small_ops = ARRAY_SIZE(kw_nl_ops),
	.resv_start_op = KWARDEN_CMD_ALERT + 1,
	.mcgrps = kw_nl_groups,
	.n_mcgrps = ARRAY_SIZE(kw_nl_groups),
};

int kw_netlink_init(void)
{
	return genl_register_family(&kw_nl_family);
}

void kw_netlink_exit(void)
{
	genl_unregister_family(&kw_nl_family);
}
