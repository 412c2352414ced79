#!/usr/bin/env bash
# A throwaway high-availability PostgreSQL cluster on one machine, every port on 127.0.0.1:
#   etcd (the consensus store) → Patroni managing N PostgreSQL nodes with synchronous replication
#   → HAProxy in front, routing by Patroni's REST health check (the primary port takes writes,
#   the replica port reads from a streaming standby).
# All data lives under one directory (HA_DIR, default a new temp dir); `stop` kills everything and removes it.
#
#   scripts/ha-cluster.sh start   [--nodes 3]   prints the URLs as shell lines (HA_DIR=…, HA_PRIMARY_URL=…)
#   scripts/ha-cluster.sh status                the members as Patroni sees them
#   scripts/ha-cluster.sh stop
#
# Ports: HA_PORT_BASE (default 15400): +0 HAProxy primary, +1 HAProxy replica, +2 HAProxy stats,
#   +3/+4 etcd client/peer, +10+i PostgreSQL node i, +20+i Patroni REST of node i.
# Needs the Debian packages patroni, etcd-server, haproxy and PostgreSQL 15 server binaries.
set -euo pipefail

BASE=${HA_PORT_BASE:-15400}
STATE_FILE=${HA_STATE_FILE:-/tmp/hotline-ha-cluster.state}
PG_BIN=${HA_PG_BIN:-/usr/lib/postgresql/15/bin}

