#!/bin/sh
# Starts munge, slurmctld and slurmd, then sshd as every lab host does.
set -eu
# One node, named as the container is: SLURM finds its own node by the host name.
sed -i "s/@HOST@/$(hostname)/g" /etc/slurm/slurm.conf
mkdir -p /run/munge /run/sshd
chown munge:munge /run/munge
[ -s /etc/munge/munge.key ] || { dd if=/dev/urandom bs=1 count=1024 of=/etc/munge/munge.key 2>/dev/null; }
chown munge:munge /etc/munge/munge.key
chmod 400 /etc/munge/munge.key
su -s /bin/sh munge -c /usr/sbin/munged
slurmctld
slurmd
exec /usr/local/bin/lab-entrypoint "$@"
