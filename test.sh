#!/usr/bin/env bash
# Runs every test of Mdev.NET, doing first whatever set-up the tests need, and ends with one
# closing line "N passed, N failed" for the whole run. Safe to run on a fresh Debian machine
# that has only the .NET SDK. Usage: ./test.sh [extra dotnet test arguments]
set -euo pipefail
cd "$(dirname "$0")"

# System packages the test suite needs (installed non-interactively, as root, when missing).
# Mdev.Fuse.Tests: fuse3 (libfuse3.so.3 and fusermount3) and the real mdevctl they drive.
# Mdev.Vfio.Remote(.Tests): gcc builds the preload library and the C test client; QEMU 7.2, busybox and cpio boot
# the guest (its kernel is fetched by tests/Mdev.Vfio.Remote.Tests/guest/prepare-guest.sh, never installed).
# Mdev.Fuse.Tests (mdev-sim run): udevadm (package udev, systemd 252) reads the simulated devices through libudev and
# listens to run's udev events; no udev daemon is ever started (policy-rc.d below forbids it while installing);
# iproute2's ip brings lo up in run's network namespace.
REQUIRED_PACKAGES=(fuse3 mdevctl gcc libc6-dev qemu-system-x86 busybox-static cpio udev iproute2)
# LibvirtTests (Mdev.Fuse.Tests): Debian 12's libvirt 9.0, libvirtd with its node-device driver (libvirt-daemon, which
# also pulls the QEMU driver; there is no separate nodedev package and no virtnodedevd in Debian 12) and virsh
# (libvirt-clients). libvirt runs mdevctl for every mdev change. libvirtd is only ever started by the tests themselves
# (tests/Mdev.Fuse.Tests/Libvirt/libvirt-session.sh, on private runtime directories); libvirt-daemon ships no service.
REQUIRED_PACKAGES+=(libvirt-daemon libvirt-clients)
missing=()
for pkg in "${REQUIRED_PACKAGES[@]}"; do
  # "install ok installed" only: a removed package can linger in dpkg's database as config-files.
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "test.sh: missing packages ${missing[*]} and not root; install them first" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  # Install without starting any service (udev's postinst would start systemd-udevd): policy-rc.d 101 = "not allowed".
  policy=""
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    policy=/usr/sbin/policy-rc.d
    printf '#!/bin/sh\nexit 101\n' > "$policy"
    chmod 755 "$policy"
  fi
  apt_status=0
  apt-get install -y -qq --no-install-recommends "${missing[@]}" || apt_status=$?
  [ -z "$policy" ] || rm -f "$policy"
  [ "$apt_status" -eq 0 ] || exit "$apt_status"
fi

# The QEMU tests' guest (Debian's kernel + a busybox initramfs), cached across runs.
export MDEV_GUEST_DIR="${MDEV_GUEST_DIR:-/var/cache/mdev-net-guest}"
bash tests/Mdev.Vfio.Remote.Tests/guest/prepare-guest.sh "$MDEV_GUEST_DIR"

log="$(mktemp)"
trap 'rm -f "$log"' EXIT
set +e
dotnet test Mdev.sln "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e

# The packages as a user gets them (build/package-check.sh): pack to a local feed, install mdev-sim from it, build and
# run tests/consumer against it. Counted as one test; a broken package fails the run.
set +e
bash build/package-check.sh
pc_status=$?
set -e

# Sum every test assembly's summary ("Passed!  - Failed: 0, Passed: 106, Skipped: 0, ...")
# into the one closing line CI reads.
read -r passed failed skipped < <(
  sed -n 's/.*Failed: *\([0-9]*\), Passed: *\([0-9]*\), Skipped: *\([0-9]*\),.*/\2 \1 \3/p' "$log" |
    awk '{p+=$1; f+=$2; s+=$3} END {print p+0, f+0, s+0}')
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  failed=1 # the build or the runner failed before a test could report
fi
if [ "$pc_status" -eq 0 ]; then
  passed=$((passed + 1))
else
  failed=$((failed + 1))
  [ "$status" -ne 0 ] || status=1
fi
echo "skipped: ${skipped}"
echo "${passed} passed, ${failed} failed"
exit "$status"
