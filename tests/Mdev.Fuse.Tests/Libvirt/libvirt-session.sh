#!/usr/bin/env bash
# Starts Debian's libvirtd (libvirt 9.0, the monolithic daemon: Debian 12 ships no virtnodedevd) with only its
# node-device driver, on private runtime directories, runs CMD ARGS with LIBVIRT_DEFAULT_URI pointing at it, stops the
# daemon and exits with CMD's status. Meant to run as the command of `mdev-sim run` (root, /sys = the simulated host):
#   mdev-sim run -- tests/Mdev.Fuse.Tests/Libvirt/libvirt-session.sh virsh nodedev-list --cap mdev_types
# Nothing reaches the host's libvirt: the script first enters a mount namespace of its own (unshare -m) and mounts
# private tmpfs over every directory libvirtd writes (/run/libvirt, /var/lib/libvirt, /var/cache/libvirt,
# /var/log/libvirt) and over /etc/libvirt (its configuration is written there), so the host's sockets, state and
# configuration are neither seen nor touched, and all of it goes when the namespace empties.
# LIBVIRTD_LOG=FILE copies libvirtd's log there when the daemon stops (for failures); the log is also on stderr
# when the daemon does not come up.
set -euo pipefail

if [ "${LIBVIRT_SESSION_INNER:-}" != 1 ]; then
  export LIBVIRT_SESSION_INNER=1
  exec unshare -m --propagation private -- bash "$0" "$@"
fi

for d in /run/libvirt /var/lib/libvirt /var/cache/libvirt /var/log/libvirt /etc/libvirt; do
  mkdir -p "$d"
  mount -t tmpfs -o mode=0755 libvirt-session "$d"
done

# Only the node-device driver is loaded (LIBVIRT_DRIVER_DIR: libvirt looks for its connection drivers there): no
# QEMU, network, storage, firewall or D-Bus work, and the connection URI is the node-device driver's own.
mkdir -p /run/libvirt/session-drivers
ln -s /usr/lib/x86_64-linux-gnu/libvirt/connection-driver/libvirt_driver_nodedev.so /run/libvirt/session-drivers/
export LIBVIRT_DRIVER_DIR=/run/libvirt/session-drivers

cat > /etc/libvirt/libvirtd.conf <<'CONF'
# libvirt-session.sh: local UNIX socket only, no authentication (the socket is in a private tmpfs), a debug log of
# the node-device driver, no TLS/TCP, no admin interface needed.
listen_tls = 0
listen_tcp = 0
unix_sock_dir = "/run/libvirt"
auth_unix_ro = "none"
auth_unix_rw = "none"
log_filters = "1:node_device 1:util.mdev 1:util.command 3:util 3:rpc 3:event 3:object 3:conf"
log_outputs = "1:file:/var/log/libvirt/libvirtd.log"
CONF
: > /etc/libvirt/libvirt.conf

socket=/run/libvirt/libvirt-sock
export LIBVIRT_DEFAULT_URI="nodedev:///system?socket=$socket"

# Its stdout goes to stderr: stdout is CMD's alone.
libvirtd --config /etc/libvirt/libvirtd.conf --pid-file /run/libvirt/libvirtd.pid >&2 &
daemon=$!

stop() {
  kill -TERM "$daemon" 2>/dev/null || true
  wait "$daemon" 2>/dev/null || true
  if [ -n "${LIBVIRTD_LOG:-}" ]; then cp /var/log/libvirt/libvirtd.log "$LIBVIRTD_LOG" 2>/dev/null || true; fi
}
trap stop EXIT

# Up when virsh can talk to it (the socket appears before the drivers are ready): 60 s at most.
for _ in $(seq 600); do
  if ! kill -0 "$daemon" 2>/dev/null; then
    echo "libvirt-session.sh: libvirtd exited" >&2
    cat /var/log/libvirt/libvirtd.log >&2 || true
    exit 125
  fi
  [ -S "$socket" ] && virsh -q uri >/dev/null 2>&1 && break
  sleep 0.1
done
if ! virsh -q uri >/dev/null 2>&1; then
  echo "libvirt-session.sh: libvirtd did not answer on $socket" >&2
  tail -50 /var/log/libvirt/libvirtd.log >&2 || true
  exit 125
fi

set +e
"$@"
status=$?
set -e
exit "$status"
