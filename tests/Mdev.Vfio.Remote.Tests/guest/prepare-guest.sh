#!/usr/bin/env bash
# Prepares the guest the QEMU tests boot: Debian's 6.1 kernel (apt-get download + dpkg-deb -x, never installed)
# and a busybox initramfs whose /init is init.sh. Idempotent: reuses what is in the cache folder.
# Usage: prepare-guest.sh CACHE_DIR   (writes CACHE_DIR/vmlinuz and CACHE_DIR/initramfs.gz)
set -euo pipefail
cache="$1"
here="$(cd "$(dirname "$0")" && pwd)"
mkdir -p "$cache"

if [ ! -s "$cache/vmlinuz" ]; then
  # The metapackage linux-image-amd64 names the current image package (linux-image-6.1.0-N-amd64).
  image_package() { apt-cache depends linux-image-amd64 2>/dev/null | sed -n 's/^ *Depends: \(linux-image-[0-9].*-amd64\)$/\1/p' | head -1; }
  pkg="$(image_package)"
  if [ -z "$pkg" ]; then # a fresh machine has no package lists yet
    apt-get update -qq
    pkg="$(image_package)"
  fi
  [ -n "$pkg" ] || { echo "prepare-guest: no linux-image package found by apt-cache" >&2; exit 1; }
  tmp="$(mktemp -d)"
  # _apt cannot write into a mktemp directory: download as root without the sandbox warning.
  (cd "$tmp" && apt-get download -qq -o APT::Sandbox::User=root "$pkg" && dpkg-deb -x ./*.deb root)
  cp "$tmp"/root/boot/vmlinuz-* "$cache/vmlinuz.part" && mv "$cache/vmlinuz.part" "$cache/vmlinuz"
  rm -rf "$tmp"
fi

if [ ! -s "$cache/initramfs.gz" ] || [ "$here/init.sh" -nt "$cache/initramfs.gz" ]; then
  tmp="$(mktemp -d)"
  mkdir -p "$tmp"/{bin,proc,sys,dev}
  cp /bin/busybox "$tmp/bin/busybox"
  for applet in sh mount cat echo ls stty sleep dmesg grep poweroff readlink head tr basename timeout; do
    ln -s busybox "$tmp/bin/$applet"
  done
  install -m 0755 "$here/init.sh" "$tmp/init"
  (cd "$tmp" && find . | cpio -o -H newc --quiet | gzip -1) > "$cache/initramfs.part"
  mv "$cache/initramfs.part" "$cache/initramfs.gz"
  rm -rf "$tmp"
fi
