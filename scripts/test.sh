#!/usr/bin/env bash
# npm test: installs what the tests need and runs every check a change must pass.
# PostgreSQL: DATABASE_URL, else 127.0.0.1:5432 when it answers, else an embedded server.
set -uo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/setup.sh

ensure_node_modules || exit 1
ensure_chromium || exit 1

ARTIFACTS=artifacts
rm -rf "$ARTIFACTS" && mkdir -p "$ARTIFACTS"
export ARTIFACTS_DIR="$PWD/$ARTIFACTS"

cleanup_pids=()
cleanup() { for pid in "${cleanup_pids[@]}"; do kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; done; }
trap cleanup EXIT

if [ -n "${DATABASE_URL:-}" ]; then
  export TEST_DATABASE_URL="$DATABASE_URL"
elif port_open 127.0.0.1 5432; then
  export TEST_DATABASE_URL="postgres://postgres@127.0.0.1:5432/postgres"
else
  log "No PostgreSQL answers on 127.0.0.1:5432: starting an embedded one"
  # exec: the coprocess is node itself, so that cleanup stops it, and PostgreSQL with it.
  coproc PG { exec node scripts/test-postgres.js "$(free_port)"; }
  cleanup_pids+=("$PG_PID")
  read -r TEST_DATABASE_URL <&"${PG[0]}" || { echo "embedded PostgreSQL did not start"; exit 1; }
  export TEST_DATABASE_URL
fi
log "Test databases on ${TEST_DATABASE_URL%%@*}@${TEST_DATABASE_URL#*@}"

if [ -z "${TEST_REDIS_URL:-}" ]; then
  if port_open 127.0.0.1 6379; then
    export TEST_REDIS_URL="redis://127.0.0.1:6379"
  else
    command -v redis-server >/dev/null 2>&1 || { log "Installing Debian redis-server"; as_root apt-get update -qq; DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq redis-server >/dev/null; }
    command -v redis-server >/dev/null 2>&1 || { log "redis-server could not be installed"; exit 1; }
    port=$(free_port)
    redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no >/dev/null &
    cleanup_pids+=("$!")
    for _ in $(seq 1 40); do port_open 127.0.0.1 "$port" && break; sleep 0.25; done
    port_open 127.0.0.1 "$port" || { log "redis-server did not start"; exit 1; }
    export TEST_REDIS_URL="redis://127.0.0.1:$port"
  fi
fi

# A step that hangs fails after STEP_TIMEOUT_SECONDS instead of holding up the whole run.
STEP_TIMEOUT_SECONDS=${STEP_TIMEOUT_SECONDS:-1200}
steps=() results=() durations=()
# timeout runs each step in a process group of its own, out of the terminal's reach: Ctrl-C
# (or a TERM to this script) stops the step's whole group here, and the run.
step_pid=
stop_step() { [ -n "$step_pid" ] && kill -TERM -- "-$step_pid" 2>/dev/null; wait "$step_pid" 2>/dev/null; }
trap 'stop_step; exit 130' INT
trap 'stop_step; exit 143' TERM
run_step() {
  local name=$1; shift
  log "── $name"
  local started=$SECONDS
  timeout --kill-after=30 "$STEP_TIMEOUT_SECONDS" "$@" &
  step_pid=$!
  wait "$step_pid"
  local status=$?
  step_pid=
  [ $status = 124 ] && log "✗ $name did not finish within ${STEP_TIMEOUT_SECONDS}s"
  steps+=("$name"); results+=("$status"); durations+=($((SECONDS - started)))
  [ $status = 0 ] || log "✗ $name failed (exit $status)"
}
jest_step() { # jest_step NAME CONFIG [ARGS...]: jest with a JSON report for the summary
  local name=$1 config=$2; shift 2
  run_step "$name" npx jest -c "$config" --ci --json --outputFile="$ARTIFACTS/jest-$name.json" "$@"
}

# The module-boundary rule reads Nx's project graph: compute it first, or the rule would be skipped.
run_step lint bash -c 'npx nx show projects >/dev/null && npx eslint . --max-warnings 0'
run_step typecheck npm run --silent typecheck
jest_step unit-shared libs/shared/jest.config.js
jest_step unit-domain libs/domain/jest.config.js
jest_step unit-api-client packages/api-client/jest.config.js
jest_step unit-bff apps/bff/jest.config.js --selectProjects bff-unit
jest_step e2e-bff apps/bff/jest.config.js --selectProjects bff-e2e
run_step build-bff npx nx run bff:build --skip-nx-cache
run_step build-weapp npx nx run miniapp:build-weapp --skip-nx-cache
run_step build-h5 env TARO_APP_DEV_LOGIN=true npx nx run miniapp:build-h5 --skip-nx-cache
jest_step journey-miniapp apps/miniapp-e2e/jest.config.js

node scripts/test-summary.js "$ARTIFACTS" "${steps[*]}" "${results[*]}" "${durations[*]}"
