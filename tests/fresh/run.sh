#!/usr/bin/env bash
# The fresh-machine test: a minimal Debian 12 made with debootstrap (--variant=minbase bookworm,
# `apt-get update` done, nothing else installed), a clean clone of this repository's HEAD copied
# in, and each of the README's two set-up commands, read from the README and run verbatim in its
# own copy of that fresh system. Prints, per command: exit status, wall time, how many packages
# apt installed and how much it downloaded; for the first also that out/report.html exists and
# the summary it printed; for the second the test count. Too slow for every CI run (two apt
# installs of ~1 GB and two cold builds); run it whenever the dependencies change.
#
#   sudo bash tests/fresh/run.sh [--dir DIR] [--mirror URL] [--only 1|2] [--keep]
#
# Root only (debootstrap, chroot, mounts); installs debootstrap itself. The chroot gets the host's
# /etc/hosts and /etc/resolv.conf (a real machine has both; a bare debootstrap has neither).
# Logs: DIR/command-N.log. --keep leaves the chroots for a look inside (DIR/root-N).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
dir=/var/tmp/loadcast-fresh
mirror=http://deb.debian.org/debian
only=""
keep=0
while [ $# -gt 0 ]; do
  case "$1" in
    --dir) dir=$2; shift 2 ;;
    --mirror) mirror=$2; shift 2 ;;
    --only) only=$2; shift 2 ;;
    --keep) keep=1; shift ;;
    *) echo "fresh/run.sh: unknown argument $1 (--dir DIR --mirror URL --only 1|2 --keep)" >&2; exit 2 ;;
  esac
done
[ "$(id -u)" -eq 0 ] || { echo "fresh/run.sh: run as root (debootstrap, chroot and mounts need it)" >&2; exit 2; }
if [ -n "$(git -C "$repo" status --porcelain --untracked-files=no)" ]; then
  echo "fresh/run.sh: note: uncommitted changes are not tested (the chroot gets a clone of HEAD)" >&2
fi

