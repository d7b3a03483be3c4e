#!/usr/bin/env bash
# The production topology the README recommends, brought up on this machine from Debian's packages:
#   nginx :58080 → two gunicorn app processes (:58001, :58002) for people (console, phones, API), and a third
#   (:58003) for machines (/api/v1/ingest/: devices, other platforms), so a storm of alarms queues behind its own
#   workers and not in front of a dispatcher's page; the others take over the ingest when it is down
#   pgbouncer :56432 (transaction pooling) → PostgreSQL 15 primary :55432, streaming replica :55433 (pg_basebackup),
#   synchronous: a commit is acknowledged once the replica has it, so a fail-over loses nothing accepted
#   Redis :56379 for the Huey queue, two Huey workers; photos on the filesystem, sent by nginx (X-Accel-Redirect)
# Usage: deploy/topology.sh up|down|env|ports|failover|restart postgres|redis   (state under $TOPOLOGY_DIR, default
# /tmp/gridgov-topology; every port moved by $TOPOLOGY_PORT_OFFSET, default 0, to run two topologies side by side)
# `env` prints the environment the app processes run with (to run a management command against the topology),
# `ports` the ports it listens on (WEB=58080 PRIMARY=55432 …).
# `failover` stops the primary as a crash would, promotes the replica and points pgbouncer at it (docs/failover.md).
# Everything runs as the invoking user except PostgreSQL and pgbouncer, which run as `postgres` when invoked as root.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
DIR=${TOPOLOGY_DIR:-/tmp/gridgov-topology}
PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
V="$ROOT/.venv/bin"
OFF=${TOPOLOGY_PORT_OFFSET:-0}
PRIMARY=$((55432 + OFF)) REPLICA=$((55433 + OFF)) PGBOUNCER=$((56432 + OFF)) REDIS=$((56379 + OFF))
APP1=$((58001 + OFF)) APP2=$((58002 + OFF)) INGEST=$((58003 + OFF)) WEB=$((58080 + OFF))

ports() {
  echo "WEB=$WEB APP1=$APP1 APP2=$APP2 INGEST=$INGEST PGBOUNCER=$PGBOUNCER PRIMARY=$PRIMARY REPLICA=$REPLICA REDIS=$REDIS" | tr ' ' '\n'
}

as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

app_env() {
  cat <<EOF
DJANGO_SETTINGS_MODULE=gridgov.settings.prod
SECRET_KEY=topology-secret-key-for-this-machine-only-0123456789
GRIDGOV_PII_KEY=topology-pii-key-for-this-machine-only
GRIDGOV_DATA_DIR=$DIR/data
DATABASE_URL=postgres://postgres@127.0.0.1:$PGBOUNCER/gridgov
DB_TRANSACTION_POOLING=1
DB_CONN_MAX_AGE=0
DATABASE_REPLICA_URL=postgres://postgres@127.0.0.1:$REPLICA/gridgov
REDIS_URL=redis://127.0.0.1:$REDIS/0
ALLOWED_HOSTS=127.0.0.1,localhost
CSRF_TRUSTED_ORIGINS=http://127.0.0.1:$WEB
TRUSTED_PROXIES=1
PRIVATE_MEDIA_ACCEL_PREFIX=/protected-media/
SECURE_SSL_REDIRECT=0
SECURE_COOKIES=0
EOF
}

with_env() { env $(app_env | xargs) "$@"; }

# Redis holds only the queue and the cache: without persistence, a restart loses queued tasks, which the sweep
# redoes from the database (nothing that must not be lost lives in Redis).
redis_start() {
  redis-server --port $REDIS --bind 127.0.0.1 --daemonize yes --save "" --appendonly no \
    --pidfile "$DIR/redis.pid" --dir "$DIR" --logfile "$DIR/redis.log"
  for _ in $(seq 1 40); do [ -s "$DIR/redis.pid" ] && break; sleep 0.1; done
}

