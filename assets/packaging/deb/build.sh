#!/bin/bash
# build.sh terminal|voucherd DEB_VERSION BINDIR OUTDIR
# Stages one package's files (from this directory, its man/ pages and
# BINDIR: fupinpos, posctl, voucherd, fupinpos-gb2312.ttf) and builds OUTDIR/NAME_VERSION_amd64.deb
# with dpkg-deb --root-owner-group. Shared-library dependencies come from
# dpkg-shlibdeps.
set -euo pipefail
what=$1 version=$2 bindir=$3 out=$4
src=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
root=$work/root
umask 022

# The release's date: SOURCE_DATE_EPOCH, else the last commit's.
epoch=${SOURCE_DATE_EPOCH:-$(git -C "$src" log -1 --format=%ct 2>/dev/null || date +%s)}

# put MODE SRC DEST: one file into the package tree.
put() { install -D -m "$1" "$2" "$root/$3"; }

# manpage NAME.SECTION: man/NAME.SECTION, gzipped, to /usr/share/man.
manpage() {
	mkdir -p "$work/man"
	gzip -9n <"$src/man/$1" >"$work/man/$1.gz"
	put 0644 "$work/man/$1.gz" "usr/share/man/man${1##*.}/$1.gz"
}

docs() { # docs PACKAGE: copyright, changelog, README.Debian, lintian overrides
	local doc=usr/share/doc/$1
	put 0644 "$src/$what/lintian-overrides" "usr/share/lintian/overrides/$1"
	put 0644 "$src/$what/copyright" "$doc/copyright"
	put 0644 "$src/$what/README.Debian" "$doc/README.Debian"
	mkdir -p "$work/cl"
	{
		printf '%s (%s) unstable; urgency=medium\n\n' "$1" "$version"
		printf '  * Release %s (git describe: %s).\n\n' "$version" "${FUPINPOS_VERSION:-$version}"
		printf ' -- fupinpos maintainers <fupinpos@example.org>  %s\n' "$(LC_ALL=C date -R -d "@$epoch")"
	} >"$work/cl/changelog"
	# A native package (no Debian revision): changelog.gz.
	gzip -9n <"$work/cl/changelog" >"$work/cl/changelog.gz"
	put 0644 "$work/cl/changelog.gz" "$doc/changelog.gz"
}

case $what in
terminal)
	pkg=fupinpos-terminal
	put 0755 "$bindir/fupinpos" usr/lib/fupinpos/fupinpos
	put 0644 "$bindir/fupinpos-gb2312.ttf" usr/lib/fupinpos/fupinpos-gb2312.ttf
	mkdir -p "$root/usr/bin"
	ln -s ../lib/fupinpos/fupinpos "$root/usr/bin/fupinpos"
	put 0755 "$bindir/posctl" usr/bin/posctl
	put 0755 "$src/terminal/kiosk-session" usr/lib/fupinpos/kiosk-session
	put 0755 "$src/terminal/fupinpos-kiosk" usr/sbin/fupinpos-kiosk
	put 0644 "$src/terminal/fupinpos-kiosk.service" usr/lib/systemd/user/fupinpos-kiosk.service
	put 0644 "$src/terminal/fupinpos-kiosk.desktop" etc/xdg/autostart/fupinpos-kiosk.desktop
	put 0644 "$src/terminal/fupinpos.desktop" usr/share/applications/fupinpos.desktop
	put 0644 "$src/terminal/fupinpos.svg" usr/share/icons/hicolor/scalable/apps/fupinpos.svg
	if command -v convert >/dev/null; then
		mkdir -p "$work/icon"
		convert -background none "$src/terminal/fupinpos.svg" -resize 256x256 -strip -define png:exclude-chunks=date,time "$work/icon/fupinpos.png"
		put 0644 "$work/icon/fupinpos.png" usr/share/icons/hicolor/256x256/apps/fupinpos.png
	fi
	put 0644 "$src/terminal/60-fupinpos.rules" lib/udev/rules.d/60-fupinpos.rules
	# AppStream: the app and the devices the udev rules open (modaliases).
	mkdir -p "$work/meta"
	sed -e "s/@VERSION@/$version/" -e "s/@DATE@/$(date -u -d "@$epoch" +%F)/" \
		"$src/terminal/cn.fupinpos.counter.metainfo.xml" >"$work/meta/cn.fupinpos.counter.metainfo.xml"
	put 0644 "$work/meta/cn.fupinpos.counter.metainfo.xml" usr/share/metainfo/cn.fupinpos.counter.metainfo.xml
	manpage fupinpos.1
	manpage posctl.1
	manpage fupinpos-kiosk.8
	docs $pkg
	elf=(usr/lib/fupinpos/fupinpos usr/bin/posctl)
	;;
voucherd)
	pkg=voucherd
	put 0755 "$bindir/voucherd" usr/bin/voucherd
	put 0755 "$src/voucherd/backup" usr/lib/voucherd/backup
	put 0644 "$src/voucherd/voucherd.conf" etc/voucherd/voucherd.conf
	for u in voucherd.service voucherd-backup.service voucherd-backup.timer; do
		put 0644 "$src/voucherd/$u" lib/systemd/system/$u
	done
	manpage voucherd.8
	docs $pkg
	elf=(usr/bin/voucherd)
	;;
*)
	echo "build.sh: terminal or voucherd, not $what" >&2
	exit 2
	;;
esac

# Shared libraries: dpkg-shlibdeps wants a debian/control beside it.
mkdir -p "$work/shlibs/debian"
printf 'Source: %s\n\nPackage: %s\nArchitecture: any\n' "$pkg" "$pkg" >"$work/shlibs/debian/control"
shlibs=$(cd "$work/shlibs" && dpkg-shlibdeps -O "${elf[@]/#/$root/}" 2>/dev/null | sed -n 's/^shlibs:Depends=//p')

mkdir -p "$root/DEBIAN"
size=$(du -sk --apparent-size "$root" | cut -f1)
sed -e "s/@VERSION@/$version/" -e "s/@SIZE@/$size/" -e "s/@SHLIBS@, //; s/@SHLIBS@//" "$src/$what/control" >"$root/DEBIAN/control"
if [ -n "$shlibs" ]; then
	sed -i "s/^Depends: /Depends: $shlibs, /" "$root/DEBIAN/control"
fi
for f in preinst postinst prerm postrm; do
	if [ -f "$src/$what/$f" ]; then
		install -m 0755 "$src/$what/$f" "$root/DEBIAN/$f"
	fi
done
install -m 0644 "$src/$what/conffiles" "$root/DEBIAN/conffiles"
(cd "$root" && find . -path ./DEBIAN -prune -o -type f -print0 | sort -z | xargs -0 md5sum | sed 's| \./| |') >"$root/DEBIAN/md5sums"
chmod 0644 "$root/DEBIAN/md5sums"

mkdir -p "$out"
deb=$out/${pkg}_${version}_amd64.deb
dpkg-deb --root-owner-group -Zxz --build "$root" "$deb" >/dev/null
echo "$deb"
