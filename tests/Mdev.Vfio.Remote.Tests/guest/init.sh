#!/bin/sh
# The guest's /init. Prints what the QEMU tests assert, as lines that begin with "T: ".
# mdev_test=loop: every 8250_pci port echoes a line back through mtty, then power off.
# mdev_test=wait: says "T: ready" and waits (the test removes the device or kills QEMU).
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
mode="$(tr ' ' '\n' < /proc/cmdline | grep '^mdev_test=' | head -1)"
for d in /sys/bus/pci/devices/*; do
  drv="$(basename "$(readlink "$d/driver" 2>/dev/null)" 2>/dev/null)"
  echo "T: pci $(basename "$d") $(cat "$d/vendor"):$(cat "$d/device") class=$(cat "$d/class") driver=${drv:-none}"
done
dmesg | grep 'is a ' | grep ttyS | sed 's/^\[[^]]*\] /T: dmesg /'
if [ "$mode" = "mdev_test=loop" ]; then
  for port in $(dmesg | grep '0000:00:0' | grep -o 'ttyS[0-9]*'); do
    stty -F "/dev/$port" raw -echo 115200
    cat "/dev/$port" > "/tmp.$port" &
    reader=$!
    sleep 0.3
    echo "mdev-loop-$port-0123456789abcdef" > "/dev/$port"
    sleep 0.5
    kill "$reader"
    echo "T: loop $port $(cat "/tmp.$port" | tr -d '\r\n')"
  done
  grep -E '^ *(10|11):' /proc/interrupts | tr -s ' ' | sed 's/^/T: irq /'
  grep -E '^[0-9]+:' /proc/tty/driver/serial | grep -v 'uart:unknown' | sed 's/^/T: serial /'
  echo "T: done"
  poweroff -f
fi
echo "T: ready"
while true; do sleep 1; done
