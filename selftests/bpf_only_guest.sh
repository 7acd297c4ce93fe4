#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=dash
#
# bpf_only_guest.sh - runs inside a VM where kwardend runs without
# kwarden.ko (tools/vm/run --no-kmod, from tools/vm/mode-tests): BPF-only
# mode as designed.  kwardend says so (status mode bpf-only, kwarden.ko
# not loaded, one kwarden_degraded alert), module loads are still
# reported by the BPF programs (module_load, source bpf), and the guard is
# active: it enforces, and it denies a signal to kwardend.  Prints KTAP.
MODS=/opt/kwarden/selftests/modules
n=0
fail=0

check()
{
	n=$((n + 1))
	if [ "$1" = 0 ]; then echo "ok $n $2"; else echo "not ok $n $2"; fail=1; fi
}

# wait_alert FILTER PATTERN: until an alert of FILTER matches PATTERN (20 s)
wait_alert()
{
	local i=0

	# shellcheck disable=SC2086 # FILTER is options, split on purpose
	until kwardenctl --json alerts $1 2> /dev/null | grep -q "$2"; do
		i=$((i + 1))
		[ $i -gt 100 ] && return 1
		sleep 0.2
	done
}

echo "TAP version 13"
echo "1..9"
[ ! -d /sys/module/kwarden ]
check $? "kwarden.ko is not loaded"
kwardenctl --json status > /tmp/st
grep -q '"mode":"bpf-only"' /tmp/st
check $? "kwardenctl --json status: mode bpf-only"
grep -q '"kmod":{"present":false' /tmp/st
check $? "kwardenctl --json status: kmod present false"
kwardenctl status > /tmp/st.txt
grep -q 'mode bpf-only' /tmp/st.txt && grep -q 'kwarden.ko: not loaded' /tmp/st.txt
check $? "kwardenctl status says BPF-only and kwarden.ko not loaded"
sed 's/^/# /' /tmp/st.txt
wait_alert "--kind kwarden_degraded" 'kwarden.ko is not loaded: BPF-only mode'
check $? "a kwarden_degraded alert says BPF-only mode"
grep -q '"enforcing":true' /tmp/st && grep -q '"bpf_lsm":"active"' /tmp/st
check $? "the guard enforces (BPF LSM active)"

insmod $MODS/kw_dummy.ko
wait_alert "--kind module_load --module kw_dummy" '"source":"bpf"'
check $? "insmod kw_dummy: module_load from the BPF programs"
kwardenctl --json alerts --kind module_load --module kw_dummy | sed 's/^/# /'
rmmod kw_dummy

denied=0
kill -TERM "$(pidof kwardend)" 2> /tmp/err || denied=1
check "$([ $denied = 1 ]; echo $?)" "a SIGTERM to kwardend is denied ($(cat /tmp/err))"
wait_alert "--kind tamper_attempt" '"action":"denied"'
check $? "and reported as tamper_attempt, action denied"
exit $fail
