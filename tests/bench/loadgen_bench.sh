#!/usr/bin/env bash
# Side-by-side load-generator benchmark on loopback, against nginx serving a 256-byte static
# file (access log off, keep-alive unlimited), started here from a temporary prefix on free
# ports and stopped at exit: HTTP/1.1, TLS (HTTP/1.1 and h2 by ALPN, an ECDSA P-256 certificate
# made with openssl) and h2c (HTTP/2 with prior knowledge) on three ports. nginx runs one worker
# pinned to CPU 1, the generators one thread pinned to CPU 0 (the machine this was written on
# has 2 cores); part 6 also runs them unpinned. Runs alternate, K of each, medians compared:
#
#   1. quick-mode throughput, closed model: loadcast load -c C -t 1 vs wrk -c C -t 1
#      (median requests/s of each, ratio loadcast/wrk);
#   2. open model: a 20,000 req/s target for D s — achieved rate, timer lag, generator CPU;
#   3. 10,000 concurrent keep-alive connections (closed model, 2 threads), plain and over TLS:
#      peak RSS of the generator, per connection, and connections actually open;
#   4. HTTPS with the native engines vs h2load: HTTP/1.1 over TLS (C connections, h2load --h1)
#      and HTTP/2 (10 connections x 10 streams, h2load -m 10) — requests/s and CPU per request;
#   5. h2c vs h2load on an http:// URL (h2load speaks h2c with prior knowledge there), 10 x 10;
#   6. two generator threads: loadcast -t 2 vs wrk -t 2 at C connections, both threads on CPU 0,
#      then unpinned on both CPUs (competing with nginx);
#   7. generator-bound throughput: parts 4 and 5, and plain HTTP/1.1 with 1 and 2 threads
#      against wrk, again with each generator held to half a core by a CPU cgroup (quota 50 ms
#      per 100 ms, on CPU 0), so the generator, not nginx, is the bottleneck.
#      In parts 1-6 nginx's one worker saturates first (it spends more CPU per request than
#      either generator), so their throughput ratios say "the server was driven to its limit"
#      and sit at 1.0 give or take the noise; this part says how much load each generator
#      makes from the same CPU. It needs a writable cgroup (v1 cpu controller or v2 cpu.max);
#      without one it says so and is skipped.
#
#   tests/bench/loadgen_bench.sh [--runs K] [--duration SECONDS] [--only quick|open|many|https|h2c|t2|capped] [--smoke]
#
# --only runs one of the parts (e.g. a short HTTPS comparison while tuning an engine); by
# default all run. The load average is printed first: on a shared machine the figures are noise.
# --smoke: one short run of everything at small sizes; fails only if a tool produced no
# result or loadcast's accounting did not balance (a ctest runs it so the script cannot rot).
# Uses build/release unless LOADCAST_BUILD points elsewhere.
set -Eeuo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=${LOADCAST_BUILD:-$here/../../build/release}
loadcast=$build/cli/loadcast
runs=5
duration=10
conns=100
rate=20000
many=10000
smoke=0
only=""
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) runs=$2; shift 2 ;;
    --duration) duration=$2; shift 2 ;;
    --only)
      case "$2" in quick|open|many|https|h2c|t2|capped) only=$2 ;; *) echo "loadgen_bench.sh: --only quick|open|many|https|h2c|t2|capped" >&2; exit 2 ;; esac
      shift 2 ;;
    --smoke) smoke=1; runs=1; duration=1; rate=2000; many=500; shift ;;
    *) echo "loadgen_bench.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
[ -x "$loadcast" ] || { echo "loadgen_bench.sh: $loadcast not built (cmake --build --preset release)" >&2; exit 1; }
for tool in nginx wrk h2load openssl /usr/bin/python3 taskset curl /usr/bin/time; do
  command -v "$tool" > /dev/null || { echo "loadgen_bench.sh: $tool not installed (bash .ci/install)" >&2; exit 1; }
done
py=/usr/bin/python3

tmp=$(mktemp -d)
nginx_pid=""
cgroup=""  # part 7's CPU cgroup, made there
# Every generator run is bounded: a run past 3 x its duration + 60 s is stopped (timeout exits
# 124), and any failing command ends the script with its line number.
limit=$(( duration * 3 + 60 ))
tmo=(timeout -k 5 "$limit")
trap 'echo "loadgen_bench.sh: line $LINENO: a command failed (exit $?; 124: a run went past ${limit} s and was stopped)" >&2' ERR
cleanup() {
  if [ -n "$nginx_pid" ]; then kill "$nginx_pid" 2> /dev/null || true; wait "$nginx_pid" 2> /dev/null || true; fi
  if [ -n "$cgroup" ]; then rmdir "$cgroup" 2> /dev/null || true; fi
  rm -rf "$tmp"
}
trap cleanup EXIT

