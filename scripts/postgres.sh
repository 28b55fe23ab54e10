#!/usr/bin/env bash
# A throwaway PostgreSQL server for the tests (issue "Scale-out"):
#
#   scripts/postgres.sh install       installs PostgreSQL 15 from apt when missing
#                                     (as root; otherwise says what to install)
#   scripts/postgres.sh run CMD...    starts a fresh cluster in a temporary
#                                     directory, on a free port of 127.0.0.1,
#                                     runs CMD with CLAIMDESK_TEST_POSTGRES_URL
#                                     set to it, then stops the server by its
#                                     process id and removes the directory;
#                                     exits with CMD's status.
#
# PostgreSQL refuses to run as root: as root the cluster belongs to the
# `postgres` user Debian's package creates. Nothing listens beyond loopback
# (and a Unix socket inside the temporary directory).
set -euo pipefail

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

bindir() {
  local dir
  for dir in /usr/lib/postgresql/*/bin; do
    if [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ]; then
      echo "$dir"
      return 0
    fi
  done
  return 1
}

install() {
  if bindir >/dev/null; then
    return 0
  fi
  if [ "$(id -u)" = 0 ]; then
    say "installing PostgreSQL from apt"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
  else
    echo "PostgreSQL is missing. Install it with: sudo apt-get install -y postgresql" >&2
    exit 1
  fi
}

# Runs "$@" as the cluster's owner.
as_owner() {
  if [ "$(id -u)" = 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

run() {
  install
  local bin dir port pid status
  bin=$(bindir)
  dir=$(mktemp -d /tmp/claimdesk-pg.XXXXXX)
  chmod 755 "$dir"
  if [ "$(id -u)" = 0 ]; then chown postgres: "$dir"; fi
  # Trust on loopback only: a throwaway cluster for this run, nobody else's.
  as_owner "$bin/initdb" --pgdata="$dir/data" --username=postgres --auth=trust \
    --encoding=UTF8 --locale=C.UTF-8 >/dev/null
  port=$(free_port)
  as_owner "$bin/pg_ctl" --pgdata="$dir/data" --log="$dir/server.log" --wait --silent \
    --options="-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$dir -c fsync=on" \
    start
  pid=$(head -n 1 "$dir/data/postmaster.pid")
  say "PostgreSQL $("$bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$port (pid $pid)"
  stop() {
    kill -INT "$pid" 2>/dev/null || true
    while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
    rm -rf "$dir"
  }
  trap stop EXIT
  status=0
  CLAIMDESK_TEST_POSTGRES_URL="postgres://postgres@127.0.0.1:$port/postgres" "$@" || status=$?
  exit "$status"
}

case "${1:-}" in
  install) install ;;
  run)
    shift
    [ "$#" -gt 0 ] || { echo "usage: scripts/postgres.sh run CMD..." >&2; exit 2; }
    run "$@"
    ;;
  *) echo "usage: scripts/postgres.sh install | run CMD..." >&2; exit 2 ;;
esac
