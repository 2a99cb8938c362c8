#!/usr/bin/env bash
# Times test files at two commits side by side, to measure a change to the tests' own speed:
#   bench/test-files.sh BASE_COMMIT [RUNS] -- FILE...
# Checks BASE_COMMIT out in a temporary worktree (with this checkout's packages), then runs
# `vitest run FILE...` (one file at a time) RUNS times (default 3) at each commit in turn (base, this checkout, base, ...),
# so both meet the same load, and prints each run's wall and CPU seconds (user + system, the test
# workers' included; on a busy machine the CPU figure is the steadier) and the load average beside it.
# On PGlite unless DATABASE_URL is set. Files that exist at one commit only are run at that commit only.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
base=${1:?usage: bench/test-files.sh BASE_COMMIT [RUNS] -- FILE...}
shift
runs=3
if [[ ${1:-} != -- ]]; then runs=$1; shift; fi
[[ ${1:-} == -- ]] && shift
(($#)) || { echo 'name at least one test file' >&2; exit 2; }

here=$PWD
there=$(mktemp -d "${TMPDIR:-/tmp}/probity-bench-base-XXXXXX")
trap 'git -C "$here" worktree remove --force "$there" >/dev/null 2>&1 || rm -rf "$there"' EXIT
git worktree add --detach --quiet "$there" "$base"
# This checkout's packages, but caches of its own: the migrated database is keyed by its commit's files.
mkdir "$there/node_modules"
for entry in "$here"/node_modules/* "$here"/node_modules/.bin; do ln -s "$entry" "$there/node_modules/"; done

existing() { local dir=$1; shift; for file in "$@"; do [[ -e $dir/$file ]] && printf '%s\n' "$file"; done; }
time_in() {
  local dir=$1 label=$2 times
  mapfile -t files < <(existing "$dir" "${@:3}")
  times=$(mktemp)
  (cd "$dir" && /usr/bin/time -o "$times" -f '%e %U %S' npx vitest run --maxWorkers=1 "${files[@]}" >/dev/null 2>&1) ||
    echo "  ($label: some test failed)"
  read -r wall user system <"$times"
  rm -f "$times"
  printf '%-5s wall %6.1f s   cpu %6.1f s   load %s\n' "$label" "$wall" "$(echo "$user + $system" | bc)" \
    "$(cut -d' ' -f1-3 /proc/loadavg)"
}
# Not counted: each side's first run builds its migrated database (node_modules/.cache) and warms the disk cache.
time_in "$there" base "$@" >/dev/null
time_in "$here" this "$@" >/dev/null
for ((run = 1; run <= runs; run++)); do
  time_in "$there" base "$@"
  time_in "$here" this "$@"
done
