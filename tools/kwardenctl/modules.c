// SPDX-License-Identifier: GPL-2.0
/*
 * kwardenctl: the modules loaded now, as the policy sees them. From
 * kwarden.ko's MODULE dump (name, signature, taints, and for the modules
 * it let in their sha256 and file) when it is loaded; else from
 * /proc/modules and /sys/module/NAME/taint, with no hashes.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include "kwardenctl.h"
#include "policy.h"

static struct nla_policy mod_policy[KWARDEN_A_MAX + 1] = {
	[KWARDEN_A_MODULE]	= { .type = NLA_STRING },
	[KWARDEN_A_HASH]	= { .type = NLA_UNSPEC, .minlen = KW_HASH_LEN },
	[KWARDEN_A_FILE_HASH]	= { .type = NLA_UNSPEC, .minlen = KW_HASH_LEN },
	[KWARDEN_A_PATH]	= { .type = NLA_STRING },
	[KWARDEN_A_SIG_OK]	= { .type = NLA_U32 },
	[KWARDEN_A_TAINTS]	= { .type = NLA_U32 },
	[KWARDEN_A_VERDICT]	= { .type = NLA_U32 },
};

struct mods {
	struct live_module *m;
	size_t n;
	int err;
};

static struct live_module *grow(struct mods *ms)
{
	struct live_module *m;

	if (ms->n >= 65536)
		return NULL;
	m = realloc(ms->m, (ms->n + 1) * sizeof(*m));
	if (!m)
		return NULL;
	ms->m = m;
	m = &ms->m[ms->n++];
	memset(m, 0, sizeof(*m));
	return m;
}

static int on_module(struct nl_msg *msg, void *arg)
{
	struct nlattr *tb[KWARDEN_A_MAX + 1];
	struct mods *ms = arg;
	struct live_module *m;

	if (genlmsg_parse(nlmsg_hdr(msg), 0, tb, KWARDEN_A_MAX, mod_policy) ||
	    !tb[KWARDEN_A_MODULE])
		return NL_SKIP;
	m = grow(ms);
	if (!m) {
		ms->err = -ENOMEM;
		return NL_STOP;
	}
	snprintf(m->name, sizeof(m->name), "%s", nla_get_string(tb[KWARDEN_A_MODULE]));
	if (tb[KWARDEN_A_PATH])
		snprintf(m->path, sizeof(m->path), "%s",
			 nla_get_string(tb[KWARDEN_A_PATH]));
	if (tb[KWARDEN_A_HASH]) {
		memcpy(m->hash, nla_data(tb[KWARDEN_A_HASH]), KW_HASH_LEN);
		m->have_hash = true;
	}
	if (tb[KWARDEN_A_FILE_HASH]) {
		memcpy(m->file_hash, nla_data(tb[KWARDEN_A_FILE_HASH]),
		       KW_HASH_LEN);
		m->have_file_hash = true;
	}
	m->sig_ok = tb[KWARDEN_A_SIG_OK] && nla_get_u32(tb[KWARDEN_A_SIG_OK]);
	m->taints = tb[KWARDEN_A_TAINTS] ? nla_get_u32(tb[KWARDEN_A_TAINTS]) : 0;
	return NL_OK;
}

static int from_kmod(struct mods *ms)
{
	struct nl_sock *sk = nl_socket_alloc();
	int family, err = -ENOENT;

	if (!sk)
		return -ENOMEM;
	if (genl_connect(sk))
		goto out;
	family = genl_ctrl_resolve(sk, KWARDEN_GENL_NAME);
	if (family < 0)
		goto out;
	nl_socket_modify_cb(sk, NL_CB_VALID, NL_CB_CUSTOM, on_module, ms);
	err = genl_send_simple(sk, family, KWARDEN_CMD_MODULE,
			       KWARDEN_GENL_VERSION, NLM_F_DUMP);
	if (err >= 0)
		err = nl_recvmsgs_default(sk);
	err = err < 0 ? -EIO : ms->err;
out:
	nl_socket_free(sk);
	return err;
}

static void sys_taints(struct live_module *m)
{
	char path[128], letters[40] = "";
	FILE *f;

	snprintf(path, sizeof(path), "/sys/module/%s/taint", m->name);
	f = fopen(path, "re");
	if (!f)
		return;
	if (fgets(letters, sizeof(letters), f)) {
		letters[strcspn(letters, "\n")] = '\0';
		if (letters[0])
			kw_taints_parse(letters, &m->taints);
	}
	fclose(f);
}

static int from_proc(struct mods *ms)
{
	FILE *f = fopen("/proc/modules", "re");
	char line[512], name[KW_NAME_LEN];
	struct live_module *m;

	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%55s", name) != 1)
			continue;
		m = grow(ms);
		if (!m) {
			fclose(f);
			return -ENOMEM;
		}
		snprintf(m->name, sizeof(m->name), "%s", name);
		sys_taints(m);
	}
	fclose(f);
	return 0;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct live_module *)a)->name,
		      ((const struct live_module *)b)->name);
}

int live_modules(struct live_module **out, size_t *n, bool *from_kwarden)
{
	struct mods ms = {};
	int err = from_kmod(&ms);

	*from_kwarden = !err;
	if (err) {
		free(ms.m);
		memset(&ms, 0, sizeof(ms));
		err = from_proc(&ms);
	}
	if (err) {
		free(ms.m);
		return err;
	}
	if (ms.n)
		qsort(ms.m, ms.n, sizeof(*ms.m), by_name);
	*out = ms.m;
	*n = ms.n;
	return 0;
}
