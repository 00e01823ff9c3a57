#!/usr/bin/env bash
# The real stack of the test suite, started and stopped by the tests themselves (root):
#
#   nginx (one worker, round robin, access log in the ALB access-log format)
#     -> two Node.js app processes (app.js: Express + node-pg), each in its own cgroup with a CFS
#        quota of 50 ms per 100 ms: a 0.5-vCPU Fargate task (cpu: 512)
#     -> PostgreSQL 15 (its own cluster in DIR, run as the postgres user, in a cgroup of its own)
#
#   bash tests/realstack/stack.sh start DIR [BASE_PORT]   start everything; writes DIR/env
#   bash tests/realstack/stack.sh stop DIR                stop everything, remove the cgroups
#
# DIR/env (sourced by the callers) says URL (nginx), APP_CGROUP (the cgroup holding both app
# processes: `loadcast load --sample app=cgroup:$APP_CGROUP`), DB_CGROUP, ACCESS_LOG, and the ports.
# Ports: BASE (nginx), BASE+1 and BASE+2 (the apps), BASE+3 (PostgreSQL); default BASE 19400.
# REALSTACK_NODE_FLAGS, when set, goes to node before app.js (for a diagnosis, e.g. --trace-gc:
# each collection is then in DIR/app1.log and DIR/app2.log).
# Needs Debian's nginx, nodejs, node-express, node-pg and postgresql (bash .ci/install).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cmd=${1:?usage: stack.sh start|stop DIR [BASE_PORT]}
dir=${2:?usage: stack.sh start|stop DIR [BASE_PORT]}
base=${3:-19400}
pgbin=/usr/lib/postgresql/15/bin
tag=loadcast-realstack-$base

die() { echo "stack.sh: $*" >&2; exit 1; }

# cgroup v2 (unified) or v1 (separate cpu and cpuacct hierarchies).
cgroup_root() {
  if [ -f /sys/fs/cgroup/cgroup.controllers ]; then echo v2 /sys/fs/cgroup
  elif [ -d /sys/fs/cgroup/cpu ] && [ -d /sys/fs/cgroup/cpuacct ]; then echo v1 /sys/fs/cgroup
  else die "no cgroup v2 mount at /sys/fs/cgroup and no v1 cpu/cpuacct hierarchies"; fi
}

# make_group NAME [QUOTA_US]: a cgroup (both v1 hierarchies), with a CFS quota per 100 ms period.
make_group() {
  local name=$1 quota=${2:-}
  read -r version root < <(cgroup_root)
  # The stack's group outweighs everything else on the machine (a build, other tests): its
  # processes get the cores they are runnable for, as on a host of their own; the quotas below
  # still cap the apps at 0.5 vCPU each.
  if [ "$version" = v2 ]; then
    mkdir -p "$root/$tag"
    grep -qw cpu "$root/cgroup.subtree_control" || echo +cpu > "$root/cgroup.subtree_control"
    echo 10000 > "$root/$tag/cpu.weight"
    grep -qw cpu "$root/$tag/cgroup.subtree_control" || echo +cpu > "$root/$tag/cgroup.subtree_control"
    mkdir -p "$root/$tag/$name"
    [ -z "$quota" ] || echo "$quota 100000" > "$root/$tag/$name/cpu.max"
  else
    local h
    for h in cpu cpuacct; do mkdir -p "$root/$h/$tag/$name"; done
    echo 262144 > "$root/cpu/$tag/cpu.shares"
    if [ -n "$quota" ]; then
      echo 100000 > "$root/cpu/$tag/$name/cpu.cfs_period_us"
      echo "$quota" > "$root/cpu/$tag/$name/cpu.cfs_quota_us"
    fi
  fi
}

# join_group NAME PID: moves a process into the group (both v1 hierarchies).
join_group() {
  read -r version root < <(cgroup_root)
  if [ "$version" = v2 ]; then echo "$2" > "$root/$tag/$1/cgroup.procs"
  else echo "$2" > "$root/cpu/$tag/$1/cgroup.procs"; echo "$2" > "$root/cpuacct/$tag/$1/cgroup.procs"; fi
}

group_path() {  # what `--sample NAME=cgroup:DIR` reads
  read -r version root < <(cgroup_root)
  if [ "$version" = v2 ]; then echo "$root/$tag/$1"; else echo "$root/cpu/$tag/$1"; fi
}

# node-pg: Debian's package, or its files unpacked by .ci/install where a nodejs that is not
# Debian's blocks the package (see .ci/install).
node_path=/usr/share/nodejs:/usr/lib/nodejs
[ -d /usr/local/lib/loadcast/node-pg/usr/share/nodejs ] && node_path=$node_path:/usr/local/lib/loadcast/node-pg/usr/share/nodejs

wait_port() {  # wait_port PORT WHAT: up to 20 s
  local i
  for i in $(seq 1 200); do
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
    sleep 0.1
  done
  die "$2 did not listen on 127.0.0.1:$1 within 20 s (logs in $dir)"
}

