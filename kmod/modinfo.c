// SPDX-License-Identifier: GPL-2.0
/*
 * kwarden - what kwarden knows of every loaded module: KWARDEN_CMD_MODULE
 *
 * The gate keeps, per module it let in, how it came (path, load path,
 * hashes), what it decided and who loaded it, in a fixed table of
 * KW_MODINFO_MAX records that a module's GOING removes.  The dump walks
 * the kernel's own module list, so modules loaded before kwarden (and any
 * the table had no room for) are reported too, with verdict "none".
 */
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/vmalloc.h>
#include <net/genetlink.h>

#include "kwarden.h"

#define KW_MODINFO_MAX	1024

struct kw_modrec {
	bool used;
	char name[KW_NAME_LEN];
	u64 time_ns;
	u32 has;		/* KW_AF_HASH, KW_AF_FILE_HASH */
	u32 via, verdict, pid, uid;
	u8 hash[KW_HASH_LEN];
	u8 file_hash[KW_HASH_LEN];
	char path[KW_PATH_LEN];
	char rule[KW_RULE_LEN];
	char comm[KW_COMM_LEN];
};

static struct kw_modrec *kw_recs;
static DEFINE_MUTEX(kw_modinfo_lock);
static struct list_head *kw_mod_list;
static struct mutex *kw_mod_mutex;

static struct kw_modrec *kw_modrec_find(const char *name)
{
	int i;

	for (i = 0; i < KW_MODINFO_MAX; i++)
		if (kw_recs[i].used && !strcmp(kw_recs[i].name, name))
			return &kw_recs[i];
	return NULL;
}

/* From the gate's alert for a module it let in */
void kw_modinfo_add(const struct kw_alert *a)
{
	struct kw_modrec *r;
	int i;

	if (!kw_recs)
		return;
	mutex_lock(&kw_modinfo_lock);
	r = kw_modrec_find(a->module);
	for (i = 0; !r && i < KW_MODINFO_MAX; i++)
		if (!kw_recs[i].used)
			r = &kw_recs[i];
	if (r) {
		memset(r, 0, sizeof(*r));
		r->used = true;
		strscpy(r->name, a->module, sizeof(r->name));
		r->time_ns = a->time_ns;
		r->has = a->has & (KW_AF_HASH | KW_AF_FILE_HASH);
		r->via = a->via;
		r->verdict = a->verdict;
		r->pid = a->pid;
		r->uid = a->uid;
		memcpy(r->hash, a->hash, KW_HASH_LEN);
		memcpy(r->file_hash, a->file_hash, KW_HASH_LEN);
		strscpy(r->path, a->path, sizeof(r->path));
		strscpy(r->rule, a->rule, sizeof(r->rule));
		strscpy(r->comm, a->comm, sizeof(r->comm));
	}
	mutex_unlock(&kw_modinfo_lock);
}

void kw_modinfo_del(const char *name)
{
	struct kw_modrec *r;

	if (!kw_recs)
		return;
	mutex_lock(&kw_modinfo_lock);
	r = kw_modrec_find(name);
	if (r)
		r->used = false;
	mutex_unlock(&kw_modinfo_lock);
}

/*
 * How module @name came, as the gate saw it (path, load path, hashes):
 * false, and @out empty, if the gate did not let it in.
 */
bool kw_modinfo_load(const char *name, struct kw_load *out)
{
	struct kw_modrec *r;

	memset(out, 0, sizeof(*out));
	mutex_lock(&kw_modinfo_lock);
	r = kw_recs ? kw_modrec_find(name) : NULL;
	if (r) {
		out->has = r->has;
		out->via = r->via;
		memcpy(out->hash, r->hash, KW_HASH_LEN);
		memcpy(out->file_hash, r->file_hash, KW_HASH_LEN);
		strscpy(out->path, r->path, sizeof(out->path));
	}
	mutex_unlock(&kw_modinfo_lock);
	return r;
}

