#!/bin/sh
# Entrypoint for lab hosts and bastion.
#  Host keys:       mount a dir at /lab/hostkeys containing ssh_host_*_key (+ .pub); else generated (ssh-keygen -A).
#  authorized_keys: mount file /lab/authorized_keys, or env LAB_AUTHORIZED_KEYS (newline-separated keys).
#  LAB_DOCKERD=1    start inner dockerd (storage /var/lib/docker -> mount a tmpfs there), log /var/log/dockerd.log.
#  LAB_DOCKERD_ARGS extra dockerd args (e.g. "--bip 10.200.0.1/24").
set -eu
mkdir -p /run/sshd /root/.ssh
chmod 700 /root/.ssh
if ls /lab/hostkeys/ssh_host_*_key >/dev/null 2>&1; then
  for k in /lab/hostkeys/ssh_host_*_key; do
    b=$(basename "$k")
    install -m 600 "$k" "/etc/ssh/$b"
    [ -f "$k.pub" ] && install -m 644 "$k.pub" "/etc/ssh/$b.pub"
  done
fi
ls /etc/ssh/ssh_host_*_key >/dev/null 2>&1 || ssh-keygen -A >/dev/null
: >/root/.ssh/authorized_keys
[ -f /lab/authorized_keys ] && cat /lab/authorized_keys >>/root/.ssh/authorized_keys
[ -n "${LAB_AUTHORIZED_KEYS:-}" ] && printf '%s\n' "$LAB_AUTHORIZED_KEYS" >>/root/.ssh/authorized_keys
chmod 600 /root/.ssh/authorized_keys
if [ "${LAB_DOCKERD:-0}" = 1 ] && command -v dockerd >/dev/null; then
  # shellcheck disable=SC2086
  dockerd ${LAB_DOCKERD_ARGS:-} >/var/log/dockerd.log 2>&1 &
fi
# any arguments replace sshd (debugging: docker run IMG bash)
[ "$#" -gt 0 ] && exec "$@"
exec /usr/sbin/sshd -D -e
