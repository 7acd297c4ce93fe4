#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=dash
#
# degraded_guest.sh - kwarden.ko's self-checks (tools/vm/boot-tests), in a
# VM booted with kwarden.test_faults=1. Breaks what the self-check named
# by $FAULT (default kprobe) looks at, through the test-only debugfs knob,
# and checks that kwarden.ko turns itself off: one kwarden_degraded alert
# naming the check, state "degraded", no more scans, its kprobe gone, and
# nothing detected, restored or denied afterwards: a quarantined module
# that the gate denied before loads after.
#
# Each check prints "ok - ..." or "not ok - ..."; the host counts them.
#
# shellcheck disable=SC2317 # degraded_alert is called through wait_for

FAULT=${FAULT:-kprobe}
knob=/sys/kernel/debug/kwarden/inject_fault
mods=/opt/kwarden/selftests/modules
failed=0

ok()
{
	echo "ok - $*"
}

notok()
{
	echo "not ok - $*"
	failed=1
}

check()
{
	local what=$1

	shift
	if "$@"; then
		ok "$what"
	else
		notok "$what"
	fi
}

status()
{
	kwardenctl --json status > /tmp/status 2> /dev/null
}

# The kmod's value of "KEY":VALUE in the last status
field()
{
	sed -n "s/.*\"kmod\":{[^}]*\"$1\":\"\\{0,1\\}\\([^,\"}]*\\).*/\\1/p" /tmp/status
}

degraded_alert()
{
	kwardenctl --json alerts --kind kwarden_degraded 2> /dev/null |
		grep '"source":"kmod"' > /tmp/degraded
	[ -s /tmp/degraded ]
}

wait_for()
{
	local i=0

	while [ "$i" -lt 40 ]; do
		"$@" && return 0
		sleep 0.5
		i=$((i + 1))
	done
	return 1
}

status
echo "# fault: $FAULT; before: state $(field state), scans $(field scans)"
check "state active before" [ "$(field state)" = active ]
check "the test-only knob exists (kwarden.test_faults=1)" [ -e $knob ]
check "the text-poke kprobe is registered" grep -q text_poke /sys/kernel/debug/kprobes/list
check "the knob refuses an unknown check" sh -c "! echo nonsense > $knob 2> /dev/null"

# A module the gate must deny while kwarden.ko is sound: quarantined, so
# pushed to kwarden.ko as a BLOCK rule (the push is asynchronous)
kwardenctl quarantine kw_dummy --reason "degraded_guest.sh" > /tmp/q 2>&1
denied()
{
	if insmod "$mods/kw_dummy.ko" 2> /dev/null; then
		rmmod kw_dummy
		return 1
	fi
}
check "a quarantined module is denied while kwarden.ko is sound" wait_for denied

echo "$FAULT" > $knob
check "kwarden_degraded alert from kwarden.ko" wait_for degraded_alert
sed 's/^/# /' /tmp/degraded
check "it names the check '$FAULT'" grep -q "\"check\":\"$FAULT\"" /tmp/degraded
check "its message says it turned itself off" grep -q 'turned itself off' /tmp/degraded
check "it says why (detail.reason)" grep -q '"reason":"[^"]' /tmp/degraded
check "exactly one" [ "$(wc -l < /tmp/degraded)" = 1 ]
check "the console says why" sh -c "dmesg | grep -q \"kwarden: invariant '$FAULT' failed\""

status
check "state degraded" [ "$(field state)" = degraded ]
scans=$(field scans)
sleep 2
kwardenctl scan > /dev/null 2>&1
status
check "no more verification passes ($scans)" [ "$(field scans)" = "$scans" ]
check "the text-poke kprobe is unregistered" sh -c '! grep -q text_poke /sys/kernel/debug/kprobes/list'

# Nothing is detected, restored or denied any more
before=$(kwardenctl --json alerts 2> /dev/null | grep -c '"source":"kmod"')
check "the quarantined module now loads: nothing is denied" insmod $mods/kw_dummy.ko
rmmod kw_dummy 2> /dev/null
kwardenctl --json alerts --kind module_load --module kw_dummy 2> /dev/null |
	grep '"source":"kmod"' | tail -n 1 > /tmp/load
sed 's/^/# /' /tmp/load
check "its load says would_deny, kwarden degraded" \
	grep -q '"verdict":"would_deny".*kwarden degraded' /tmp/load
check "a rootkit's write to sys_call_table goes through" insmod $mods/kw_rootkit_data.ko
sleep 3
after=$(kwardenctl --json alerts 2> /dev/null | grep -c '"source":"kmod"')
kwardenctl --json alerts --kind syscall_table_modified > /tmp/sct 2> /dev/null
check "and nothing reports it: kwarden.ko is off" [ ! -s /tmp/sct ]
check "no new kmod alert but module loads ($before -> $after)" \
	[ "$after" -le "$((before + 2))" ]
rmmod kw_rootkit_data 2> /dev/null
echo "# after: $(kwardenctl status 2> /dev/null | grep -i state)"
exit $failed
