// SPDX-License-Identifier: GPL-2.0
/*
 * The modules loaded now, as the module-load policy sees them. From
 * kwarden.ko's KWARDEN_CMD_MODULE dump (name, signature, taints, and for
 * the modules it let in their sha256, file sha256, path and verdict) when
 * it is loaded; else from /proc/modules and /sys/module/NAME/taint, with
 * no hashes. The dump runs on a socket of its own, closed at once, with a
 * receive timeout: kwarden.ko answers from memory, under module_mutex.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include "bpf_alert.h"
#include "kwd.h"
#include "genl.h"
#include "modlist.h"
#include "names.h"
#include "policy.h"
#include "procmods.h"
#include "sha256.h"

#define MODLIST_MAX		65536
#define DUMP_TIMEOUT_S		5

static struct nla_policy mod_policy[KWARDEN_A_MAX + 1] = {
	[KWARDEN_A_MODULE]	= { .type = NLA_STRING },
	[KWARDEN_A_HASH]	= { .type = NLA_UNSPEC, .minlen = KW_HASH_LEN },
	[KWARDEN_A_FILE_HASH]	= { .type = NLA_UNSPEC, .minlen = KW_HASH_LEN },
	[KWARDEN_A_PATH]	= { .type = NLA_STRING },
	[KWARDEN_A_SIG_OK]	= { .type = NLA_U32 },
	[KWARDEN_A_TAINTS]	= { .type = NLA_U32 },
	[KWARDEN_A_VERDICT]	= { .type = NLA_U32 },
};

struct dump {
	int family;
	json_object *mods;
	bool done;
	int err;
};

static void add_hash(json_object *o, const char *key, struct nlattr *a)
{
	char hex[KW_SHA256_HEX_LEN + 1];

	if (!a)
		return;
	kw_sha256_hex(nla_data(a), hex);
	json_object_object_add(o, key, json_object_new_string(hex));
}

static void add_taints(json_object *o, unsigned int mask)
{
	char letters[40];

	kw_taint_letters(mask, letters, sizeof(letters));
	if (letters[0])
		json_object_object_add(o, "taints", json_object_new_string(letters));
}

/* Only the kernel may answer: another process can send to our port */
static int from_kernel(struct nl_msg *msg, void *arg)
{
	struct sockaddr_nl *src = nlmsg_get_src(msg);

	return src->nl_family == AF_NETLINK && !src->nl_pid ? NL_OK : NL_SKIP;
}

static int on_module(struct nl_msg *msg, void *arg)
{
	struct nlattr *tb[KWARDEN_A_MAX + 1];
	struct dump *dp = arg;
	json_object *o;
	const char *v;

	if (nlmsg_hdr(msg)->nlmsg_type != dp->family ||
	    genlmsg_parse(nlmsg_hdr(msg), 0, tb, KWARDEN_A_MAX, mod_policy) ||
	    !tb[KWARDEN_A_MODULE])
		return NL_SKIP;
	if (json_object_array_length(dp->mods) >= MODLIST_MAX) {
		dp->err = -E2BIG;
		return NL_STOP;
	}
	o = json_object_new_object();
	json_object_object_add(o, "name", json_object_new_string(
		nla_get_string(tb[KWARDEN_A_MODULE])));
	add_hash(o, "sha256", tb[KWARDEN_A_HASH]);
	add_hash(o, "file_sha256", tb[KWARDEN_A_FILE_HASH]);
	if (tb[KWARDEN_A_PATH])
		json_object_object_add(o, "path", json_object_new_string(
			nla_get_string(tb[KWARDEN_A_PATH])));
	json_object_object_add(o, "signed", json_object_new_boolean(
		tb[KWARDEN_A_SIG_OK] && nla_get_u32(tb[KWARDEN_A_SIG_OK])));
	if (tb[KWARDEN_A_TAINTS])
		add_taints(o, nla_get_u32(tb[KWARDEN_A_TAINTS]));
	v = tb[KWARDEN_A_VERDICT] ?
		kw_verdict_name(nla_get_u32(tb[KWARDEN_A_VERDICT])) : NULL;
	if (v)
		json_object_object_add(o, "verdict", json_object_new_string(v));
	json_object_array_add(dp->mods, o);
	return NL_OK;
}

