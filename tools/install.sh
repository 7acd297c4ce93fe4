#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# install.sh - the one list of what kwarden installs where: the body of
# "make install" and of debian/rules' install step.
#
#   make KDIR=/lib/modules/$(uname -r)/build install [DESTDIR=/staging]
#   tools/install.sh [PART...]        (DESTDIR, KW_BUILD, KDIR from the env)
#
# PARTs (default: userspace module):
#   userspace  kwardend and kwardenctl to /usr/sbin, both systemd units
#              (and kwardend.service's ExecStop, /usr/lib/kwarden), a
#              commented config in /etc/kwarden (never overwriting one),
#              man pages, bash completion and docs
#   module     kwarden.ko under /lib/modules/<release>/extra (needs KDIR)
#              and its modules-load.d entry
#   dkms       the module's source and dkms.conf under /usr/src/kwarden-VER
#              for "dkms install kwarden/VER", and the modules-load.d entry
#   autoload   the modules-load.d entry alone
# MODULES_LOAD_DIR (default /etc/modules-load.d) says where the entry goes.
# Nothing is loaded: reboot, or "modprobe kwarden && systemctl enable --now
# kwardend".
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
dest=${DESTDIR:-}
build=${KW_BUILD:-$top/build}
modload=${MODULES_LOAD_DIR:-/etc/modules-load.d}

# The module source tree DKMS needs: the top Kbuild and kmod/ (with uapi/),
# not what kbuild generated there (*.mod.c).
dkms_files()
(
	cd "$top" &&
	for f in Kbuild dkms.conf kmod/Kbuild kmod/*.[ch] kmod/uapi/linux/*.h; do
		[ "${f%.mod.c}" = "$f" ] && echo "$f"
	done
)

dkms_version()
{
	sed -n 's/^PACKAGE_VERSION="\(.*\)"$/\1/p' "$top/dkms.conf"
}

install_userspace()
{
	local kinds page f

	install -D -m 0755 "$build/bin/kwardend" "$dest/usr/sbin/kwardend"
	install -D -m 0755 "$build/bin/kwardenctl" "$dest/usr/sbin/kwardenctl"
	install -D -m 0755 "$top/userspace/kwardend/kwardend-stop" \
		"$dest/usr/lib/kwarden/kwardend-stop"
	for f in kwardend.service kwarden-early.service; do
		install -D -m 0644 "$top/userspace/kwardend/$f" \
			"$dest/lib/systemd/system/$f"
	done
	install -d -m 0700 "$dest/etc/kwarden" "$dest/var/lib/kwarden"
	[ -e "$dest/etc/kwarden/kwarden.conf" ] ||
		install -m 0600 "$top/userspace/kwardend/kwarden.conf" \
			"$dest/etc/kwarden/kwarden.conf"
	kinds=$(sed -n 's/^\tKW_KIND(\([a-z_]*\),.*/\1/p' \
		"$top/kmod/uapi/linux/kwarden.h" | tr '\n' ' ')
	install -d "$dest/usr/share/bash-completion/completions"
	sed "s/@KINDS@/$kinds/" "$top/tools/completion/kwardenctl.bash.in" \
		> "$dest/usr/share/bash-completion/completions/kwardenctl"
	for page in "$top"/docs/man/*.[578]; do
		install -D -m 0644 "$page" \
			"$dest/usr/share/man/man${page##*.}/${page##*/}"
	done
	for f in "$top"/docs/*.md "$top/README.md"; do
		install -D -m 0644 "$f" "$dest/usr/share/doc/kwarden/${f##*/}"
	done
}

install_autoload()
{
	install -d "$dest$modload"
	echo kwarden > "$dest$modload/kwarden.conf"
}

install_module()
{
	local kdir=${KDIR:?KDIR must name the target kernel build tree}
	local release

	release=$(make -s -C "$kdir" kernelrelease 2>/dev/null ||
		basename "$(dirname "$kdir")")
	install -D -m 0644 "$top/kmod/kwarden.ko" \
		"$dest/lib/modules/$release/extra/kwarden.ko"
	install_autoload
	[ -n "$dest" ] || depmod -a "$release"
	echo "installed kwarden.ko for $release under ${dest:-/}"
}

install_dkms()
{
	local src f

	src=$dest/usr/src/kwarden-$(dkms_version)
	for f in $(dkms_files); do
		install -D -m 0644 "$top/$f" "$src/$f"
	done
	install_autoload
}

[ $# -gt 0 ] || set -- userspace module
for part in "$@"; do
	case "$part" in
	userspace|module|dkms|autoload) "install_$part" ;;
	*) echo "install.sh: unknown part '$part'" >&2; exit 64 ;;
	esac
done
echo "installed kwarden ($*) under ${dest:-/}"