need() {
  local missing=()
  command -v patroni >/dev/null || missing+=(patroni)
  command -v etcd >/dev/null || missing+=(etcd-server)
  command -v haproxy >/dev/null || missing+=(haproxy)
  [ -x "$PG_BIN/postgres" ] || missing+=(postgresql-15)
  if [ ${#missing[@]} -gt 0 ]; then
    echo "缺少软件包：${missing[*]}" >&2
    echo "安装：apt-get install -y --no-install-recommends ${missing[*]}" >&2
    exit 3
  fi
}

# PostgreSQL refuses to run as root: as root the cluster runs as Debian's postgres user.
RUN_AS=()
if [ "$(id -u)" = 0 ]; then RUN_AS=(setpriv --reuid=postgres --regid=postgres --init-groups --); fi

wait_for() { # description, seconds, command...
  local what=$1 seconds=$2; shift 2
  local deadline=$((SECONDS + seconds))
  until "$@" >/dev/null 2>&1; do
    if [ $SECONDS -ge $deadline ]; then echo "等待超时：$what" >&2; return 1; fi
    sleep 0.5
  done
}

start() {
  local nodes=3
  while [ $# -gt 0 ]; do
    case $1 in
      --nodes) nodes=$2; shift 2 ;;
      *) echo "不认识的选项 $1" >&2; exit 2 ;;
    esac
  done
  if [ "$nodes" -lt 2 ] || [ "$nodes" -gt 5 ]; then echo "--nodes 须为 2 到 5" >&2; exit 2; fi
  need
  if [ -f "$STATE_FILE" ]; then echo "已有运行中的集群（$STATE_FILE），先执行 stop" >&2; exit 2; fi
  local dir=${HA_DIR:-$(mktemp -d /tmp/hotline-ha.XXXXXX)}
  mkdir -p "$dir"
  chmod 0755 "$dir"
  [ "$(id -u)" = 0 ] && chown postgres:postgres "$dir"
  echo "HA_DIR=$dir" >"$STATE_FILE"
  echo "HA_NODES=$nodes" >>"$STATE_FILE"

  # etcd: one member is enough here (it is the consensus store, not what is being made redundant).
  "${RUN_AS[@]}" etcd --name etcd0 --data-dir "$dir/etcd" \
    --listen-client-urls "http://127.0.0.1:$((BASE + 3))" --advertise-client-urls "http://127.0.0.1:$((BASE + 3))" \
    --listen-peer-urls "http://127.0.0.1:$((BASE + 4))" --initial-advertise-peer-urls "http://127.0.0.1:$((BASE + 4))" \
    --initial-cluster "etcd0=http://127.0.0.1:$((BASE + 4))" --initial-cluster-state new \
    >"$dir/etcd.log" 2>&1 &
  echo "ETCD_PID=$!" >>"$STATE_FILE"
  wait_for etcd 30 curl -sf "http://127.0.0.1:$((BASE + 3))/health"

  local i
  for ((i = 0; i < nodes; i++)); do
    local pgport=$((BASE + 10 + i)) rest=$((BASE + 20 + i))
    cat >"$dir/patroni$i.yml" <<EOF
scope: hotline
name: pg$i
restapi:
  listen: 127.0.0.1:$rest
  connect_address: 127.0.0.1:$rest
etcd3:
  hosts: 127.0.0.1:$((BASE + 3))
bootstrap:
  dcs:
    ttl: 10
    loop_wait: 2
    retry_timeout: 4
    maximum_lag_on_failover: 1048576
    # Every commit waits for a synchronous standby, and Patroni promotes only that standby: an
    # acknowledged commit survives the loss of the primary. Strict: with no standby left, writes
    # wait instead of going on unreplicated.
    synchronous_mode: true
    synchronous_mode_strict: $([ "$nodes" -ge 3 ] && echo false || echo true)
    postgresql:
      use_pg_rewind: true
      parameters:
        synchronous_commit: 'on'
        wal_level: replica
        hot_standby: 'on'
        max_connections: 200
        max_wal_senders: 10
        max_replication_slots: 10
        wal_log_hints: 'on'
        shared_buffers: 128MB
  initdb:
    - encoding: UTF8
    - locale: C.UTF-8
    - data-checksums
  pg_hba:
    - host replication replicator 127.0.0.1/32 scram-sha-256
    - host all all 127.0.0.1/32 scram-sha-256
postgresql:
  listen: 127.0.0.1:$pgport
  connect_address: 127.0.0.1:$pgport
  data_dir: $dir/pg$i
  bin_dir: $PG_BIN
  pgpass: $dir/pgpass$i
  authentication:
    replication:
      username: replicator
      password: replicator-pass
    superuser:
      username: postgres
      password: postgres-pass
  parameters:
    unix_socket_directories: '$dir'
tags:
  nofailover: false
  noloadbalance: false
EOF
    [ "$(id -u)" = 0 ] && chown postgres:postgres "$dir/patroni$i.yml"
    "${RUN_AS[@]}" patroni "$dir/patroni$i.yml" >"$dir/patroni$i.log" 2>&1 &
    echo "PATRONI${i}_PID=$!" >>"$STATE_FILE"
    # The first node bootstraps the cluster; the others then clone it with pg_basebackup.
    if [ "$i" = 0 ]; then wait_for "pg0 成为主库" 90 curl -sf "http://127.0.0.1:$rest/primary"; fi
  done

  local servers_primary="" servers_replica=""
  for ((i = 0; i < nodes; i++)); do
    local line="    server pg$i 127.0.0.1:$((BASE + 10 + i)) maxconn 100 check port $((BASE + 20 + i))"
    servers_primary+="$line"$'\n'
    servers_replica+="$line"$'\n'
  done
  cat >"$dir/haproxy.cfg" <<EOF
global
    maxconn 1000
defaults
    mode tcp
    log global
    retries 2
    timeout client 30m
    timeout connect 4s
    timeout server 30m
    timeout check 2s
listen stats
    mode http
    bind 127.0.0.1:$((BASE + 2))
    stats enable
    stats uri /
listen primary
    bind 127.0.0.1:$BASE
    option httpchk OPTIONS /primary
    http-check expect status 200
    # A node that stops being the primary loses its sessions at once: clients reconnect to the new one.
    default-server inter 1s fall 2 rise 2 on-marked-down shutdown-sessions
$servers_primary
listen replicas
    bind 127.0.0.1:$((BASE + 1))
    balance roundrobin
    option httpchk OPTIONS /replica
    http-check expect status 200
    default-server inter 1s fall 2 rise 2 on-marked-down shutdown-sessions
$servers_replica
EOF
  haproxy -f "$dir/haproxy.cfg" -D -p "$dir/haproxy.pid" >"$dir/haproxy.log" 2>&1
  echo "HAPROXY_PIDFILE=$dir/haproxy.pid" >>"$STATE_FILE"

  for ((i = 1; i < nodes; i++)); do
    wait_for "pg$i 成为备库" 120 curl -sf "http://127.0.0.1:$((BASE + 20 + i))/replica"
  done
  wait_for "同步备库" 60 sync_standby_present
  wait_for "HAProxy 主库端口" 30 env PGPASSWORD=postgres-pass "$PG_BIN/psql" -h 127.0.0.1 -p "$BASE" -U postgres -d postgres -Atc 'select 1'
  echo "HA_DIR=$dir"
  echo "HA_PRIMARY_URL=postgres://postgres:postgres-pass@127.0.0.1:$BASE/postgres"
  echo "HA_REPLICA_URL=postgres://postgres:postgres-pass@127.0.0.1:$((BASE + 1))/postgres"
  echo "HA_STATE_FILE=$STATE_FILE"
}

sync_standby_present() {
  curl -sf "http://127.0.0.1:$((BASE + 20))/cluster" | grep -q '"role": *"sync_standby"'
}

status() {
  [ -f "$STATE_FILE" ] || { echo "没有运行中的集群" >&2; exit 1; }
  # shellcheck disable=SC1090
  . "$STATE_FILE"
  local i
  for ((i = 0; i < HA_NODES; i++)); do
    if curl -sf "http://127.0.0.1:$((BASE + 20 + i))/cluster"; then echo; return 0; fi
  done
  echo "没有节点应答" >&2
  exit 1
}

stop() {
  [ -f "$STATE_FILE" ] || { echo "没有运行中的集群"; return 0; }
  # shellcheck disable=SC1090
  . "$STATE_FILE"
  [ -f "${HAPROXY_PIDFILE:-/nonexistent}" ] && kill "$(cat "$HAPROXY_PIDFILE")" 2>/dev/null || true
  local i pid
  for ((i = 0; i < ${HA_NODES:-0}; i++)); do
    pid=$(eval echo "\${PATRONI${i}_PID:-}")
    [ -n "$pid" ] && kill "$pid" 2>/dev/null || true
  done
  # Patroni stops its PostgreSQL on SIGTERM; a node whose Patroni was SIGKILLed leaves its postmaster behind.
  for ((i = 0; i < ${HA_NODES:-0}; i++)); do
    pid=$(eval echo "\${PATRONI${i}_PID:-}")
    [ -n "$pid" ] && wait_for "Patroni $i 退出" 30 bash -c "! kill -0 $pid" || true
    if [ -f "$HA_DIR/pg$i/postmaster.pid" ]; then
      pid=$(head -1 "$HA_DIR/pg$i/postmaster.pid")
      kill -QUIT "$pid" 2>/dev/null || true
    fi
  done
  [ -n "${ETCD_PID:-}" ] && kill "$ETCD_PID" 2>/dev/null || true
  sleep 0.5
  rm -rf "$HA_DIR"
  rm -f "$STATE_FILE"
  echo "集群已停止并删除（$HA_DIR）"
}

case ${1:-} in
  start) shift; start "$@" ;;
  stop) stop ;;
  status) status ;;
  *) echo "用法: $0 start [--nodes 3] | status | stop" >&2; exit 2 ;;
esac