static int on_finish(struct nl_msg *msg, void *arg)
{
	((struct dump *)arg)->done = true;
	return NL_STOP;
}

static int on_error(struct sockaddr_nl *nla, struct nlmsgerr *e, void *arg)
{
	((struct dump *)arg)->err = e->error ? e->error : -EIO;
	return NL_STOP;
}

static void callbacks(struct nl_sock *sk, struct dump *dp)
{
	nl_socket_modify_cb(sk, NL_CB_MSG_IN, NL_CB_CUSTOM, from_kernel, NULL);
	nl_socket_modify_cb(sk, NL_CB_VALID, NL_CB_CUSTOM, on_module, dp);
	nl_socket_modify_cb(sk, NL_CB_FINISH, NL_CB_CUSTOM, on_finish, dp);
	nl_socket_modify_err_cb(sk, NL_CB_CUSTOM, on_error, dp);
}

/* 0 with every module in dp->mods, or -errno */
static int from_kmod(struct dump *dp)
{
	struct timeval tv = { .tv_sec = DUMP_TIMEOUT_S };
	struct nl_sock *sk = nl_socket_alloc();
	int err = -ENOENT;

	if (!sk)
		return -ENOMEM;
	if (genl_connect(sk) ||
	    setsockopt(nl_socket_get_fd(sk), SOL_SOCKET, SO_RCVTIMEO, &tv,
		       sizeof(tv)))
		goto out;
	dp->family = genl_ctrl_resolve(sk, KWARDEN_GENL_NAME);
	if (dp->family < 0)
		goto out;
	callbacks(sk, dp);
	err = genl_send_simple(sk, dp->family, KWARDEN_CMD_MODULE,
			       KWARDEN_GENL_VERSION, NLM_F_DUMP);
	while (err >= 0 && !dp->done && !dp->err)
		err = nl_recvmsgs_default(sk);
	err = dp->err ? dp->err : err < 0 || !dp->done ? -EIO : 0;
out:
	nl_socket_free(sk);
	return err;
}

/* /sys/module/NAME/taint, else the letters /proc/modules shows */
static void sys_taints(json_object *o, const struct kw_procmod *m)
{
	char path[128], letters[40] = "";
	unsigned int mask;
	FILE *f;

	snprintf(path, sizeof(path), "/sys/module/%s/taint", m->name);
	f = fopen(path, "re");
	if (f && fgets(letters, sizeof(letters), f))
		letters[strcspn(letters, "\n")] = '\0';
	else
		snprintf(letters, sizeof(letters), "%s", m->taints);
	if (f)
		fclose(f);
	if (letters[0] && !kw_taints_parse(letters, &mask))
		add_taints(o, mask);
}

static int from_proc(json_object *mods)
{
	struct kw_procmods it;
	struct kw_procmod m;
	json_object *o;
	int err = kw_procmods_open(&it, NULL);

	while (!err && kw_procmods_next(&it, &m)) {
		if (json_object_array_length(mods) >= MODLIST_MAX)
			break;
		o = json_object_new_object();
		json_object_object_add(o, "name", json_object_new_string(m.name));
		sys_taints(o, &m);
		json_object_array_add(mods, o);
	}
	kw_procmods_close(&it);
	return err;
}

/* NULL if neither kwarden.ko nor /proc/modules could be read */
json_object *kwd_modlist(struct kwd *d)
{
	struct dump dp = { .family = -1, .mods = json_object_new_array() };
	bool kmod = kwd_genl_present(d) && !from_kmod(&dp);
	json_object *o;

	if (!kmod) {
		json_object_put(dp.mods);
		dp.mods = json_object_new_array();
		if (from_proc(dp.mods)) {
			json_object_put(dp.mods);
			return NULL;
		}
	}
	o = json_object_new_object();
	json_object_object_add(o, "facts", json_object_new_string(
		kmod ? "kwarden.ko" : "/proc/modules"));
	json_object_object_add(o, "modules", dp.mods);
	return o;
}
