#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# churn.sh - one round of the kernel's own legitimate text patching, for
# the false-positive tests: static keys (tracepoints on and off), the
# function and function_graph tracers (on every function, and with
# set_ftrace_filter changed while on), kprobe events (INT3, optimized after
# a second, kretprobes), module load and unload, a test livepatch enabled
# and disabled, a CPU going offline and back.  BPF fentry/fexit/LSM attach and detach, and kwardend restarts, are
# the caller's (integrity_test.c).  Runs inside a test VM only.
T=/sys/kernel/tracing
CPU1=/sys/devices/system/cpu/cpu1/online
LP_KO=/opt/kwarden/selftests/modules/kw_livepatch.ko
LP=/sys/kernel/livepatch/kw_livepatch
set -e

# wait_until SECONDS CMD...: until CMD succeeds, or fail the round
wait_until()
{
	n=$(($1 * 10))
	shift
	while ! "$@"; do
		n=$((n - 1))
		[ $n -gt 0 ] || return 1
		sleep 0.1
	done
}

settled()
{
	[ "$(cat $LP/transition 2> /dev/null)" = 0 ]
}

gone()
{
	[ ! -e "$1" ]
}

echo 1 > $T/events/sched/sched_switch/enable
echo 1 > $T/events/syscalls/enable
sleep 1
echo 0 > $T/events/syscalls/enable
echo 0 > $T/events/sched/sched_switch/enable

echo function > $T/current_tracer
sleep 1
echo nop > $T/current_tracer

echo 'p:kwchurn_open do_sys_openat2' >> $T/kprobe_events
# +9: the first instruction after ENDBR64 and the fentry call, an INT3 probe
echo 'p:kwchurn_read vfs_read+9' >> $T/kprobe_events
echo 'r:kwchurn_ret vfs_write' >> $T/kprobe_events
echo 1 > $T/events/kprobes/enable
cat /proc/version > /dev/null
# the kprobe optimizer turns an INT3 probe into a jump after a few jiffies
sleep 1
cat /proc/version > /dev/null
echo 0 > $T/events/kprobes/enable
echo > $T/kprobe_events

echo 'vfs_*' > $T/set_ftrace_filter
echo function > $T/current_tracer
sleep 0.5
echo '*_read' >> $T/set_ftrace_filter
echo '!vfs_write' >> $T/set_ftrace_filter
sleep 0.5
echo nop > $T/current_tracer
echo > $T/set_ftrace_filter

echo function_graph > $T/current_tracer
sleep 1
echo nop > $T/current_tracer

for i in 1 2 3; do
	modprobe dummy
	rmmod dummy
done

# livepatch: the kernel redirects cmdline_proc_show through ftrace
if [ -f $LP_KO ]; then
	insmod $LP_KO
	wait_until 60 settled
	cat /proc/cmdline > /dev/null
	echo 0 > $LP/enabled
	wait_until 60 gone $LP
	rmmod kw_livepatch
fi

if [ -w $CPU1 ]; then
	echo 0 > $CPU1
	sleep 0.5
	echo 1 > $CPU1
fi
