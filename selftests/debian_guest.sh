#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=dash
#
# debian_guest.sh - run by "tools/vm/debian-tests" in the Debian 12 VM
# (tools/vm/run --image debian12 --reboot, systemd as PID 1, the .debs
# installed): kwarden as Debian and systemd run it, and its package
# scripts. KTAP, over three boots of the same disk (--reboot --pstore):
#   boot 1: the units, DKMS's kwarden.ko, ordering, verify, security,
#           journald fields, systemctl kill and stop refused while locked,
#           Restart= after a crash, a stop after unlock, a disable; arm
#           kw_panic as a boot module (modules-load.d, quarantine_after =
#           1); reboot (a shutdown while locked)
#   boot 2: systemd-modules-load loads kw_panic, which panics (no script)
#   boot 3: kwarden-early quarantined kw_panic from the pstore record, and
#           systemd-modules-load skipped it; the block of boot 1
#           survived; upgrade, refused and unlocked removal, purge
# Needs kwarden_*.deb, kw_dummy.ko and kw_panic.ko in /opt/extra (--add).
# /opt/extra/kwvm-break (tools/vm/debian-tests --break WHAT[,WHAT]) breaks
# things on purpose, to see their checks fail; without "persist" the run
# ends after boot 1:
#   stop     kwardend.service's old ExecStop (an unlock): stop gets through
#   kill     unlocked just before systemctl kill: the kill gets through
#   journal  kwardend logs to stderr, not with sd_journal_send (no fields)
#   restart  Restart=no
#   persist  the block's store and modprobe.d entry removed before reboot

state=/root/kwvm-debian-state
n=0
failed=0
boot=1
if [ -f "$state" ]; then
	# shellcheck source=/dev/null
	. "$state"
	boot=2
fi

result()
{
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $n $2"
	else
		echo "not ok $n $2"
		failed=1
	fi
}

# wait_for SECONDS CMD...: until CMD succeeds, or fail after SECONDS
wait_for()
{
	local end=$(($(cut -d. -f1 /proc/uptime) + $1))

	shift
	until "$@"; do
		[ "$(cut -d. -f1 /proc/uptime)" -lt $end ] || return 1
		sleep 0.5
	done
}

# mono UNIT PROPERTY: a unit's monotonic timestamp (usec)
mono()
{
	systemctl show -P "$2" "$1"
}

guard_locked()
{
	kwardenctl --json status | grep -q '"guard":{[^}]*"locked":true'
}

status_ok()
{
	kwardenctl status > /dev/null 2>&1
}

main_pid()
{
	systemctl show -P MainPID kwardend
}

# active_as PID: kwardend.service active, with PID its main process
active_as()
{
	[ "$(systemctl is-active kwardend)" = active ] && [ "$(main_pid)" = "$1" ]
}

# restarted OLD: active under a new main process that answers
restarted()
{
	local pid

	pid=$(main_pid)
	[ "$(systemctl is-active kwardend)" = active ] && [ "$pid" != 0 ] &&
		[ "$pid" != "$1" ] && status_ok
}

# alert KIND PATTERN: kwardenctl has an alert of KIND matching PATTERN
# shellcheck disable=SC2317 # called through wait_for
alert()
{
	kwardenctl --json alerts --kind "$1" | grep -q -- "$2"
}

# journal_json MATCH... : the journal's JSON records of kwardend matching
journal_json()
{
	journalctl -b -o json --no-pager SYSLOG_IDENTIFIER=kwardend "$@"
}

# has_fields LINE FIELD=VALUE...: LINE (journal JSON) has each field
has_fields()
{
	local line="$1" f

	shift
	for f in "$@"; do
		printf '%s\n' "$line" | grep -q "\"${f%%=*}\":\"${f#*=}\"" || {
			echo "# journal record lacks $f"
			return 1
		}
	done
}

# shellcheck disable=SC2317 # called through wait_for
dummy_record()
{
	[ -n "$(journal_json KWARDEN_KIND=module_load KWARDEN_MODULE=kw_dummy)" ]
}

# MESSAGE_IDs of docs/alerts.md: a fixed prefix and the kind's number
MID=eba922320d4e4411a42a8846a703
MID_module_load=${MID}0009
MID_tamper_attempt=${MID}0013

kdir=/lib/modules/$(uname -r)/extra
brk=$(cat /opt/extra/kwvm-break 2> /dev/null)

broken()
{
	case ",$brk," in
	*,"$1",*) return 0 ;;
	esac
	return 1
}

