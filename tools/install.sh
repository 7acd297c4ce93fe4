#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# install.sh - the body of "make install": puts kwarden on a real host.
#
#   make KDIR=/lib/modules/$(uname -r)/build install [DESTDIR=/staging]
#
# Installs kwardend and kwardenctl to /usr/sbin, the systemd unit, a
# commented config in /etc/kwarden (never overwriting one), the docs, and
# kwarden.ko under /lib/modules/<release>/extra with a modules-load.d entry.
# It does not load anything: reboot, or "modprobe kwarden && systemctl
# enable --now kwardend".  For DKMS, see README.md.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
dest=${DESTDIR:-}
build=${KW_BUILD:-$top/build}
kdir=${KDIR:?KDIR must name the target kernel build tree}
release=$(make -s -C "$kdir" kernelrelease 2>/dev/null || basename "$(dirname "$kdir")")

install -D -m 0755 "$build/bin/kwardend" "$dest/usr/sbin/kwardend"
install -D -m 0755 "$build/bin/kwardenctl" "$dest/usr/sbin/kwardenctl"
install -D -m 0644 "$top/userspace/kwardend/kwardend.service" \
	"$dest/lib/systemd/system/kwardend.service"
install -D -m 0644 "$top/userspace/kwardend/kwarden-early.service" \
	"$dest/lib/systemd/system/kwarden-early.service"
install -d -m 0700 "$dest/etc/kwarden" "$dest/var/lib/kwarden"
[ -e "$dest/etc/kwarden/kwarden.conf" ] ||
	install -m 0600 "$top/userspace/kwardend/kwarden.conf" \
		"$dest/etc/kwarden/kwarden.conf"
install -D -m 0644 "$top/kmod/kwarden.ko" \
	"$dest/lib/modules/$release/extra/kwarden.ko"
install -D -m 0644 /dev/null "$dest/etc/modules-load.d/kwarden.conf"
echo kwarden > "$dest/etc/modules-load.d/kwarden.conf"
kinds=$(sed -n 's/^\tKW_KIND(\([a-z_]*\),.*/\1/p' "$top/kmod/uapi/kwarden.h" |
	tr '\n' ' ')
install -d "$dest/usr/share/bash-completion/completions"
sed "s/@KINDS@/$kinds/" "$top/tools/completion/kwardenctl.bash.in" \
	> "$dest/usr/share/bash-completion/completions/kwardenctl"
for page in "$top"/docs/man/*.[578]; do
	sec=${page##*.}
	install -D -m 0644 "$page" "$dest/usr/share/man/man$sec/${page##*/}"
done
for f in "$top"/docs/*.md "$top/README.md"; do
	install -D -m 0644 "$f" "$dest/usr/share/doc/kwarden/$(basename "$f")"
done
[ -n "$dest" ] || depmod -a "$release"
echo "installed kwarden for $release under ${dest:-/}"
