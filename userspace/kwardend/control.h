/* SPDX-License-Identifier: GPL-2.0 */
/*
 * control.c: the control socket kwardenctl talks to: requests, and the
 * followers of the alert stream.
 */
#ifndef KWD_CONTROL_H
#define KWD_CONTROL_H

#include <stdbool.h>
#include <sys/types.h>
#include <linux/kwarden.h>

struct kwd;

/* A control socket client, as SO_PEERCRED and /proc name it */
struct kwd_peer {
	int pid;
	unsigned int uid;
	char comm[KW_COMM_LEN + 1];
	char exe[KW_EXE_LEN + 1];
};

int kwd_ctl_init(struct kwd *d);
int kwd_ctl_start(struct kwd *d);
void kwd_ctl_stop(struct kwd *d);
void kwd_ctl_publish(struct kwd *d);	/* the followers' hook */
void kwd_ctl_reap(struct kwd *d);
bool kwd_ctl_other_running(const char *path, pid_t *pid);

#endif /* KWD_CONTROL_H */