# break_unit: a runtime drop-in for kwardend.service (tools/vm/debian-tests
# --break), applied by a restart while unlocked
break_unit()
{
	local d=/run/systemd/system/kwardend.service.d

	echo "# BROKEN ON PURPOSE: $brk"
	mkdir -p $d
	{
		echo '[Service]'
		! broken stop || printf 'ExecStop=\nExecStop=/usr/sbin/kwardenctl unlock --for 120\n'
		! broken journal || echo 'UnsetEnvironment=JOURNAL_STREAM'
		! broken restart || echo 'Restart=no'
	} > $d/broken.conf
	systemctl daemon-reload && kwardenctl unlock --for 60 > /dev/null &&
		systemctl restart kwardend && wait_for 60 status_ok
}

boot1()
{
	local out st early modload sec pid line

	echo "TAP version 13"
	echo "1..22"
	[ -z "$brk" ] || break_unit

	systemctl is-active kwardend kwarden-early
	result $? "systemctl is-active kwardend kwarden-early"

	kwardenctl status
	result $? "kwardenctl status: kwardend running"

	out=$(dkms status kwarden 2> /dev/null)
	echo "# $out"
	echo "# kwarden.ko: $(modinfo -n kwarden)"
	echo "$out" | grep -q "$(uname -r).*installed" &&
		modinfo -n kwarden | grep -q '/updates/dkms/kwarden\.ko' &&
		kwardenctl --json status | grep -q '"kmod":{"present":true,"state":"active"' &&
		guard_locked
	result $? "kwarden.ko built by DKMS at install, loaded at boot and active; guard locked"

	out=$(systemd-analyze verify kwardend.service kwarden-early.service 2>&1)
	st=$?
	[ -z "$out" ] || echo "$out" | sed 's/^/# /'
	result $st "systemd-analyze verify kwardend.service kwarden-early.service"

	wait_for 60 [ "$(systemctl show -P FinishTimestampMonotonic)" != 0 ]
	systemd-analyze critical-chain kwardend.service systemd-modules-load.service 2>&1 | sed 's/^/# /'
	early=$(mono kwarden-early ActiveEnterTimestampMonotonic)
	modload=$(mono systemd-modules-load ExecMainStartTimestampMonotonic)
	echo "# kwarden-early active at $early us, systemd-modules-load started at $modload us"
	journalctl -b -o short-monotonic --no-pager \
		-u kwarden-early -u systemd-modules-load -u kwardend | head -n 12 | sed 's/^/# /'
	[ "$early" -gt 0 ] && [ "$modload" -gt "$early" ]
	result $? "kwarden-early finished before systemd-modules-load started"

	out=$(systemd-analyze security kwardend.service 2>&1)
	sec=$(echo "$out" | sed -n 's/.*Overall exposure level for kwardend.service: \([0-9.]*\).*/\1/p')
	echo "# systemd-analyze security kwardend.service: ${sec:-?}"
	[ -n "$sec" ] && awk -v s="$sec" 'BEGIN { exit !(s <= 3.8) }'
	result $? "systemd-analyze security kwardend.service: exposure ${sec:-?} <= 3.8"

	# journald: an alert record with its MESSAGE_ID and the kwarden fields
	mkdir -p "$kdir" && cp /opt/extra/kw_dummy.ko /opt/extra/kw_panic.ko "$kdir/" &&
		depmod -a &&
		modprobe kw_dummy &&
		wait_for 30 dummy_record
	st=$?
	line=$(journal_json KWARDEN_KIND=module_load KWARDEN_MODULE=kw_dummy | tail -n 1)
	printf '# %s\n' "${line:-no journal record}" | cut -c1-400
	[ $st -eq 0 ] && has_fields "$line" MESSAGE_ID=$MID_module_load \
		PRIORITY=6 KWARDEN_KIND=module_load KWARDEN_MODULE=kw_dummy \
		KWARDEN_ACTION=logged SYSLOG_IDENTIFIER=kwardend &&
		printf '%s\n' "$line" | grep -q '"KWARDEN_SEQ":"[1-9][0-9]*"' &&
		printf '%s\n' "$line" | grep -q '"KWARDEN_ALERT":"{\\"time\\":.*\\"kind\\":\\"module_load\\"'
	result $? "journalctl -o json: module_load of kw_dummy with MESSAGE_ID, PRIORITY 6, KWARDEN_* fields"

	# Locked: systemd's own signals are refused like anyone's
	pid=$(main_pid)
	! broken kill || kwardenctl unlock --for 20 > /dev/null
	out=$(systemctl kill -s KILL kwardend 2>&1)
	st=$?
	echo "# systemctl kill -s KILL kwardend: status $st: $out"
	[ $st -ne 0 ] && wait_for 30 alert tamper_attempt "signal SIGKILL to kwardend (pid $pid) denied: by systemd" &&
		active_as "$pid" && status_ok
	result $? "locked: systemctl kill -s KILL kwardend denied, tamper_attempt alert, same kwardend active"

	pid=$(main_pid)
	out=$(timeout 120 systemctl stop kwardend 2>&1)
	st=$?
	echo "# systemctl stop kwardend: status $st: $out"
	journalctl -b -u kwardend --no-pager | tail -n 14 | sed 's/^/# /'
	[ $st -ne 0 ] && [ $st -ne 124 ] &&
		wait_for 30 alert tamper_attempt "signal SIGTERM to kwardend (pid $pid) denied: by systemd" &&
		wait_for 60 active_as "$pid" && status_ok && guard_locked
	result $? "locked: systemctl stop kwardend refused, tamper_attempt alert, the same kwardend (pid $pid) active again"

	line=$(journal_json KWARDEN_KIND=tamper_attempt | grep 'SIGTERM to kwardend' | tail -n 1)
	printf '# %s\n' "${line:-no journal record}" | cut -c1-400
	[ -n "$line" ] && has_fields "$line" MESSAGE_ID=$MID_tamper_attempt \
		PRIORITY=1 KWARDEN_KIND=tamper_attempt KWARDEN_ACTION=denied &&
		printf '%s\n' "$line" | grep -q '"KWARDEN_ALERT":"{.*\\"kind\\":\\"tamper_attempt\\"'
	result $? "journalctl -o json: tamper_attempt with MESSAGE_ID, PRIORITY 1, KWARDEN_* fields"

	# Unlocked, kwardend crashes: Restart= brings it back, locked again
	echo "# Restart=$(systemctl show -P Restart kwardend)"
	pid=$(main_pid)
	kwardenctl unlock --for 300 > /dev/null && kill -SEGV "$pid" &&
		wait_for 60 restarted "$pid" && guard_locked &&
		[ "$(systemctl show -P Restart kwardend)" = always ]
	result $? "unlocked: kwardend killed by SIGSEGV, Restart=always brings it back (pid $pid -> $(main_pid)), locked again"

	pid=$(main_pid)
	kwardenctl unlock --for 300 > /dev/null &&
		timeout 120 systemctl stop kwardend && ! systemctl is-active -q kwardend &&
		! kill -0 "$pid" 2> /dev/null && systemctl start kwardend &&
		wait_for 60 restarted "$pid" && guard_locked
	result $? "unlocked: systemctl stop kwardend stops it; systemctl start brings it back locked"

	# a block that must survive the reboot
	out=$(kwardenctl disable kw_dummy 2>&1)
	st=$?
	echo "$out" | sed 's/^/# /'
	[ $st -eq 0 ] && [ ! -d /sys/module/kw_dummy ] &&
		! modprobe kw_dummy 2> /dev/null && [ ! -d /sys/module/kw_dummy ]
	result $? "kwardenctl disable kw_dummy: unloaded, modprobe refused"

	if [ -n "$brk" ] && ! broken persist; then
		echo "# broken on purpose ($brk): no reboot"
		return
	fi
	if broken persist; then
		kwardenctl unlock --for 60 > /dev/null
		rm -f /var/lib/kwarden/blocked/kw_dummy /etc/modprobe.d/kwarden-blocked.conf
	fi
	# crash-loop quarantine: one crash of a boot module is enough here
	kwardenctl unlock --for 120 > /dev/null &&
		echo 'quarantine_after = 1' >> /etc/kwarden/kwarden.conf &&
		echo kw_panic > /etc/modules-load.d/zz-kw_panic.conf &&
		kwardenctl lock > /dev/null || echo "# arming kw_panic failed"
	echo "n=$n failed=$failed" > "$state"
	sync
	echo "# rebooting (kwarden locked: the shutdown unlocks); kw_panic panics the next boot"
	touch /run/kwvm-reboot
}

