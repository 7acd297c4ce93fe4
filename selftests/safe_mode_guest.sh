#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# safe_mode_guest.sh - runs inside a VM booted with kwarden.safe_mode=1, or
# with safe_mode = yes in kwarden.conf (tools/vm/mode-tests): kwarden
# reports attacks but changes nothing, even for a kind it is told to
# restore, the guard lets a tampering write through, and the module gate
# under an enforce policy lets a module in that it would deny, reporting
# "would_deny".  Prints KTAP.
MODS=/opt/kwarden/selftests/modules
n=0
fail=0

check()
{
	n=$((n + 1))
	if [ "$1" = 0 ]; then echo "ok $n $2"; else echo "not ok $n $2"; fail=1; fi
}

echo "TAP version 13"
echo "1..11"
kwardenctl --json status | grep -q '"state":"safe_mode"'
check $? "status says safe_mode"
kwardenctl --json alerts --kind safe_mode | grep -q '"kind":"safe_mode"'
check $? "a safe_mode alert was raised"
kwardenctl --json status | grep -q '"mode":"observe"'
check $? "the self-protection guard observes only"

echo kernel_rodata_modified > /sys/module/kwarden/parameters/restore
before=$(cat /proc/version)
insmod $MODS/kw_rootkit_data.ko target=linux_proc_banner offset=3 what=byte
i=0
until kwardenctl --json alerts --kind kernel_rodata_modified | grep -q logged; do
	i=$((i + 1))
	[ $i -gt 100 ] && break
	sleep 0.2
done
check $([ $i -le 100 ]; echo $?) "the attack is reported, action logged"
sleep 2
after=$(cat /proc/version)
check $([ "$before" != "$after" ]; echo $?) "nothing was restored"
rmmod kw_rootkit_data

echo "# kwarden safe-mode test" >> /etc/kwarden/kwarden.conf
check $? "a write to kwarden's config is let through"
i=0
until kwardenctl --json alerts --kind tamper_attempt | grep -q '"action":"logged"'; do
	i=$((i + 1))
	[ $i -gt 100 ] && break
	sleep 0.2
done
check $([ $i -le 100 ]; echo $?) "and reported as tamper_attempt, action logged"

kwardenctl policy learn -o /tmp/learned > /dev/null 2>&1 &&
	sed 's/^mode audit/mode enforce/' /tmp/learned > /tmp/enforce &&
	kwardenctl policy apply --now /tmp/enforce > /dev/null &&
	insmod $MODS/kw_dummy.ko
check $? "an enforce policy that denies kw_dummy lets it load"
rmmod kw_dummy 2> /dev/null
i=0
until kwardenctl --json alerts --kind module_load --module kw_dummy |
	grep '"verdict":"would_deny"' | grep -q 'safe mode'; do
	i=$((i + 1))
	[ $i -gt 100 ] && break
	sleep 0.2
done
check $([ $i -le 100 ]; echo $?) "and reports it: module_load, verdict would_deny, safe mode"

# dangerous_interfaces = enforce (mode-tests sets it in the second run):
# safe mode still lets /dev/mem be opened for write, and reports it
exec 3<> /dev/mem
check $? "/dev/mem opens for write"
exec 3>&-
i=0
until kwardenctl --json alerts --kind dangerous_interface | grep -q '"action":"logged"'; do
	i=$((i + 1))
	[ $i -gt 100 ] && break
	sleep 0.2
done
check $([ $i -le 100 ]; echo $?) "and reported as dangerous_interface, action logged"
exit $fail
