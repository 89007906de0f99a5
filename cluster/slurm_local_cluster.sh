#!/usr/bin/env bash
# A single-node SLURM cluster on this machine, for testing the workflow's SLURM profile.
#
#   cluster/slurm_local_cluster.sh start  [STATE_DIR]   # default STATE_DIR: /tmp/overparam-slurm
#   cluster/slurm_local_cluster.sh stop   [STATE_DIR]
#   cluster/slurm_local_cluster.sh status [STATE_DIR]
#
# Needs root and Debian's packages (Debian 12):
#   apt-get install munge slurmctld slurmd slurm-client slurmdbd mariadb-server
# The packages cannot start services here (no systemd), so `start` runs every daemon by hand,
# in the foreground, in the background of this script: munged, a MariaDB server (for slurmdbd),
# slurmdbd (job accounting, so that `sacct` answers as on a real cluster: the Snakemake SLURM
# executor polls it to see jobs finish), slurmctld and slurmd. It records each daemon's process
# id under STATE_DIR/pids and waits until the node is idle. `stop` cancels what is still queued
# and stops exactly those processes, by id, in reverse order.
#
# Everything (configuration, database, munge key, spool, logs) lives under STATE_DIR and is
# made afresh on every `start` (an existing STATE_DIR is removed only if it is empty or this
# script made it). Two paths outside it: /etc/slurm/slurm.conf, a symbolic link to
# STATE_DIR/etc/slurm.conf, since SLURM's commands (and the `srun` that runs each job step, whose
# environment the executor strips of SLURM_* variables such as SLURM_CONF) read that path; and
# munged's socket /run/munge/munge.socket.2, which slurmdbd's clients use whatever slurm.conf
# says. The script never replaces an /etc/slurm/slurm.conf it did not make nor runs beside
# another munged, and `stop` removes the link.
#
# The cluster: cluster `overparam`, one partition `debug` (the default) with this host as its only
# node (CPUs and memory as `slurmd -C` reports them), account `overparam` with user root in it
# (accounting enforces associations, so jobs must name a valid account: the profile's
# slurm_account). Jobs run as root. Ports (on 127.0.0.1 only) can be moved with the environment
# variables OVERPARAM_SLURM_PORT_BASE (default 16817: slurmctld, +1 slurmd, +2 slurmdbd) and
# OVERPARAM_SLURM_DB_PORT (default 13306).
set -euo pipefail

CMD=${1:-}
STATE=${2:-/tmp/overparam-slurm}
PORT_BASE=${OVERPARAM_SLURM_PORT_BASE:-16817}
DB_PORT=${OVERPARAM_SLURM_DB_PORT:-13306}
CLUSTER=overparam
ACCOUNT=overparam
PARTITION=debug
ETC_CONF=/etc/slurm/slurm.conf
# daemons in start order; `stop` goes backwards
DAEMONS=(munged mariadbd slurmdbd slurmctld slurmd)

usage() {
    sed -n '2,7p' "$0" | sed 's/^# \{0,1\}//'
    exit 2
}

die() { echo "slurm_local_cluster: $*" >&2; exit 1; }
say() { echo "slurm_local_cluster: $*"; }

need_root() { [ "$(id -u)" -eq 0 ] || die "must run as root"; }