boot2()
{
	local out st deb pid pins

	echo "# boot 3: $(cut -d' ' -f1 /proc/uptime) s up"
	systemctl is-active kwardend kwarden-early && status_ok && guard_locked
	result $? "after the reboots (a shutdown while locked, a panic): kwardend active, status answers, locked"

	out=$(kwardenctl --json alerts --kind module_quarantined --module kw_panic)
	printf '# %s\n' "$out" | cut -c1-400
	echo "$out" | grep -q '"action":"quarantined"' &&
		echo "$out" | grep -q 'kwarden: panic in module kw_panic' &&
		grep -q '^state=quarantined' /var/lib/kwarden/blocked/kw_panic
	result $? "kwarden-early quarantined kw_panic after the boot it crashed (evidence from pstore)"

	journalctl -b -u systemd-modules-load --no-pager | grep -i 'kw_panic' | sed 's/^/# /'
	journalctl -b -u systemd-modules-load --no-pager | grep -Eq "kw_panic'? is (deny-listed|blacklisted)" &&
		! grep -q '^kw_panic ' /proc/modules
	result $? "systemd-modules-load skipped the quarantined kw_panic (deny-listed); not loaded"

	kwardenctl modules | grep '^kw_dummy ' | sed 's/^/# /'
	! modprobe kw_dummy 2> /dev/null && ! insmod "$kdir/kw_dummy.ko" 2> /dev/null &&
		[ ! -d /sys/module/kw_dummy ] &&
		grep -qx 'install kw_dummy /bin/false' /etc/modprobe.d/kwarden-blocked.conf &&
		kwardenctl modules | grep -q '^kw_dummy .*disabled'
	result $? "the block of kw_dummy survived the reboot: modprobe and insmod fail, kwardenctl modules shows it disabled"

	# Upgrade (same version, as a reinstall runs prerm upgrade and
	# postinst configure with the old version): kwardend restarted, the
	# pins never go.
	deb=$(ls /opt/extra/kwarden_*_amd64.deb)
	pid=$(main_pid)
	pins=$(find /sys/fs/bpf/kwarden -mindepth 1 -maxdepth 1 | wc -l)
	( while :; do find /sys/fs/bpf/kwarden -mindepth 1 -maxdepth 1 | wc -l; sleep 0.2; done ) > /tmp/pins &
	watch=$!
	out=$(dpkg -i "$deb" 2>&1)
	st=$?
	kill $watch
	echo "$out" | grep -E 'kwarden|error' | sed 's/^/# /'
	wait_for 30 restarted "$pid"
	echo "# kwardend pid $pid -> $(main_pid); pins $pins, fewest during the upgrade $(sort -n /tmp/pins | head -n 1)"
	[ $st -eq 0 ] && restarted "$pid" &&
		[ "$(sort -n /tmp/pins | head -n 1)" -eq "$pins" ] && [ "$pins" -gt 0 ]
	result $? "upgrade: kwardend restarted (new pid), the pins stayed all along"

	wait_for 30 guard_locked
	result $? "after the upgrade kwardend answers and the guard is locked again"

	out=$(apt-get remove -y kwarden 2>&1)
	st=$?
	echo "$out" | grep -E 'kwarden:|^E:' | sed 's/^/# /'
	[ $st -ne 0 ] && echo "$out" | grep -q 'run kwardenctl unlock first' &&
		dpkg-query -W -f='${Status}' kwarden | grep -q 'install ok installed' &&
		systemctl is-active -q kwardend
	result $? "removal refused while locked, with the reason; kwardend still running"

	kwardenctl unlock --for 300 &&
		apt-get remove -y kwarden > /tmp/remove.log 2>&1
	st=$?
	tail -n 5 /tmp/remove.log | sed 's/^/# /'
	[ $st -eq 0 ] && [ ! -e /sys/fs/bpf/kwarden ] &&
		! systemctl is-active -q kwardend && ! pidof kwardend > /dev/null
	result $? "after kwardenctl unlock: removed, no kwardend process, pins gone"

	apt-get purge -y kwarden kwarden-dkms > /tmp/purge.log 2>&1
	st=$?
	grep -v 'Reading database' /tmp/purge.log | tail -n 25 | sed 's/^/# /'
	echo "# kwarden.ko: $(grep -c '^kwarden ' /proc/modules) loaded"
	[ $st -eq 0 ] && [ ! -e /var/lib/kwarden ] && [ ! -e /etc/kwarden ] &&
		[ ! -e /sys/fs/bpf/kwarden ] && ! pidof kwardend > /dev/null &&
		! grep -q '^kwarden ' /proc/modules && ! modinfo kwarden > /dev/null 2>&1
	result $? "purge of kwarden and kwarden-dkms: no journal, config, process, pin, module (loaded or on disk)"
}

if [ $boot = 1 ]; then
	boot1
else
	boot2
fi
exit $failed
