#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# debian_guest.sh - run by "tools/vm/debian-tests" in the Debian 12 VM
# (tools/vm/run --image debian12, systemd as PID 1, the .debs installed):
# kwarden as Debian and systemd run it, and its package scripts. KTAP.
# Needs kwarden_*.deb in /opt/extra (--add) for the upgrade and removal.

n=0
failed=0

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

# mono UNIT PROPERTY: a unit's monotonic timestamp (usec)
mono()
{
	systemctl show -P "$2" "$1"
}

guard_locked()
{
	kwardenctl --json status | grep -q '"guard":{[^}]*"locked":true'
}

echo "TAP version 13"
echo "1..10"

systemctl is-active kwardend kwarden-early
result $? "systemctl is-active kwardend kwarden-early"

kwardenctl status
result $? "kwardenctl status: kwardend running"

kwardenctl --json status | grep -q '"kmod":{"present":true,"state":"active"' &&
	guard_locked
result $? "kwarden.ko (DKMS, loaded by systemd-modules-load) active; guard locked"

out=$(systemd-analyze verify kwardend.service kwarden-early.service 2>&1)
st=$?
[ -z "$out" ] || echo "$out" | sed 's/^/# /'
result $st "systemd-analyze verify kwardend.service kwarden-early.service"

i=0
while [ $i -lt 60 ] && [ "$(systemctl show -P FinishTimestampMonotonic)" = 0 ]; do
	sleep 1
	i=$((i + 1))
done
systemd-analyze critical-chain kwardend.service systemd-modules-load.service 2>&1 | sed 's/^/# /'
early=$(mono kwarden-early ActiveEnterTimestampMonotonic)
modload=$(mono systemd-modules-load ExecMainStartTimestampMonotonic)
echo "# kwarden-early active at $early us, systemd-modules-load started at $modload us"
[ "$early" -gt 0 ] && [ "$modload" -gt "$early" ]
result $? "kwarden-early finished before systemd-modules-load started"

journalctl -b -o short-monotonic --no-pager \
	-u kwarden-early -u systemd-modules-load -u kwardend | head -n 20 | sed 's/^/# /'

# Upgrade (same version, as a reinstall runs prerm upgrade and postinst
# configure with the old version): kwardend restarted, the pins never go.
deb=$(ls /opt/extra/kwarden_*_amd64.deb)
pid=$(systemctl show -P MainPID kwardend)
pins=$(ls /sys/fs/bpf/kwarden | wc -l)
( while :; do ls /sys/fs/bpf/kwarden/ | wc -l; sleep 0.2; done ) > /tmp/pins &
watch=$!
out=$(dpkg -i "$deb" 2>&1)
st=$?
kill $watch
echo "$out" | grep -E 'kwarden|error' | sed 's/^/# /'
sleep 2
new=$(systemctl show -P MainPID kwardend)
echo "# kwardend pid $pid -> $new; pins $pins, fewest during the upgrade $(sort -n /tmp/pins | head -n 1)"
[ $st -eq 0 ] && [ "$new" != "$pid" ] && [ "$new" != 0 ] &&
	[ "$(sort -n /tmp/pins | head -n 1)" -eq "$pins" ] && [ "$pins" -gt 0 ]
result $? "upgrade: kwardend restarted (new pid), the pins stayed all along"

i=0
while [ $i -lt 30 ] && ! kwardenctl status > /dev/null 2>&1; do
	sleep 1
	i=$((i + 1))
done
guard_locked
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
[ $st -eq 0 ] && [ ! -e /sys/fs/bpf/kwarden ] && ! systemctl is-active -q kwardend
result $? "after kwardenctl unlock: removed, kwardend stopped, pins gone"

apt-get purge -y kwarden > /tmp/purge.log 2>&1 &&
	[ ! -e /var/lib/kwarden ] && [ ! -e /etc/kwarden ]
result $? "purge removed /var/lib/kwarden and /etc/kwarden"
exit $failed
