#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# attack.sh - runs inside the demo VM, as root, with kwarden running.
MODS=/opt/kwarden/selftests/modules

say()
{
	printf '\n==> %s\n' "$*"
}

# wait_alert KIND: up to 30 s for an alert of KIND in the journal
wait_alert()
{
	i=0
	while [ $i -lt 60 ]; do
		[ -n "$(kwardenctl --json alerts --kind "$1")" ] && return 0
		sleep 0.5
		i=$((i + 1))
	done
	return 1
}

say "kwarden is running"
kwardenctl status

say "an ordinary module load: modprobe dummy"
modprobe dummy && echo "dummy loaded"

say "a rootkit hooks __x64_sys_acct: 5-byte jmp written through a vmap alias"
insmod $MODS/kw_rootkit_text.ko target=__x64_sys_acct mode=alias
wait_alert kernel_text_modified || echo "no kernel_text_modified alert!"
wait_alert module_load || echo "no module_load alert!"

say "kwardenctl alerts"
kwardenctl alerts

say "kwardenctl alerts --json --kind kernel_text_modified"
kwardenctl --json alerts --kind kernel_text_modified

say "kwardenctl status, after the attack"
kwardenctl status
rmmod kw_rootkit_text
kwardenctl --json alerts --kind kernel_text_modified | grep -q __x64_sys_acct