need_programs() {
    local missing=()
    for p in munged mungekey mariadbd mariadb-install-db mariadb slurmdbd slurmctld slurmd \
             sbatch sacct sacctmgr sinfo scontrol scancel squeue setpriv; do
        command -v "$p" >/dev/null 2>&1 || PATH="$PATH:/usr/sbin:/sbin" command -v "$p" >/dev/null 2>&1 || missing+=("$p")
    done
    [ ${#missing[@]} -eq 0 ] || die "missing programs: ${missing[*]} (apt-get install munge slurmctld slurmd slurm-client slurmdbd mariadb-server)"
}

export PATH="$PATH:/usr/sbin:/sbin"

# --- processes started by this script, by id ----------------------------------------------
pid_of() { cat "$STATE/pids/$1.pid" 2>/dev/null || true; }

# true if the recorded process of daemon $1 is alive and still is that program
alive() {
    local pid comm
    pid=$(pid_of "$1")
    [ -n "$pid" ] || return 1
    comm=$(cat "/proc/$pid/comm" 2>/dev/null) || return 1
    # comm is at most 15 characters; compare with the program's name
    [ "$comm" = "$(printf %.15s "$1")" ]
}

# launch NAME COMMAND...: run COMMAND (which must exec the daemon NAME in the foreground) in
# its own session, in the background, with its output in log/NAME.out; record its id.
launch() {
    local name=$1; shift
    setsid "$@" </dev/null >>"$STATE/log/$name.out" 2>&1 &
    echo $! >"$STATE/pids/$name.pid"
}

# wait_for SECONDS WHAT COMMAND...: retry COMMAND until it succeeds
wait_for() {
    local seconds=$1 what=$2; shift 2
    local deadline=$((SECONDS + seconds))
    until "$@" >/dev/null 2>&1; do
        if [ $SECONDS -ge $deadline ]; then
            echo "slurm_local_cluster: timed out after ${seconds}s waiting for $what; logs:" >&2
            for f in "$STATE"/log/*; do echo "== $f" >&2; tail -n 20 "$f" >&2; done
            stop_daemons
            exit 1
        fi
        sleep 0.5
    done
}

stop_daemons() {
    local i name pid
    for ((i = ${#DAEMONS[@]} - 1; i >= 0; i--)); do
        name=${DAEMONS[i]}
        if alive "$name"; then
            pid=$(pid_of "$name")
            kill -TERM "$pid" 2>/dev/null || true
            for _ in $(seq 1 60); do alive "$name" || break; sleep 0.25; done
            if alive "$name"; then
                say "$name ($pid) did not stop on TERM; killing it"
                kill -KILL "$pid" 2>/dev/null || true
                sleep 0.5
            fi
            say "stopped $name ($pid)"
        fi
        rm -f "$STATE/pids/$name.pid"
    done
    if [ -L "$ETC_CONF" ] && [ "$(readlink "$ETC_CONF")" = "$STATE/etc/slurm.conf" ]; then
        rm -f "$ETC_CONF"
    fi
}

# --- configuration -------------------------------------------------------------------------
write_configs() {
    local node_line host cpus mem
    host=$(hostname -s)
    # e.g. "NodeName=vm CPUs=2 Boards=1 SocketsPerBoard=1 CoresPerSocket=2 ThreadsPerCore=1 RealMemory=24105"
    node_line=$(slurmd -C | head -n 1)
    [[ $node_line == NodeName=* ]] || die "unexpected output of slurmd -C: $node_line"
    cpus=$(sed -n 's/.* CPUs=\([0-9]*\).*/\1/p' <<<"$node_line")
    mem=$(sed -n 's/.* RealMemory=\([0-9]*\).*/\1/p' <<<"$node_line")

    cat >"$STATE/etc/slurm.conf" <<EOF
# Written by cluster/slurm_local_cluster.sh for $STATE; removed by its stop.
ClusterName=$CLUSTER
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$PORT_BASE
SlurmdPort=$((PORT_BASE + 1))
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CryptoType=crypto/munge
StateSaveLocation=$STATE/spool/ctld
SlurmdSpoolDir=$STATE/spool/d
SlurmctldPidFile=$STATE/run/slurmctld.pid
SlurmdPidFile=$STATE/run/slurmd.pid
SlurmctldLogFile=$STATE/log/slurmctld.log
SlurmdLogFile=$STATE/log/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
# no cgroups in a container: track processes through /proc, no task binding
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/linux
JobAcctGatherFrequency=30
MpiDefault=none
ReturnToService=2
# squeue shows a finished job this long (the profile's status command relies on it)
MinJobAge=300
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
DefMemPerCPU=1000
# accounting through slurmdbd, so that sacct works as on real clusters
AccountingStorageType=accounting_storage/slurmdbd
AccountingStorageHost=localhost
AccountingStoragePort=$((PORT_BASE + 2))
AccountingStorageEnforce=associations
# keep sbatch --comment (the executor puts the rule name there) in the accounting records
AccountingStoreFlags=job_comment
JobCompType=jobcomp/none
NodeName=$host NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$mem State=UNKNOWN
PartitionName=$PARTITION Nodes=$host Default=YES MaxTime=INFINITE State=UP
EOF

    cat >"$STATE/etc/slurmdbd.conf" <<EOF
# Written by cluster/slurm_local_cluster.sh for $STATE.
AuthType=auth/munge
DbdHost=localhost
DbdAddr=127.0.0.1
DbdPort=$((PORT_BASE + 2))
SlurmUser=root
PidFile=$STATE/run/slurmdbd.pid
LogFile=$STATE/log/slurmdbd.log
DebugLevel=info
StorageType=accounting_storage/mysql
StorageHost=127.0.0.1
StoragePort=$DB_PORT
StorageUser=slurm
StoragePass=slurm
StorageLoc=slurm_acct_db
EOF
    chmod 600 "$STATE/etc/slurmdbd.conf"
}

start() {
    need_root
    need_programs
    if [ -d "$STATE/pids" ]; then
        for name in "${DAEMONS[@]}"; do
            alive "$name" && die "already running ($name, pid $(pid_of "$name")); run: $0 stop $STATE"
        done
    fi
    if munge -n </dev/null >/dev/null 2>&1; then
        die "another munged already serves /run/munge/munge.socket.2 (a cluster of this script not stopped? $0 stop DIR)"
    fi
    if [ -e "$ETC_CONF" ] || [ -L "$ETC_CONF" ]; then
        if [ -L "$ETC_CONF" ] && [[ $(readlink "$ETC_CONF") == */etc/slurm.conf ]] \
            && grep -q '^# Written by [a-z]*/slurm_local_cluster.sh' "$ETC_CONF" 2>/dev/null; then
            rm -f "$ETC_CONF"  # a link left by an earlier run of this script that was not stopped
        elif [ -L "$ETC_CONF" ] && [ ! -e "$ETC_CONF" ]; then
            rm -f "$ETC_CONF"  # a dangling link (its state directory is gone)
        else
            die "$ETC_CONF exists and was not written by this script; not replacing it"
        fi
    fi

    # a fresh state directory; remove an old one only if this script made it
    if [ -e "$STATE" ]; then
        [ -e "$STATE/.slurm_local_cluster" ] || [ -z "$(ls -A "$STATE")" ] \
            || die "$STATE exists and was not made by this script; give another directory"
        rm -rf "$STATE"
    fi
    trap 'echo "slurm_local_cluster: start failed; stopping what it started" >&2; stop_daemons' ERR
    mkdir -p "$STATE"/{etc,pids,log,run,spool/ctld,spool/d,munge,mysql}
    touch "$STATE/.slurm_local_cluster"
    chmod 755 "$STATE" "$STATE/munge"
    write_configs
    mkdir -p /etc/slurm
    ln -s "$STATE/etc/slurm.conf" "$ETC_CONF"

    # munge: a fresh key in the state directory; munged runs as user munge on its default socket
    # (/run/munge/munge.socket.2: slurmdbd's clients do not follow AuthInfo=socket=...)
    mungekey --create --keyfile="$STATE/munge/munge.key" --force >/dev/null
    chown -R munge:munge "$STATE/munge"
    chmod 600 "$STATE/munge/munge.key"
    mkdir -p /run/munge
    chown munge:munge /run/munge
    chmod 755 /run/munge
    launch munged setpriv --reuid=munge --regid=munge --clear-groups \
        munged --foreground --key-file="$STATE/munge/munge.key" \
        --pid-file="$STATE/munge/munged.pid" \
        --seed-file="$STATE/munge/munged.seed" --log-file="$STATE/munge/munged.log"
    wait_for 30 munged bash -c "munge -n | unmunge"

    # MariaDB for slurmdbd: TCP on 127.0.0.1 only
    chown mysql:mysql "$STATE/mysql"
    mariadb-install-db --no-defaults --user=mysql --datadir="$STATE/mysql/data" \
        --auth-root-authentication-method=socket --skip-test-db >"$STATE/log/mariadb-install.out" 2>&1 \
        || { tail -n 30 "$STATE/log/mariadb-install.out" >&2; die "mariadb-install-db failed"; }
    launch mariadbd mariadbd --no-defaults --user=mysql --datadir="$STATE/mysql/data" \
        --socket="$STATE/mysql/mysqld.sock" --pid-file="$STATE/mysql/mysqld.pid" \
        --port="$DB_PORT" --bind-address=127.0.0.1 --skip-name-resolve \
        --log-error="$STATE/log/mariadb.log" --innodb-buffer-pool-size=64M
    wait_for 60 mariadbd mariadb --no-defaults --socket="$STATE/mysql/mysqld.sock" -u root -e "SELECT 1"
    mariadb --no-defaults --socket="$STATE/mysql/mysqld.sock" -u root <<'EOF'
CREATE DATABASE IF NOT EXISTS slurm_acct_db;
CREATE USER IF NOT EXISTS 'slurm'@'127.0.0.1' IDENTIFIED BY 'slurm';
GRANT ALL ON slurm_acct_db.* TO 'slurm'@'127.0.0.1';
FLUSH PRIVILEGES;
EOF

    # slurmdbd reads slurmdbd.conf from the directory of $SLURM_CONF
    launch slurmdbd env SLURM_CONF="$STATE/etc/slurm.conf" slurmdbd -D
    wait_for 60 slurmdbd sacctmgr -n list cluster
    # the cluster, an account and root in it (sacctmgr -i: no confirmation prompt)
    sacctmgr -i add cluster "$CLUSTER" >/dev/null
    sacctmgr -i add account "$ACCOUNT" Cluster="$CLUSTER" Description="overparam tests" Organization=overparam >/dev/null
    sacctmgr -i add user root Account="$ACCOUNT" Cluster="$CLUSTER" DefaultAccount="$ACCOUNT" >/dev/null

    launch slurmctld slurmctld -D -f "$STATE/etc/slurm.conf"
    wait_for 60 slurmctld scontrol ping
    launch slurmd slurmd -D -f "$STATE/etc/slurm.conf" -N "$(hostname -s)"
    wait_for 90 "the node to be idle" bash -c '[ "$(sinfo -h -N -o %t | sort -u)" = idle ]'
    # slurmctld registers with slurmdbd on start; jobs must be accounted before we hand over
    wait_for 60 "slurmctld to register with slurmdbd" bash -c "sacctmgr -n -P list cluster format=cluster,controlport | grep -q '^$CLUSTER|$PORT_BASE\$'"
    trap - ERR
    say "up: cluster $CLUSTER, partition $PARTITION, account $ACCOUNT, node $(sinfo -h -N -o '%N %c CPUs %m MB %t'); state in $STATE"
}

stop() {
    need_root
    [ -d "$STATE" ] || { say "nothing to stop in $STATE"; return 0; }
    if alive slurmctld; then
        # cancel what this cluster still runs, so that no job step outlives its slurmd
        scancel --cluster="$CLUSTER" --user=root 2>/dev/null || true
        for _ in $(seq 1 40); do
            [ -z "$(squeue -h -o %i 2>/dev/null)" ] && break
            sleep 0.25
        done
    fi
    stop_daemons
}

status() {
    local name
    for name in "${DAEMONS[@]}"; do
        if alive "$name"; then echo "$name: running (pid $(pid_of "$name"))"; else echo "$name: stopped"; fi
    done
    if alive slurmctld; then sinfo; fi
}

case "$CMD" in
    start) start ;;
    stop) stop ;;
    status) status ;;
    *) usage ;;
esac
