/* SPDX-License-Identifier: GPL-2.0 */
/*
 * /proc/modules, parsed in one place: one line per loaded module,
 * "NAME SIZE REFCNT USED_BY STATE ADDR [(TAINTS)]", newest first.
 */
#ifndef KW_PROCMODS_H
#define KW_PROCMODS_H

#include <stdio.h>
#include <linux/kwarden.h>

#define KW_PROCMODS_PATH	"/proc/modules"

struct kw_procmod {
	char name[KW_NAME_LEN];
	unsigned long long size;
	long refcnt;
	char used_by[512];	/* "a,b" ("-" and the last comma dropped) */
	char state[16];		/* Live, Loading, Unloading */
	char taints[16];	/* letters without the parentheses, or "" */
};

/* One line (with or without its newline): 0, or -EINVAL if not a module */
int kw_procmod_parse(const char *line, struct kw_procmod *m);

struct kw_procmods {
	FILE *f;
	char *line;
	size_t cap;
};

/* path NULL: /proc/modules. 0 or -errno */
int kw_procmods_open(struct kw_procmods *it, const char *path);
/* 1 with the next module in *m, 0 at the end; lines not parsed are skipped */
int kw_procmods_next(struct kw_procmods *it, struct kw_procmod *m);
void kw_procmods_close(struct kw_procmods *it);

/* The line of name: 0, -ENOENT, or -errno if the file cannot be read */
int kw_procmod_find(const char *path, const char *name, struct kw_procmod *m);

#endif /* KW_PROCMODS_H */