free_port() { "$py" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
median() { sort -n | awk '{ a[NR] = $1 } END { if (NR % 2) print a[(NR + 1) / 2]; else print (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }
json() { "$py" -c 'import json, sys; r = json.load(open(sys.argv[1])); print(eval(sys.argv[2], {"r": r}))' "$@"; }
fail() { echo "loadgen_bench.sh: $*" >&2; exit 1; }

# nginx: one worker on CPU 1, enough descriptors for the 10k-connection test.
ulimit -n "$(ulimit -Hn)" 2> /dev/null || true
port=$(free_port)
tls_port=$(free_port)
h2c_port=$(free_port)
mkdir -p "$tmp/nginx/html" "$tmp/nginx/logs"
chmod 755 "$tmp" "$tmp/nginx" "$tmp/nginx/html"
head -c 256 /dev/zero | tr '\0' 'x' > "$tmp/nginx/html/index.html"
chmod 644 "$tmp/nginx/html/index.html"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout "$tmp/nginx/key.pem" \
  -out "$tmp/nginx/cert.pem" -days 1 -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 > /dev/null 2>&1
cat > "$tmp/nginx/nginx.conf" <<EOF
worker_processes 1;
worker_rlimit_nofile 40000;
error_log $tmp/nginx/logs/error.log warn;
pid $tmp/nginx/logs/nginx.pid;
events { worker_connections 30000; }
http {
  access_log off;
  keepalive_requests 100000000;
  keepalive_timeout 300s;
  client_body_temp_path $tmp/nginx/t; proxy_temp_path $tmp/nginx/t; fastcgi_temp_path $tmp/nginx/t;
  uwsgi_temp_path $tmp/nginx/t; scgi_temp_path $tmp/nginx/t;
  server { listen 127.0.0.1:$port backlog=20000; root $tmp/nginx/html; }
  server {
    listen 127.0.0.1:$tls_port ssl http2;
    ssl_certificate $tmp/nginx/cert.pem; ssl_certificate_key $tmp/nginx/key.pem;
    http2_max_concurrent_streams 128;
    root $tmp/nginx/html;
  }
  server { listen 127.0.0.1:$h2c_port http2; http2_max_concurrent_streams 128; root $tmp/nginx/html; }
}
EOF
taskset -c 1 nginx -p "$tmp/nginx" -c "$tmp/nginx/nginx.conf" -g 'daemon off;' &
nginx_pid=$!
for _ in $(seq 100); do
  curl -s -o /dev/null "http://127.0.0.1:$port/index.html" && break
  sleep 0.05
done
nginx_worker=$(pgrep -P "$nginx_pid" | head -1 || true)
url="http://127.0.0.1:$port/index.html"
tls_url="https://127.0.0.1:$tls_port/index.html"
h2c_url="http://127.0.0.1:$h2c_port/index.html"

balanced() { [ "$(json "$1/result.json" 'r["requests"]["total"] == r["requests"]["ok"] + r["requests"]["errors"] + r["requests"]["timeouts"] + r["requests"]["dropped"] + r["requests"]["in_flight"]')" = True ] || fail "accounting did not balance in $1"; }

# Each prints "requests/s cpu-microseconds-per-request nginx-cpu-microseconds-per-request": the
# generator's user + system CPU of the whole process, and the CPU nginx's worker spent over the
# run. nginx is the bottleneck in parts 1-6 (one worker, one core), so throughput there follows
# how much work each generator's requests cost the server (the TLS cipher it offers first,
# say); that column shows it. It is noisy too: on a host whose hypervisor steals CPU time it
# swung by +-15 % between 5 s runs of the same client.
nginx_ticks() { if [ -n "$nginx_worker" ]; then awk '{ print $14 + $15 }' "/proc/$nginx_worker/stat"; else echo 0; fi; }
clk_tck=$(getconf CLK_TCK)
ng0=0
cpu_per_request() {
  awk -v rps="$1" -v d="$duration" -v ng="$(( $(nginx_ticks) - ng0 ))" -v hz="$clk_tck" \
    '{ printf "%s %.2f %.2f\n", rps, ($1 + $2) * 1e6 / (rps * d), ng / hz * 1e6 / (rps * d) }' "$2"
}
cpus=0  # the generator's CPUs (part 6 also lets it use both)
wrap=(env)  # what the generator is started through (part 7: into its CPU cgroup)
loadcast_rps() {  # args: run name, loadcast load arguments...
  local name=$1 rps; shift
  ng0=$(nginx_ticks)
  /usr/bin/time -f "%U %S" -o "$tmp/$name.time" "${tmo[@]}" "${wrap[@]}" taskset -c "$cpus" "$loadcast" load "$@" --out "$tmp/$name" > "$tmp/$name.txt"
  balanced "$tmp/$name"
  rps=$(awk '/^Requests\/sec:/ { print $2 }' "$tmp/$name.txt")
  cpu_per_request "$rps" "$tmp/$name.time"
}
wrk_rps() {
  local rps
  ng0=$(nginx_ticks)
  rps=$(/usr/bin/time -f "%U %S" -o "$tmp/wrk.time" "${tmo[@]}" "${wrap[@]}" taskset -c "$cpus" wrk "$@" | awk '/^Requests\/sec:/ { print $2 }')
  cpu_per_request "$rps" "$tmp/wrk.time"
}
h2load_rps() {
  local rps
  ng0=$(nginx_ticks)
  rps=$(/usr/bin/time -f "%U %S" -o "$tmp/h2load.time" "${tmo[@]}" "${wrap[@]}" taskset -c "$cpus" h2load "$@" | awk '/^finished in/ { gsub(",", "", $4); print $4 }')
  cpu_per_request "$rps" "$tmp/h2load.time"
}
want() { [ -z "$only" ] || [ "$only" = "$1" ]; }
# median of column $1 of a file of rows
col_median() { awk -v c="$1" '{ print $c }' "$2" | median; }
runs_of() { awk '{ printf "%s ", $1 }' "$1"; }

echo "loadgen_bench: load average $(cut -d' ' -f1-3 /proc/loadavg) at start"
echo "loadgen_bench: nginx $(nginx -v 2>&1 | sed 's/.*\///'), $(wrk --version 2>&1 | head -1 | awk '{ print "wrk", $2 }'), $(h2load --version | head -1), $(curl --version | head -1 | awk '{ print "libcurl", $2 }'); $(nproc) cores; $runs run(s) of ${duration}s each"

# 1. Throughput, closed model, alternating.
if want quick; then
: > "$tmp/lc.txt"; : > "$tmp/wrk.txt"
for i in $(seq 1 "$runs"); do
  loadcast_rps "quick$i" --url "$url" -c "$conns" -t 1 -d "${duration}s" >> "$tmp/lc.txt"
  wrk_rps -c "$conns" -t 1 -d "${duration}s" "$url" >> "$tmp/wrk.txt"
done
lc=$(col_median 1 "$tmp/lc.txt"); wk=$(col_median 1 "$tmp/wrk.txt")
[ -n "$lc" ] && [ -n "$wk" ] || fail "no throughput figure"
echo "1. throughput, $conns connections, 1 thread: loadcast $lc req/s, wrk $wk req/s (medians of $runs); ratio loadcast/wrk $(ratio "$lc" "$wk")"
echo "   CPU per request (user+sys, whole process): loadcast $(col_median 2 "$tmp/lc.txt") us, wrk $(col_median 2 "$tmp/wrk.txt") us;" \
     "nginx's CPU per request: under loadcast $(col_median 3 "$tmp/lc.txt") us, under wrk $(col_median 3 "$tmp/wrk.txt") us"
echo "   loadcast runs: $(runs_of "$tmp/lc.txt"); wrk runs: $(runs_of "$tmp/wrk.txt")"
fi

# 2. Open model at a fixed target.
if want open; then
loadcast_rps open --url "$url" --rate "$rate" -c "$conns" -t 1 -d "${duration}s" > /dev/null
achieved=$(json "$tmp/open/result.json" 'r["load"]["achieved_rps"]')
target=$(json "$tmp/open/result.json" 'r["load"]["target_rps"]')
echo "2. open model: target $target req/s, achieved $achieved req/s (error $(awk -v a="$achieved" -v t="$target" 'BEGIN { printf "%.3f", (a - t) / t * 100 }') %);" \
     "timer lag p50/p99 $(json "$tmp/open/result.json" '"%.3f/%.3f ms" % (r["load"]["timer_lag_ms"]["p50"], r["load"]["timer_lag_ms"]["p99"])');" \
     "latency p50/p99 $(json "$tmp/open/result.json" '"%.3f/%.3f ms" % (r["latency_ms"]["p50"], r["latency_ms"]["p99"])');" \
     "generator $(json "$tmp/open/result.json" '"%.2f" % r["load"]["generator"]["cpu_cores"]') cores"
fi

# 3. Many concurrent keep-alive connections: RSS per connection (minus a 10-connection baseline),
# plain and over TLS.
many_part() {  # args: label, URL, extra loadcast arguments...
  local label=$1 target=$2; shift 2
  "${tmo[@]}" "$loadcast" load --url "$target" "$@" -c 10 -t 2 -d "${duration}s" --out "$tmp/base" > /dev/null
  "${tmo[@]}" "$loadcast" load --url "$target" "$@" -c "$many" -t 2 -d "${duration}s" --timeout 30s --out "$tmp/many" > "$tmp/many.txt"
  balanced "$tmp/many"
  local base_kib many_kib open_peak
  base_kib=$(json "$tmp/base/result.json" 'r["load"]["generator"]["rss_peak_kib"]')
  many_kib=$(json "$tmp/many/result.json" 'r["load"]["generator"]["rss_peak_kib"]')
  open_peak=$(json "$tmp/many/result.json" 'r["load"]["connections_open_peak"]')
  echo "3. $many $label connections: $open_peak open at peak; peak RSS $many_kib KiB ($(awk -v m="$many_kib" -v n="$many" 'BEGIN { printf "%.2f", m / n }') KiB per connection, all-in;" \
       "$(awk -v m="$many_kib" -v b="$base_kib" -v n="$many" 'BEGIN { printf "%.2f", (m - b) / (n - 10) }') KiB per connection above the 10-connection run's $base_kib KiB);" \
       "$(awk '/^Requests\/sec:/ { print $2 }' "$tmp/many.txt") req/s, errors $(json "$tmp/many/result.json" 'r["requests"]["errors"] + r["requests"]["timeouts"]')"
}
if want many; then
many_part "keep-alive" "$url"
many_part "TLS keep-alive" "$tls_url" -k
echo "   TLS handshakes: $(json "$tmp/many/result.json" '"%d, %d resumed" % (r["load"]["connection_events"]["tls_handshakes"], r["load"]["connection_events"]["tls_resumed"])')"
fi

# 4. HTTPS with the native engines vs h2load, alternating.
cpu_ratio() { ratio "$(col_median 2 "$1")" "$(col_median 2 "$2")"; }
nginx_cpu() { echo "nginx's CPU per request under loadcast $(col_median 3 "$1") us, under h2load $(col_median 3 "$2") us"; }
if want https; then
: > "$tmp/lc_h1.txt"; : > "$tmp/h2l_h1.txt"; : > "$tmp/lc_h2.txt"; : > "$tmp/h2l_h2.txt"
for i in $(seq 1 "$runs"); do
  loadcast_rps "tls_h1_$i" --url "$tls_url" -k -c "$conns" -t 1 -d "${duration}s" >> "$tmp/lc_h1.txt"
  h2load_rps --h1 -c "$conns" -t 1 -D "$duration" "$tls_url" >> "$tmp/h2l_h1.txt"
  loadcast_rps "tls_h2_$i" --url "$tls_url" -k --http2 --streams 10 -c 10 -t 1 -d "${duration}s" >> "$tmp/lc_h2.txt"
  h2load_rps -c 10 -m 10 -t 1 -D "$duration" "$tls_url" >> "$tmp/h2l_h2.txt"
done
a=$(col_median 1 "$tmp/lc_h1.txt"); b=$(col_median 1 "$tmp/h2l_h1.txt"); c=$(col_median 1 "$tmp/lc_h2.txt"); d=$(col_median 1 "$tmp/h2l_h2.txt")
[ -n "$a" ] && [ -n "$b" ] && [ -n "$c" ] && [ -n "$d" ] || fail "no HTTPS figure"
echo "4. HTTPS HTTP/1.1, $conns connections: loadcast $a req/s, h2load --h1 $b req/s; ratio $(ratio "$a" "$b");" \
     "CPU per request loadcast $(col_median 2 "$tmp/lc_h1.txt") us, h2load $(col_median 2 "$tmp/h2l_h1.txt") us; ratio $(cpu_ratio "$tmp/lc_h1.txt" "$tmp/h2l_h1.txt")"
echo "   $(nginx_cpu "$tmp/lc_h1.txt" "$tmp/h2l_h1.txt"); runs: loadcast $(runs_of "$tmp/lc_h1.txt"); h2load $(runs_of "$tmp/h2l_h1.txt")"
echo "   HTTPS HTTP/2, 10 connections x 10 streams: loadcast $c req/s, h2load $d req/s; ratio $(ratio "$c" "$d");" \
     "CPU per request loadcast $(col_median 2 "$tmp/lc_h2.txt") us, h2load $(col_median 2 "$tmp/h2l_h2.txt") us; ratio $(cpu_ratio "$tmp/lc_h2.txt" "$tmp/h2l_h2.txt")"
echo "   $(nginx_cpu "$tmp/lc_h2.txt" "$tmp/h2l_h2.txt"); runs: loadcast $(runs_of "$tmp/lc_h2.txt"); h2load $(runs_of "$tmp/h2l_h2.txt");" \
     "loadcast connections open (peak): $(json "$tmp/tls_h2_$runs/result.json" 'r["load"]["connections_open_peak"]')"
fi

# 5. h2c vs h2load on an http:// URL, alternating.
if want h2c; then
: > "$tmp/lc_h2c.txt"; : > "$tmp/h2l_h2c.txt"
for i in $(seq 1 "$runs"); do
  loadcast_rps "h2c_$i" --url "$h2c_url" --http2 --streams 10 -c 10 -t 1 -d "${duration}s" >> "$tmp/lc_h2c.txt"
  h2load_rps -c 10 -m 10 -t 1 -D "$duration" "$h2c_url" >> "$tmp/h2l_h2c.txt"
done
a=$(col_median 1 "$tmp/lc_h2c.txt"); b=$(col_median 1 "$tmp/h2l_h2c.txt")
[ -n "$a" ] && [ -n "$b" ] || fail "no h2c figure"
echo "5. h2c, 10 connections x 10 streams: loadcast $a req/s, h2load $b req/s; ratio $(ratio "$a" "$b");" \
     "CPU per request loadcast $(col_median 2 "$tmp/lc_h2c.txt") us, h2load $(col_median 2 "$tmp/h2l_h2c.txt") us; ratio $(cpu_ratio "$tmp/lc_h2c.txt" "$tmp/h2l_h2c.txt")"
echo "   $(nginx_cpu "$tmp/lc_h2c.txt" "$tmp/h2l_h2c.txt"); runs: loadcast $(runs_of "$tmp/lc_h2c.txt"); h2load $(runs_of "$tmp/h2l_h2c.txt")"
fi

# 6. Two generator threads, alternating: on CPU 0 beside nginx's CPU 1 (the generator's own cost,
# as in the other parts), and unpinned on both CPUs (what -t 2 buys on this machine: the
# generator then competes with nginx for CPU 1, and the kernel's placement weighs on the result).
if want t2; then
for placement in 0 0,1; do
  cpus=$placement
  : > "$tmp/lc_t2.txt"; : > "$tmp/wrk_t2.txt"
  for i in $(seq 1 "$runs"); do
    loadcast_rps "t2_$i" --url "$url" -c "$conns" -t 2 -d "${duration}s" >> "$tmp/lc_t2.txt"
    wrk_rps -c "$conns" -t 2 -d "${duration}s" "$url" >> "$tmp/wrk_t2.txt"
  done
  a=$(col_median 1 "$tmp/lc_t2.txt"); b=$(col_median 1 "$tmp/wrk_t2.txt")
  [ -n "$a" ] && [ -n "$b" ] || fail "no -t 2 figure"
  echo "6. HTTP/1.1, $conns connections, 2 threads on CPU $placement: loadcast $a req/s, wrk -t 2 $b req/s; ratio $(ratio "$a" "$b");" \
       "CPU per request loadcast $(col_median 2 "$tmp/lc_t2.txt") us, wrk $(col_median 2 "$tmp/wrk_t2.txt") us"
  echo "   runs: loadcast $(runs_of "$tmp/lc_t2.txt"); wrk $(runs_of "$tmp/wrk_t2.txt")"
done
cpus=0
fi

# 7. Generator-bound throughput: each generator held to half a core by a CPU cgroup, alternating.
cgroup_setup() {  # prints the cgroup's directory, or nothing when none can be made
  local v1=/sys/fs/cgroup/cpu v2=/sys/fs/cgroup dir
  if [ -w "$v1" ] && [ -e "$v1/cpu.cfs_quota_us" ]; then
    dir=$v1/loadcast-bench-$$
    mkdir "$dir" 2> /dev/null && echo 100000 > "$dir/cpu.cfs_period_us" && echo 50000 > "$dir/cpu.cfs_quota_us" && echo "$dir" && return
  elif [ -w "$v2/cgroup.subtree_control" ] && grep -qw cpu "$v2/cgroup.controllers" 2> /dev/null; then
    echo +cpu > "$v2/cgroup.subtree_control" 2> /dev/null || true
    dir=$v2/loadcast-bench-$$
    mkdir "$dir" 2> /dev/null && echo "50000 100000" > "$dir/cpu.max" 2> /dev/null && echo "$dir" && return
  fi
  [ -n "${dir:-}" ] && rmdir "$dir" 2> /dev/null
  return 0
}
if want capped; then
cgroup=$(cgroup_setup)
if [ -z "$cgroup" ]; then
  echo "7. generator-bound throughput: skipped (no writable CPU cgroup here: neither /sys/fs/cgroup/cpu nor cgroup v2 with the cpu controller)"
else
  # The shell joins the cgroup, then becomes the generator: everything it runs is held to the quota.
  # shellcheck disable=SC2016  # $$ and $@ belong to the inner shell
  wrap=(sh -c 'echo $$ > "$0/cgroup.procs" && exec "$@"' "$cgroup")
  capped_pair() {  # args: label, file stem, peer (h2load or wrk), loadcast arguments -- peer arguments
    local label=$1 stem=$2 peer=$3; shift 3
    local lc_args=() peer_args=()
    while [ "$1" != "--" ]; do lc_args+=("$1"); shift; done
    shift
    peer_args=("$@")
    : > "$tmp/cap_lc_$stem.txt"; : > "$tmp/cap_peer_$stem.txt"
    for i in $(seq 1 "$runs"); do
      loadcast_rps "cap_${stem}_$i" "${lc_args[@]}" >> "$tmp/cap_lc_$stem.txt"
      "${peer}_rps" "${peer_args[@]}" >> "$tmp/cap_peer_$stem.txt"
    done
    local a b
    a=$(col_median 1 "$tmp/cap_lc_$stem.txt"); b=$(col_median 1 "$tmp/cap_peer_$stem.txt")
    [ -n "$a" ] && [ -n "$b" ] || fail "no generator-bound figure for $label"
    echo "7. $label, each generator held to half a core: loadcast $a req/s, $peer $b req/s; ratio $(ratio "$a" "$b");" \
         "CPU per request loadcast $(col_median 2 "$tmp/cap_lc_$stem.txt") us, $peer $(col_median 2 "$tmp/cap_peer_$stem.txt") us"
    echo "   runs: loadcast $(runs_of "$tmp/cap_lc_$stem.txt"); $peer $(runs_of "$tmp/cap_peer_$stem.txt")"
  }
  capped_pair "HTTPS HTTP/1.1, $conns connections" h1 h2load --url "$tls_url" -k -c "$conns" -t 1 -d "${duration}s" \
    -- --h1 -c "$conns" -t 1 -D "$duration" "$tls_url"
  capped_pair "HTTPS HTTP/2, 10 connections x 10 streams" h2 h2load --url "$tls_url" -k --http2 --streams 10 -c 10 -t 1 -d "${duration}s" \
    -- -c 10 -m 10 -t 1 -D "$duration" "$tls_url"
  capped_pair "h2c, 10 connections x 10 streams" h2c h2load --url "$h2c_url" --http2 --streams 10 -c 10 -t 1 -d "${duration}s" \
    -- -c 10 -m 10 -t 1 -D "$duration" "$h2c_url"
  capped_pair "HTTP/1.1, $conns connections, 1 thread" plain1 wrk --url "$url" -c "$conns" -t 1 -d "${duration}s" \
    -- -c "$conns" -t 1 -d "${duration}s" "$url"
  capped_pair "HTTP/1.1, $conns connections, 2 threads on CPU 0" plain2 wrk --url "$url" -c "$conns" -t 2 -d "${duration}s" \
    -- -c "$conns" -t 2 -d "${duration}s" "$url"
  wrap=(env)
fi
fi
echo "loadgen_bench: done in ${SECONDS} s"
