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
# Accounting: MariaDB, slurmdbd, then the cluster, its account and its user, before slurmctld starts.
mkdir -p /run/mysqld && chown mysql:mysql /run/mysqld
mysqld_safe >/dev/null 2>&1 &
for _ in $(seq 1 60); do mysqladmin ping >/dev/null 2>&1 && break; sleep 0.5; done
mysql -e "CREATE DATABASE IF NOT EXISTS slurm_acct_db; CREATE USER IF NOT EXISTS 'slurm'@'localhost' IDENTIFIED BY 'lab-only-password';
  GRANT ALL ON slurm_acct_db.* TO 'slurm'@'localhost'; FLUSH PRIVILEGES;"
slurmdbd
for _ in $(seq 1 60); do sacctmgr -n list cluster >/dev/null 2>&1 && break; sleep 0.5; done
sacctmgr -i add cluster lab >/dev/null 2>&1 || true
sacctmgr -i add account lab Cluster=lab Description=lab Organization=lab >/dev/null 2>&1 || true
sacctmgr -i add user root Account=lab DefaultAccount=lab >/dev/null 2>&1 || true
slurmctld
slurmd
exec /usr/local/bin/lab-entrypoint "$@"