up() {
  if ! command -v nginx >/dev/null || ! command -v pgbouncer >/dev/null; then
    if [ "$(id -u)" = 0 ]; then
      echo "== Installing nginx and pgbouncer (Debian packages)"
      apt-get install -y -qq nginx-light pgbouncer >/dev/null 2>&1 || { apt-get update -qq && \
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx-light pgbouncer >/dev/null; }
    else
      echo "nginx and pgbouncer are needed: sudo apt-get install nginx-light pgbouncer" >&2; exit 1
    fi
  fi
  down >/dev/null 2>&1 || true
  local port
  for port in $PRIMARY $REPLICA $PGBOUNCER $REDIS $APP1 $APP2 $INGEST $WEB; do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "port $port is taken (another topology, or another program): stop it, or move this one with" \
        "TOPOLOGY_PORT_OFFSET (e.g. 100)" >&2
      exit 1
    fi
  done
  rm -rf "$DIR"; mkdir -p "$DIR/data/media" "$DIR/nginx"
  chmod 755 "$DIR"
  [ "$(id -u)" = 0 ] && chown postgres "$DIR"

  echo "== PostgreSQL primary :$PRIMARY"
  as_pg "$PGBIN/initdb" -D "$DIR/pg1" -A trust -U postgres --no-sync >"$DIR/initdb.log"
  cat >>"$DIR/pg1/postgresql.conf" <<EOF
port = $PRIMARY
listen_addresses = '127.0.0.1'
unix_socket_directories = '$DIR'
wal_level = replica
max_wal_senders = 5
hot_standby = on
fsync = on
EOF
  as_pg "$PGBIN/pg_ctl" -D "$DIR/pg1" -l "$DIR/pg1.log" -w start >/dev/null
  as_pg "$PGBIN/createdb" -h 127.0.0.1 -p $PRIMARY -U postgres gridgov

  echo "== PostgreSQL streaming replica :$REPLICA (pg_basebackup)"
  as_pg "$PGBIN/pg_basebackup" -h 127.0.0.1 -p $PRIMARY -U postgres -D "$DIR/pg2" -R -X stream -c fast
  # (-c fast: an immediate checkpoint, not a spread one of minutes) cluster_name is the name the replica gives the primary (its walreceiver's application_name)
  printf "port = $REPLICA\ncluster_name = 'replica'\n" | as_pg tee -a "$DIR/pg2/postgresql.auto.conf" >/dev/null
  as_pg "$PGBIN/pg_ctl" -D "$DIR/pg2" -l "$DIR/pg2.log" -w start >/dev/null
  # Synchronous replication, set on the primary only (after the base backup, so the replica does not inherit it
  # and a promoted replica does not wait for a standby it does not have).
  as_pg "$PGBIN/psql" -q -h 127.0.0.1 -p $PRIMARY -U postgres -c "ALTER SYSTEM SET synchronous_standby_names = 'replica'" \
    -c "SELECT pg_reload_conf()" >/dev/null

  echo "== pgbouncer :$PGBOUNCER (transaction pooling)"
  cat >"$DIR/pgbouncer.ini" <<EOF
[databases]
gridgov = host=127.0.0.1 port=$PRIMARY dbname=gridgov user=postgres
[pgbouncer]
listen_addr = 127.0.0.1
listen_port = $PGBOUNCER
unix_socket_dir =
auth_type = trust
auth_file = $DIR/userlist.txt
pool_mode = transaction
max_client_conn = 400
default_pool_size = 20
logfile = $DIR/pgbouncer.log
pidfile = $DIR/pgbouncer.pid
EOF
  echo '"postgres" ""' >"$DIR/userlist.txt"
  [ "$(id -u)" = 0 ] && chown postgres "$DIR/pgbouncer.ini" "$DIR/userlist.txt"
  as_pg pgbouncer -d "$DIR/pgbouncer.ini"
  for _ in $(seq 1 40); do [ -s "$DIR/pgbouncer.pid" ] && break; sleep 0.25; done

  echo "== Redis :$REDIS"
  redis_start

  echo "== migrate (on the primary), collectstatic"
  with_env DATABASE_URL=postgres://postgres@127.0.0.1:$PRIMARY/gridgov "$V/gridgov" migrate --noinput >"$DIR/migrate.log"
  with_env "$V/gridgov" collectstatic --noinput >"$DIR/collectstatic.log"

  echo "== gunicorn app processes :$APP1 :$APP2 (people) and :$INGEST (machines' ingest), two Huey workers"
  # (pid and log files by role: gunicorn-1/-2 for people, gunicorn-ingest; --no-control-socket: the control socket
  # of gunicorn 27 is one path in ~/.gunicorn, which the three would take from each other)
  local name port workers
  for name in 1 2 ingest; do
    case $name in 1) port=$APP1 workers=2 ;; 2) port=$APP2 workers=2 ;; ingest) port=$INGEST workers=${INGEST_WORKERS:-2} ;; esac
    with_env "$V/gunicorn" gridgov.wsgi -w "$workers" -b "127.0.0.1:$port" --daemon --pid "$DIR/gunicorn-$name.pid" \
      --access-logfile "$DIR/gunicorn-$name.log" --error-logfile "$DIR/gunicorn-$name.err" --no-control-socket
  done
  for n in 1 2; do  # nohup execs env, which execs the worker: $! is the worker's own pid
    nohup env $(app_env | xargs) "$V/gridgov" run_huey >"$DIR/huey-$n.log" 2>&1 &
    echo $! >"$DIR/huey-$n.pid"
  done

  echo "== nginx :$WEB"
  cat >"$DIR/nginx/nginx.conf" <<EOF
