#!/usr/bin/env bash
# Builds the Docker image and runs it, as CI does on every change (.ci/run): the
# shared build-image-offline.sh builds the Dockerfile without Docker Hub, then
# starts the image before and after `node scripts/migrate.ts` against a real
# PostgreSQL, signs up, tops up, makes a key, completes a chat (JSON and stream)
# and stops it with SIGTERM. Then this script checks what that run does not:
# the start without a database, an unreachable database, the user, the size.
# As root, from anywhere. BUILD_IMAGE_TOOL overrides where the tool is.
set -euo pipefail
cd "$(dirname "$0")/.."
MAX_IMAGE_MB=${MAX_IMAGE_MB:-250}

# The tool lives in the workplace's shared folder beside the checkout (or beside
# the repository this one was cloned from).
find_tool() {
  local origin candidates=("${BUILD_IMAGE_TOOL:-}" "../shared/tools/build-image-offline.sh")
  origin=$(git remote get-url origin 2>/dev/null || true)
  [ -d "$origin" ] && candidates+=("$origin/../shared/tools/build-image-offline.sh")
  for tool in "${candidates[@]}"; do [ -n "$tool" ] && [ -f "$tool" ] && { readlink -f "$tool"; return; }; done
  echo "check-image: build-image-offline.sh not found (../shared/tools/, or set BUILD_IMAGE_TOOL)" >&2
  return 1
}
tool=$(find_tool)

work=$(mktemp -d /tmp/check-image.XXXXXX)
store=(--root "$work/storage" --runroot "$work/run" --storage-driver "${STORAGE_DRIVER:-overlay}")
cleanup() {
  buildah "${store[@]}" rm --all >/dev/null 2>&1 || true
  buildah "${store[@]}" rmi --all --force >/dev/null 2>&1 || true
  awk -v d="$work" 'index($2, d "/") == 1 { print $2 }' /proc/mounts | sort -r | xargs -r -n1 umount -l 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

KEEP=1 WORK="$work" bash "$tool" | tee "$work/result.log" || true
result=$(tail -n 5 "$work/result.log" | grep '^RESULT ' || true)
case "$result" in "RESULT ok "*) ;; *) echo "check-image: the image failed: ${result:-no RESULT line}" >&2; exit 1 ;; esac

fail() { echo "check-image: $*" >&2; exit 1; }
nofile=$(ulimit -Hn); [ "$nofile" = unlimited ] && nofile=1048576
run() { # [podman options] -- [command]: the image with no network; prints its output, never fails
  local options=()
  while [ $# -gt 0 ] && [ "$1" != -- ]; do options+=("$1"); shift; done
  shift || true
  podman "${store[@]}" --runtime runc --cgroup-manager cgroupfs --events-backend file --tmpdir "$work/podman-tmp" \
    run --rm --network none --ulimit "nofile=$nofile:$nofile" --ulimit nproc=4096:4096 "${options[@]}" \
    llm-gateway:offline "$@" 2>&1 || true
}
secret=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')
one_line() { # output expected: the message; the output must be that one JSON line
  [ "$(printf '%s\n' "$2" | wc -l)" = 1 ] && printf '%s' "$2" | grep -qF "$1" ||
    fail "expected one log line containing \"$1\", got: $2"
}

out=$(run -e "SESSION_SECRET=$secret")
one_line "DATABASE_URL is not set, and this installation has no embedded PostgreSQL" "$out"
out=$(run -e "SESSION_SECRET=$secret" -e DATABASE_URL=postgres://gateway:pw@db.internal:5432/gateway)
one_line "Cannot connect to the database at db.internal:5432 (DATABASE_URL): the host name does not resolve" "$out"
out=$(run -e DATABASE_URL=postgres://gateway:pw@db.internal:5432/gateway -- node scripts/migrate.ts)
one_line "Cannot connect to the database at db.internal:5432 (DATABASE_URL)" "$out"
[ "$(run -- id -u)" = 1000 ] || fail "the image does not run as the non-root user node (uid 1000)"
echo "check-image: without DATABASE_URL, with an unreachable database (server and release command), as uid 1000: ok"

size=$(sed -n 's/^RESULT ok .*size_mb=\([0-9]*\).*/\1/p' <<<"$result")
[ "${size:-9999}" -le "$MAX_IMAGE_MB" ] ||
  fail "the image is ${size} MB unpacked, over its ${MAX_IMAGE_MB} MB budget: what joined the runtime stage?"
echo "check-image: $result"