/* One module as an alert-shaped record: what the gate saw, or "none" */
static void kw_modinfo_fill(struct module *mod, struct kw_alert *a)
{
	struct kw_modrec *r;

	memset(a, 0, sizeof(*a));
	a->has = KW_AF_MODLOAD;
	strscpy(a->module, mod->name, sizeof(a->module));
#ifdef CONFIG_MODULE_SIG
	a->sig_ok = mod->sig_ok;
#endif
	a->taints = mod->taints;
	a->verdict = KW_VERDICT_NONE;
	mutex_lock(&kw_modinfo_lock);
	r = kw_recs ? kw_modrec_find(mod->name) : NULL;
	if (r) {
		a->has |= r->has | KW_AF_TASK;
		a->time_ns = r->time_ns;
		a->via = r->via;
		a->verdict = r->verdict;
		a->pid = r->pid;
		a->uid = r->uid;
		memcpy(a->hash, r->hash, KW_HASH_LEN);
		memcpy(a->file_hash, r->file_hash, KW_HASH_LEN);
		strscpy(a->path, r->path, sizeof(a->path));
		strscpy(a->rule, r->rule, sizeof(a->rule));
		strscpy(a->comm, r->comm, sizeof(a->comm));
	}
	mutex_unlock(&kw_modinfo_lock);
}

static int kw_modinfo_put(struct sk_buff *skb, struct module *mod,
			  const struct kw_alert *a)
{
	if (nla_put_string(skb, KWARDEN_A_MODULE, a->module) ||
	    (a->time_ns && nla_put_u64_64bit(skb, KWARDEN_A_TIME_NS,
					     a->time_ns, KWARDEN_A_UNSPEC)) ||
	    nla_put_u64_64bit(skb, KWARDEN_A_MOD_SIZE, kw_mod_size(mod),
			      KWARDEN_A_UNSPEC) ||
	    nla_put_u32(skb, KWARDEN_A_MOD_REFCNT, module_refcount(mod)) ||
	    nla_put_u32(skb, KWARDEN_A_MOD_EXIT, !!mod->exit) ||
	    nla_put_u32(skb, KWARDEN_A_MOD_STATE, mod->state) ||
	    nla_put_u32(skb, KWARDEN_A_COUNT, kw_fault_count(mod->name)))
		return -EMSGSIZE;
	return kw_nl_put_module_parts(skb, a);
}

/* cb->args[0]: modules of the list already sent */
int kw_modinfo_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct kw_alert *a;
	struct module *mod;
	long i = 0;
	void *hdr;

	if (!kw_mod_list || !kw_mod_mutex)
		return -ENOENT;
	a = kmalloc(sizeof(*a), GFP_KERNEL);
	if (!a)
		return -ENOMEM;
	mutex_lock(kw_mod_mutex);
	list_for_each_entry(mod, kw_mod_list, list) {
		if (mod->state == MODULE_STATE_UNFORMED || i++ < cb->args[0])
			continue;
		kw_modinfo_fill(mod, a);
		hdr = kw_nl_dump_put(skb, cb, KWARDEN_CMD_MODULE);
		if (!hdr)
			break;
		if (kw_modinfo_put(skb, mod, a)) {
			genlmsg_cancel(skb, hdr);
			break;
		}
		genlmsg_end(skb, hdr);
		cb->args[0] = i;
	}
	mutex_unlock(kw_mod_mutex);
	kfree(a);
	return skb->len;
}

int kw_modinfo_init(void)
{
	kw_mod_list = (struct list_head *)kw_lookup_name("modules");
	kw_mod_mutex = (struct mutex *)kw_lookup_name("module_mutex");
	kw_recs = vzalloc(array_size(KW_MODINFO_MAX, sizeof(*kw_recs)));
	return kw_recs ? 0 : -ENOMEM;
}

void kw_modinfo_exit(void)
{
	mutex_lock(&kw_modinfo_lock);
	vfree(kw_recs);
	kw_recs = NULL;
	mutex_unlock(&kw_modinfo_lock);
}