worker_processes 2;
pid $DIR/nginx/nginx.pid;
error_log $DIR/nginx/error.log;
events { worker_connections 1024; }
http {
  include /etc/nginx/mime.types;
  access_log $DIR/nginx/access.log;
  client_max_body_size 100m;
  client_body_temp_path $DIR/nginx/body;
  proxy_temp_path $DIR/nginx/proxy;
  fastcgi_temp_path $DIR/nginx/fastcgi;
  uwsgi_temp_path $DIR/nginx/uwsgi;
  scgi_temp_path $DIR/nginx/scgi;
  upstream gridgov { server 127.0.0.1:$APP1 max_fails=1 fail_timeout=10s; server 127.0.0.1:$APP2 max_fails=1 fail_timeout=10s; }
  upstream ingest { server 127.0.0.1:$INGEST max_fails=1 fail_timeout=10s; server 127.0.0.1:$APP1 backup; server 127.0.0.1:$APP2 backup; }
  server {
    listen 127.0.0.1:$WEB;
    location /protected-media/ { internal; alias $DIR/data/media/; }
    location /static/ { alias $DIR/data/static/; }
    location /api/v1/ingest/ {
      proxy_pass http://ingest;
      proxy_next_upstream error timeout http_502 non_idempotent;
      proxy_set_header Host \$host:\$server_port;
      proxy_set_header X-Forwarded-Proto \$scheme;
      proxy_set_header X-Forwarded-For \$remote_addr;
    }
    location / {
      proxy_pass http://gridgov;
      proxy_next_upstream error timeout http_502 non_idempotent;
      proxy_set_header Host \$host:\$server_port;
      proxy_set_header X-Forwarded-Proto \$scheme;
      proxy_set_header X-Forwarded-For \$remote_addr;
    }
  }
}
EOF
  nginx -c "$DIR/nginx/nginx.conf" -p "$DIR/nginx" -g "user $(id -un);" 2>>"$DIR/nginx/error.log"

  # The app processes load Django and the triage model first: on a busy 2-core machine that can take a minute.
  for i in $(seq 1 240); do
    if curl -fsS -o /dev/null http://127.0.0.1:$WEB/healthz 2>/dev/null; then break; fi; sleep 0.5
  done
  if ! curl -fsS http://127.0.0.1:$WEB/healthz >/dev/null; then
    echo "the app did not answer through nginx in 2 minutes; the logs' last lines:" >&2
    tail -n 20 "$DIR"/gunicorn-*.err "$DIR/nginx/error.log" "$DIR/pgbouncer.log" "$DIR/pg1.log" >&2 || true
    exit 1
  fi
  echo "gridgov topology up: http://127.0.0.1:$WEB/ (state in $DIR; 'deploy/topology.sh down' stops it)"
}

down() {
  [ -f "$DIR/nginx/nginx.pid" ] && nginx -c "$DIR/nginx/nginx.conf" -p "$DIR/nginx" -s stop 2>/dev/null || true
  # app processes, workers, Redis, pgbouncer: asked to stop, given a few seconds to finish, then stopped for good
  local pids=() f pid
  for f in "$DIR"/gunicorn-*.pid "$DIR"/huey-*.pid "$DIR/redis.pid" "$DIR/pgbouncer.pid"; do
    [ -s "$f" ] && pids+=("$(cat "$f")")
  done
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do
    for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
    kill -9 "$pid" 2>/dev/null || true
  done
  for pg in pg2 pg1; do [ -d "$DIR/$pg" ] && as_pg "$PGBIN/pg_ctl" -D "$DIR/$pg" -m fast -w stop >/dev/null 2>&1 || true; done
  echo "gridgov topology down"
}

restart() {
  case "${1:-}" in
    postgres)
      echo "== PostgreSQL primary :$PRIMARY restarts (fast: open transactions are cut)"
      as_pg "$PGBIN/pg_ctl" -D "$DIR/pg1" -l "$DIR/pg1.log" -m fast -w restart >/dev/null ;;
    redis)
      echo "== Redis :$REDIS restarts (its queue is lost)"
      local pid; pid=$(cat "$DIR/redis.pid")
      kill "$pid"; for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      rm -f "$DIR/redis.pid"; redis_start ;;
    *) echo "usage: $0 restart postgres|redis" >&2; exit 2 ;;
  esac
}

failover() {
  echo "== the primary :$PRIMARY stops as in a crash"
  as_pg "$PGBIN/pg_ctl" -D "$DIR/pg1" -m immediate -w stop >/dev/null
  echo "== the replica :$REPLICA is promoted"
  as_pg "$PGBIN/pg_ctl" -D "$DIR/pg2" -w promote >/dev/null
  echo "== pgbouncer points at it (RELOAD: new server connections go to :$REPLICA)"
  sed -i "s/port=$PRIMARY /port=$REPLICA /" "$DIR/pgbouncer.ini"
  kill -HUP "$(cat "$DIR/pgbouncer.pid")"
  echo "failed over: the primary is now :$REPLICA (no replica until one is rebuilt from it, docs/failover.md)"
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  env) app_env ;;
  ports) ports ;;
  failover) failover ;;
  restart) restart "${2:-}" ;;
  *) echo "usage: $0 up|down|env|ports|failover|restart postgres|redis" >&2; exit 2 ;;
esac
