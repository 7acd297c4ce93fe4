// SPDX-License-Identifier: GPL-2.0
/*
 * kwardenctl: the modules loaded now, as the policy sees them, from
 * kwardend (`modules` with "loaded"): kwarden.ko's facts (name,
 * signature, taints, and for the modules it let in their sha256 and
 * file) when it is loaded, else /proc/modules' names and taints.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "alert.h"
#include "kwardenctl.h"
#include "policy.h"

#define LOADED_TIMEOUT_MS	30000

static bool get_hash(json_object *o, const char *key, unsigned char *out)
{
	const char *hex = kw_rec_str(o, key);

	return hex && !kw_hash_parse(hex, out);
}

static void fill(struct live_module *m, json_object *o)
{
	const char *s;

	memset(m, 0, sizeof(*m));
	snprintf(m->name, sizeof(m->name), "%s", kw_rec_str(o, "name") ?: "?");
	snprintf(m->path, sizeof(m->path), "%s", kw_rec_str(o, "path") ?: "");
	m->have_hash = get_hash(o, "sha256", m->hash);
	m->have_file_hash = get_hash(o, "file_sha256", m->file_hash);
	m->sig_ok = json_object_get_boolean(kw_rec_obj(o, "signed"));
	s = kw_rec_str(o, "taints");
	if (s && *s && kw_taints_parse(s, &m->taints))
		m->taints = 0;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct live_module *)a)->name,
		      ((const struct live_module *)b)->name);
}

int live_modules(const struct ctl *ctl, struct live_module **out, size_t *n,
		 bool *from_kwarden)
{
	struct kw_request req = { .cmd = KW_CMD_MODULES, .loaded = true };
	json_object *reply, *loaded, *mods;
	struct live_module *m;
	size_t i, k;
	int rc;

	kw_filter_init(&req.filter);
	reply = ctl_ask(ctl, &req, LOADED_TIMEOUT_MS, &rc);
	if (!reply)
		return rc;
	loaded = kw_rec_obj(reply, "loaded");
	mods = kw_rec_obj(loaded, "modules");
	if (!mods || !json_object_is_type(mods, json_type_array)) {
		fprintf(stderr, "kwardenctl: reply without 'loaded'\n");
		json_object_put(reply);
		return EXIT_TALK;
	}
	k = json_object_array_length(mods);
	m = calloc(k ? k : 1, sizeof(*m));
	if (!m) {
		json_object_put(reply);
		return EXIT_TALK;
	}
	for (i = 0; i < k; i++)
		fill(&m[i], json_object_array_get_idx(mods, i));
	*from_kwarden = !strcmp(kw_rec_str(loaded, "facts") ?: "", "kwarden.ko");
	json_object_put(reply);
	if (k)
		qsort(m, k, sizeof(*m), by_name);
	*out = m;
	*n = k;
	return 0;
}