start() {
  [ "$(id -u)" -eq 0 ] || die "needs root (cgroups, and PostgreSQL run as the postgres user)"
  for p in nginx node "$pgbin/postgres" "$pgbin/initdb"; do command -v "$p" > /dev/null || die "$p missing: bash .ci/install"; done
  NODE_PATH=$node_path node -e "require('express'); require('pg')" 2> /dev/null || die "node cannot load express and pg (NODE_PATH=$node_path): bash .ci/install"
  id postgres > /dev/null 2>&1 || die "no postgres user: bash .ci/install (package postgresql)"
  mkdir -p "$dir"
  dir=$(cd "$dir" && pwd)
  local nginx_port=$base app1=$((base + 1)) app2=$((base + 2)) pg_port=$((base + 3))

  # PostgreSQL: a cluster of its own, unix socket in DIR, TCP on loopback only.
  # The cluster lives in a directory of its own under /tmp: the postgres user may not be able to
  # reach DIR (a home directory, a 0700 temporary directory).
  make_group db
  local pg
  pg=$(mktemp -d /tmp/loadcast-pg.XXXXXX)
  chown postgres: "$pg"
  ln -sfn "$pg" "$dir/pg"
  runuser -u postgres -- "$pgbin/initdb" -D "$pg/data" -A trust -U postgres --no-sync > "$dir/initdb.log" 2>&1 \
    || die "initdb failed: $(tail -3 "$dir/initdb.log")"
  # synchronous_commit off: a commit does not wait for this machine's disk flush (its latency is
  # not the RDS storage's and would only add noise); everything else is PostgreSQL's default.
  (join_group db "$BASHPID"
   exec runuser -u postgres -- "$pgbin/pg_ctl" -D "$pg/data" -l "$pg/postgres.log" -w -t 30 \
     -o "-p $pg_port -k $pg -c listen_addresses=127.0.0.1 -c synchronous_commit=off" start) > /dev/null \
    || die "PostgreSQL did not start: $(tail -3 "$dir/pg/postgres.log")"
  runuser -u postgres -- "$pgbin/createdb" -h "$pg" -p "$pg_port" realstack > "$dir/createdb.log" 2>&1 \
    || die "createdb failed: $(tail -3 "$dir/createdb.log")"
  runuser -u postgres -- "$pgbin/psql" -q -h "$pg" -p "$pg_port" -d realstack -v ON_ERROR_STOP=1 < "$here/schema.sql" > "$dir/schema.log" 2>&1 \
    || die "schema failed: $(tail -3 "$dir/schema.log")"

  # Two app processes, each in a 0.5-vCPU cgroup.
  local i port flags=()
  read -r -a flags <<< "${REALSTACK_NODE_FLAGS:-}"
  for i in 1 2; do
    port=$((base + i))
    make_group "app/app$i" 50000
    (join_group "app/app$i" "$BASHPID"
     PORT=$port PGHOST=127.0.0.1 PGPORT=$pg_port PGDATABASE=realstack PGUSER=postgres NODE_PATH=$node_path \
       exec node "${flags[@]}" "$here/app.js") > "$dir/app$i.log" 2>&1 &
    echo $! > "$dir/app$i.pid"
  done

  # nginx: the load balancer, one worker, round robin over keep-alive upstream connections,
  # no retries (an ALB does not retry either), an access log in the ALB access-log format.
  mkdir -p "$dir/nginx/logs" "$dir/nginx/tmp"
  sed -e "s|@DIR@|$dir/nginx|g" -e "s|@PORT@|$nginx_port|g" -e "s|@APP1@|$app1|g" -e "s|@APP2@|$app2|g" \
    "$here/nginx.conf.in" > "$dir/nginx/nginx.conf"
  make_group lb
  (join_group lb "$BASHPID"; TZ=UTC exec nginx -p "$dir/nginx" -c "$dir/nginx/nginx.conf") \
    || die "nginx did not start: $(tail -3 "$dir/nginx/logs/error.log")"

  wait_port "$app1" "app 1"; wait_port "$app2" "app 2"; wait_port "$nginx_port" nginx
  cat > "$dir/env" <<ENV
URL=http://127.0.0.1:$nginx_port
APP_CGROUP=$(group_path app)
DB_CGROUP=$(group_path db)
LB_CGROUP=$(group_path lb)
ACCESS_LOG=$dir/nginx/logs/access.log
NGINX_PORT=$nginx_port
APP_PORTS=$app1,$app2
PG_PORT=$pg_port
ENV
}

stop() {
  [ -d "$dir" ] || return 0
  dir=$(cd "$dir" && pwd)
  if [ -f "$dir/nginx/logs/nginx.pid" ]; then kill "$(cat "$dir/nginx/logs/nginx.pid")" 2> /dev/null || true; fi
  local i
  for i in 1 2; do
    if [ -f "$dir/app$i.pid" ]; then kill "$(cat "$dir/app$i.pid")" 2> /dev/null || true; fi
  done
  if [ -L "$dir/pg" ]; then
    local pg
    pg=$(readlink "$dir/pg")
    if [ -d "$pg/data" ]; then runuser -u postgres -- "$pgbin/pg_ctl" -D "$pg/data" -m fast -w -t 30 stop > /dev/null 2>&1 || true; fi
    rm -rf "$pg"
    rm -f "$dir/pg"
  fi
  # The cgroups go once empty (leaves first): wait up to 10 s for the processes to exit.
  read -r version root < <(cgroup_root)
  local h g p _
  for h in $( [ "$version" = v2 ] && echo . || echo cpu cpuacct); do
    for g in app/app1 app/app2 app db lb ""; do
      for _ in $(seq 1 100); do
        [ -n "$(cat "$root/$h/$tag/$g/cgroup.procs" 2> /dev/null)" ] || break
        sleep 0.1
      done
      # Still there after 10 s: killed.
      if [ -n "$(cat "$root/$h/$tag/$g/cgroup.procs" 2> /dev/null)" ]; then
        while read -r p; do kill -9 "$p" 2> /dev/null || true; done < "$root/$h/$tag/$g/cgroup.procs"
        sleep 0.2
      fi
      if [ -d "$root/$h/$tag/$g" ]; then rmdir "$root/$h/$tag/$g" 2> /dev/null || true; fi
    done
  done
}

case "$cmd" in
  start) start ;;
  stop) stop ;;
  *) die "unknown command $cmd (start or stop)" ;;
esac
