#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=dash
#
# boot_health_guest.sh - the guest half of the crash-loop test
# (tools/vm/boot-tests). It runs on every boot that gets this far, in one
# QEMU that reboots (tools/vm/run --reboot --pstore --disk), and keeps its
# phase on the disk. Boots, with quarantine_after = 2:
#
#   A  fresh disk: arm kw_panic as a boot module (modules-load.conf), wait
#      until the boot is healthy, reboot
#   B  kw_panic panics at boot                       (no script)
#   C  kwardend: B unhealthy, kw_panic 1 of 2; kw_panic panics again
#   D  kwardend: C unhealthy, 2 of 2: kw_panic quarantined, its boot load
#      skipped; check the alerts and the evidence, try insmod, wait until
#      healthy, release it, arm it once more (how=oops, once), reboot
#   E  kw_panic oopses at boot: it was the culprit   (no script)
#   F  kwardend: E unhealthy, attributed to kw_panic by the oops, 1 of 2
#      again (the release restarted the count); check, done
#
# Each check prints "ok - ..." or "not ok - ..."; the host counts them.
# Nothing is skipped: a gate that holds no rule, or lets the quarantined
# module in, fails.

state=/var/lib/kwarden/kwvm
phase=$(cat "$state/phase" 2> /dev/null || echo A)
boot_id=$(cat /proc/sys/kernel/random/boot_id)
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

# The boot is healthy once kwardend wrote so in its record
wait_healthy()
{
	local i=0

	while [ $i -lt 60 ]; do
		grep -q '^healthy ' "/var/lib/kwarden/boots/$boot_id" 2> /dev/null &&
			return 0
		sleep 0.5
		i=$((i + 1))
	done
	return 1
}

next_boot()
{
	echo "$1" > "$state/phase"
	sync
	echo "# phase $phase done, rebooting into phase $1"
	reboot -f
	sleep 30
}

# Alerts of kind $1 into /tmp/$1, one JSON object a line
alerts()
{
	kwardenctl --json alerts --kind "$1" > "/tmp/$1" 2> /dev/null
}

count()
{
	grep -c -- "$1" "$2"
}

echo "# boot $boot_id, phase $phase, uptime $(cut -d' ' -f1 /proc/uptime)"
case "$phase" in
A)
	echo kw_panic > "$state/modules-load.conf"
	check "boot A became healthy" wait_healthy
	[ $failed = 0 ] || exit 1
	next_boot D
	;;
D)
	alerts module_quarantined
	alerts boot_unhealthy
	q=/tmp/module_quarantined
	sed 's/^/# /' "$q"
	check "one module_quarantined alert" [ "$(count '"kind":"module_quarantined"' $q)" = 1 ]
	check "it names kw_panic, action quarantined" \
		grep -q '"module":"kw_panic","action":"quarantined"' $q
	check "its evidence is kwarden.ko's panic line" \
		grep -q 'kwarden: panic in module kw_panic (stack: kw_panic_init' $q
	check "its evidence covers 2 boots" grep -q '"count":2' $q
	check "two boot_unhealthy alerts, both kw_panic" \
		[ "$(count '"module":"kw_panic"' /tmp/boot_unhealthy)" = 2 ]
	check "blocklist entry: quarantined" \
		grep -q '^state=quarantined' /var/lib/kwarden/blocked/kw_panic
	check "modprobe.d mirror blacklists it" \
		grep -q '^blacklist kw_panic' /etc/modprobe.d/kwarden-blocked.conf
	check "the boot load was skipped" \
		grep -q 'boot module kw_panic: deny-listed' /tmp/kwvm-init.log
	check "kw_panic is not loaded" sh -c '! grep -q "^kw_panic " /proc/modules'
	# The kmod gate (BLOCK rules) denies even a direct insmod: kwardend
	# pushed the blocks; how=none keeps the machine up if it does not.
	rules=$(kwardenctl --json status | sed -n 's/.*"policy_rules":\([0-9]*\).*/\1/p')
	check "kwarden.ko's module gate holds the block (${rules:-no} rules)" \
		[ "${rules:-0}" -gt 0 ]
	if insmod /opt/kwarden/selftests/modules/kw_panic.ko how=none 2> /tmp/err; then
		rmmod kw_panic
		notok "insmod of the quarantined module denied: kwarden.ko let it load"
	else
		ok "insmod of the quarantined module denied: $(cat /tmp/err)"
	fi
	check "boot D became healthy" wait_healthy
	check "kwardenctl release kw_panic" kwardenctl release kw_panic
	check "release removed the blocklist entry" [ ! -e /var/lib/kwarden/blocked/kw_panic ]
	rm -f "$state/modules-load.conf"
	echo "kw_panic how=oops" > "$state/modules-load.once"
	[ $failed = 0 ] || exit 1
	next_boot F
	;;
F)
	alerts boot_unhealthy
	alerts module_quarantined
	tail -n 1 /tmp/boot_unhealthy > /tmp/last
	sed 's/^/# /' /tmp/last
	check "three boot_unhealthy alerts, all kw_panic" \
		[ "$(count '"module":"kw_panic"' /tmp/boot_unhealthy)" = 3 ]
	check "the last one was an oops at kw_panic's own code" \
		grep -q 'kwarden: oops in module kw_panic (ip: kw_panic_crash' /tmp/last
	check "no second quarantine (release restarted the count)" \
		[ "$(count kw_panic /tmp/module_quarantined)" = 1 ]
	check "kw_panic not blocked" [ ! -e /var/lib/kwarden/blocked/kw_panic ]
	check "status: previous boot unhealthy, culprit kw_panic" \
		sh -c 'kwardenctl --json status | grep -q "\"verdict\":\"unhealthy\",\"culprit\":\"kw_panic\""'
	echo "# boot records:" /var/lib/kwarden/boots/*
	exit $failed
	;;
*)
	notok "unexpected phase '$phase'"
	exit 1
	;;
esac
