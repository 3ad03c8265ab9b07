#!/usr/bin/env bash
# Starts (and installs, where missing) the real services the tests need, and stops only what it started.
#   scripts/services.sh up     PostgreSQL 5432, MariaDB 3306, Redis 6379, RabbitMQ 5672 on 127.0.0.1
#   scripts/services.sh down   stops what 'up' started (listed in .run/started)
# Kafka runs in-process in the tests (KafkaClusterTestKit); the SNS/SQS emulator is started by the AWS tests.
set -euo pipefail
cd "$(dirname "$0")/.."
RUN=.run
mkdir -p "$RUN"
STARTED="$RUN/started"
touch "$STARTED"

listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

wait_port() { # port seconds name
  for _ in $(seq 1 "$2"); do listening "$1" && return 0; sleep 1; done
  echo "services: $3 did not open port $1 within $2 s" >&2; return 1
}

apt_install() {
  if [ -z "${APT_UPDATED:-}" ]; then apt-get update -qq >/dev/null; APT_UPDATED=1; fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

up_postgres() {
  listening 5432 && return 0
  command -v pg_ctlcluster >/dev/null || apt_install postgresql
  local v; v=$(ls /etc/postgresql | sort -V | tail -1)
  pg_ctlcluster --skip-systemctl-redirect "$v" main start
  wait_port 5432 30 PostgreSQL
  echo postgres >> "$STARTED"
  # the tests use database 'test' as user 'postgres' (trust auth on this kind of machine)
  su postgres -c "psql -tAc \"select 1 from pg_database where datname='test'\"" | grep -q 1 \
    || su postgres -c "createdb test"
}

up_redis() {
  listening 6379 && return 0
  command -v redis-server >/dev/null || apt_install redis-server
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no
  wait_port 6379 20 Redis
  echo redis >> "$STARTED"
}

up_mariadb() {
  listening 3306 && return 0
  command -v mariadbd >/dev/null || apt_install mariadb-server
  mkdir -p /run/mysqld && chown mysql:mysql /run/mysqld 2>/dev/null || true
  start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd
  wait_port 3306 60 MariaDB
  echo mariadb >> "$STARTED"
  # the tests use database 'test' as root with an empty password over TCP (as on this kind of machine)
  mariadb -uroot -e "CREATE DATABASE IF NOT EXISTS test" >/dev/null 2>&1 || true
}

up_rabbitmq() {
  listening 5672 && return 0
  command -v rabbitmq-server >/dev/null || apt_install rabbitmq-server
  rabbitmq-server -detached
  rabbitmqctl await_startup >/dev/null 2>&1 || true
  wait_port 5672 60 RabbitMQ
  echo rabbitmq >> "$STARTED"
}

down() {
  while read -r s; do
    case "$s" in
      postgres) pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | sort -V | tail -1)" main stop || true ;;
      redis) redis-cli -h 127.0.0.1 -p 6379 shutdown nosave >/dev/null 2>&1 || true ;;
      rabbitmq) rabbitmqctl stop >/dev/null 2>&1 || true ;;
      mariadb) mariadb-admin -uroot shutdown >/dev/null 2>&1 || true ;;
    esac
  done < "$STARTED"
  : > "$STARTED"
}

case "${1:-up}" in
  up) up_postgres; up_mariadb; up_redis; up_rabbitmq
      echo "services: PostgreSQL, MariaDB, Redis and RabbitMQ are up on 127.0.0.1" ;;
  down) down ;;
  *) echo "usage: $0 up|down" >&2; exit 2 ;;
esac
