// SPDX-License-Identifier: GPL-2.0
/*
 * dangerous_interfaces (kwarden.conf): the mode of bpf/danger.bpf.c, with
 * safe mode and where kwarden.ko's code lies (probes on it are reported),
 * written to its danger_conf map at every start.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>
#include <bpf/bpf.h>
#include "kwardend.h"
#include "names.h"

#define KALLSYMS_MAX_LINES	(4 << 20)	/* bounded read */

static struct kw_danger_conf the_conf;
static bool configured;

/* Lowest and highest text symbol of [kwarden] in /proc/kallsyms */
static void kwarden_text(__u64 *lo, __u64 *hi)
{
	FILE *f = fopen("/proc/kallsyms", "re");
	char line[512], type;
	unsigned long long addr;
	unsigned long n = 0;

	*lo = *hi = 0;
	if (!f)
		return;
	while (fgets(line, sizeof(line), f) && n++ < KALLSYMS_MAX_LINES) {
		if (!strstr(line, "\t[kwarden]") ||
		    sscanf(line, "%llx %c", &addr, &type) != 2 ||
		    (type != 't' && type != 'T') || !addr)
			continue;
		if (!*lo || addr < *lo)
			*lo = addr;
		if (addr > *hi)
			*hi = addr;
	}
	fclose(f);
}

void kwd_danger_configure(struct kwd *d, int conf_fd)
{
	struct kw_danger_conf *c = &the_conf;
	uint32_t zero = 0;

	memset(c, 0, sizeof(*c));
	c->mode = d->cfg.danger_mode;
	c->observe = d->cfg.safe_mode || kwd_safe_mode();
	kwarden_text(&c->text_lo, &c->text_hi);
	if (bpf_map_update_elem(conf_fd, &zero, c, BPF_ANY)) {
		kwd_log(LOG_ERR, "dangerous interfaces: writing the mode failed: %s",
			strerror(errno));
		return;
	}
	configured = true;
	kwd_log(LOG_INFO, "dangerous interfaces: %s%s",
		kw_pol_mode_name(c->mode) ?: "?",
		c->observe && c->mode == KW_POL_ENFORCE ?
		" (safe mode: report only)" : "");
}

json_object *kwd_danger_status(struct kwd *d)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "mode", json_object_new_string(
		configured ? kw_pol_mode_name(the_conf.mode) ?: "?" : "unset"));
	json_object_object_add(o, "observe",
			       json_object_new_boolean(the_conf.observe));
	json_object_object_add(o, "kwarden_text_known",
			       json_object_new_boolean(!!the_conf.text_lo));
	return o;
}
