/* SPDX-License-Identifier: GPL-2.0 */
/*
 * /proc/self/mountinfo: the mount ids from one mount up to the root, so
 * that the BPF guard can refuse a lazy unmount of a mount above the pins.
 */
#ifndef KW_MOUNTINFO_H
#define KW_MOUNTINFO_H

#include <stddef.h>
#include <stdint.h>

struct kw_mount {
	uint32_t id;
	char point[256];	/* mount point, truncated if longer */
};

/*
 * m[0] is the topmost mount of fstype (any if NULL) at mountpoint, m[1]
 * its parent, and so on up to the namespace's root. Returns how many were
 * stored (at most max), or -ENOENT if no such mount is listed.
 */
int kw_mount_chain(const char *text, size_t len, const char *mountpoint,
		   const char *fstype, struct kw_mount *m, int max);

#endif /* KW_MOUNTINFO_H */