# The two commands, verbatim: the first two ```bash blocks of the README's set-up section.
mapfile -t commands < <(awk '/^## Set up on a fresh Debian 12 machine/ { s = 1; next }
                             s && /^## / { exit }
                             s && /^```bash/ { b = 1; next }
                             s && b && /^```/ { b = 0; next }
                             s && b { print }' "$repo/README.md")
[ ${#commands[@]} -eq 2 ] || { echo "fresh/run.sh: expected two set-up commands in README.md, found ${#commands[@]}" >&2; exit 1; }

command -v debootstrap > /dev/null || { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q debootstrap; }

mkdir -p "$dir"
mounted=()
unmount_all() {
  local i
  for (( i = ${#mounted[@]} - 1; i >= 0; i-- )); do umount -l "${mounted[$i]}" 2> /dev/null || true; done
  mounted=()
}
cleanup() {
  unmount_all
  if [ "$keep" -eq 0 ]; then rm -rf "$dir"/root-1 "$dir"/root-2; fi
}
trap cleanup EXIT

# 1. The base system, made once per run (cached in DIR/base while DIR lives).
base=$dir/base
if [ ! -x "$base/usr/bin/apt-get" ]; then
  rm -rf "$base"
  echo "== debootstrap --variant=minbase bookworm ($mirror)"
  t0=$(date +%s)
  debootstrap --variant=minbase bookworm "$base" "$mirror" > "$dir/debootstrap.log" 2>&1 \
    || { tail -20 "$dir/debootstrap.log"; echo "fresh/run.sh: debootstrap failed" >&2; exit 1; }
  security=${mirror%/debian}/debian-security
  cat > "$base/etc/apt/sources.list" <<EOF
deb $mirror bookworm main
deb $mirror bookworm-updates main
deb $security bookworm-security main
EOF
  cp /etc/hosts /etc/resolv.conf "$base/etc/"
  chroot "$base" /usr/bin/apt-get update -q > "$dir/apt-update.log" 2>&1 \
    || { tail -20 "$dir/apt-update.log"; echo "fresh/run.sh: apt-get update failed in the chroot" >&2; exit 1; }
  echo "   base system: $(chroot "$base" dpkg-query -W | wc -l) packages, $(du -sh "$base" | cut -f1), $(( $(date +%s) - t0 )) s"
fi

mount_into() {  # mount_into ROOT: the kernel file systems a real machine has
  local root=$1
  mount -t proc proc "$root/proc" && mounted+=("$root/proc")
  mount -t sysfs sys "$root/sys" && mounted+=("$root/sys")
  mount --bind /dev "$root/dev" && mounted+=("$root/dev")
  mount -t devpts devpts "$root/dev/pts" -o newinstance,ptmxmode=0666 && mounted+=("$root/dev/pts")
  mkdir -p "$root/dev/shm" && mount -t tmpfs shm "$root/dev/shm" && mounted+=("$root/dev/shm")
  mount -t tmpfs run "$root/run" && mounted+=("$root/run")
  mount -t tmpfs tmp "$root/tmp" -o mode=1777 && mounted+=("$root/tmp")
}

status=0
for n in 1 2; do
  [ -z "$only" ] || [ "$only" = "$n" ] || continue
  root=$dir/root-$n
  rm -rf "$root"
  cp -a "$base" "$root"
  git clone -q --no-hardlinks "$repo" "$root/root/loadcast"
  mount_into "$root"
  cmd=${commands[$((n - 1))]}
  echo "== command $n, in a fresh chroot: $cmd"
  before=$(chroot "$root" dpkg-query -W | wc -l)
  t0=$(date +%s)
  set +e
  chroot "$root" /usr/bin/env -i HOME=/root TERM=dumb LANG=C.UTF-8 PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    /bin/bash -c "cd /root/loadcast && $cmd" > "$dir/command-$n.log" 2>&1
  rc=$?
  set -e
  wall=$(( $(date +%s) - t0 ))
  after=$(chroot "$root" dpkg-query -W | wc -l)
  fetched=$(grep -oE '^Fetched [0-9.,]+ [kMG]?B' "$dir/command-$n.log" | tail -1 | cut -d' ' -f2-)
  echo "   exit $rc after ${wall} s ($(( wall / 60 )) min $(( wall % 60 )) s); apt installed $(( after - before )) packages, downloaded ${fetched:-nothing}"
  if [ "$n" -eq 1 ]; then
    if [ -s "$root/root/loadcast/out/report.html" ]; then echo "   out/report.html written ($(wc -c < "$root/root/loadcast/out/report.html") bytes)"
    else echo "   out/report.html missing"; rc=1; fi
    grep -E 'requests|Requests|monthly|\$' "$dir/command-$n.log" | tail -6 | sed 's/^/   | /'
  else
    grep -E 'tests passed|tests failed|Total Test time' "$dir/command-$n.log" | tail -3 | sed 's/^/   | /'
    # The dependency check must agree: on a fresh machine everything the build used came from
    # .ci/packages.
    if ! chroot "$root" /bin/bash -c "cd /root/loadcast && bash .ci/depcheck" > "$dir/depcheck.log" 2>&1; then
      rc=1; echo "   .ci/depcheck failed in the chroot:"; sed 's/^/   | /' "$dir/depcheck.log"
    else sed 's/^/   /' "$dir/depcheck.log"; fi
  fi
  if [ "$rc" -ne 0 ]; then
    status=1
    echo "   FAILED: the last lines of $dir/command-$n.log:"
    tail -30 "$dir/command-$n.log" | sed 's/^/   | /'
  fi
  unmount_all
done
echo "== fresh-machine test: $([ "$status" -eq 0 ] && echo passed || echo FAILED) (logs in $dir)"
exit "$status"
