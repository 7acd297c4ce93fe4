#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# churn.sh - one round of the kernel's own legitimate text patching, for
# the false-positive tests: static keys (tracepoints on and off), the
# function and function_graph tracers, kprobe events, module load and
# unload.  Runs inside a test VM only.
T=/sys/kernel/tracing
set -e

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
echo 0 > $T/events/kprobes/enable
echo > $T/kprobe_events

echo function_graph > $T/current_tracer
sleep 1
echo nop > $T/current_tracer

for i in 1 2 3; do
	modprobe dummy
	rmmod dummy
done
