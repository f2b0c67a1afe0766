#!/usr/bin/env bash
# npm run demo: installs what is missing, builds the BFF and the H5 mini-program, starts the
# BFF on an embedded PostgreSQL with seeded demo data, and serves the H5 app. Ctrl-C stops all.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/setup.sh

ensure_node_modules

export PORT="${PORT:-3000}"
# The demo logs anyone in by name and opens the admin account with a published password: it
# listens on this machine only.
export HOST="${HOST:-127.0.0.1}"
H5_PORT="${H5_PORT:-10086}"
export AUTH_DEV_LOGIN=true DEMO_SEED=true
export ADMIN_USERNAME="${ADMIN_USERNAME:-admin}" ADMIN_PASSWORD="${ADMIN_PASSWORD:-linli-demo-admin}"
export LOG_LEVEL="${LOG_LEVEL:-warn}"

log "Building the BFF"
npx nx run bff:build
log "Building the H5 mini-program"
TARO_APP_DEV_LOGIN=true npx nx run miniapp:build-h5

pids=()
# Ctrl-C is a normal end; any other end keeps the status that caused it.
stop() {
  local status=$1
  trap - INT TERM EXIT
  log "Stopping"
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  exit "$status"
}
trap 'stop 0' INT TERM
trap 'stop $?' EXIT

healthy() {
  node -e "fetch('http://127.0.0.1:$PORT/api/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"
}

# Another server on these ports (a demo still running) would answer in this one's place.
for taken in "$PORT" "$H5_PORT"; do
  if port_open 127.0.0.1 "$taken"; then
    log "Port $taken is taken, by a demo still running or another server: stop it first (or set PORT / H5_PORT)"
    exit 1
  fi
done
node dist/bff/apps/bff/src/main.js &
pids+=($!)
log "Waiting for the BFF (its first start sets up PostgreSQL and the demo data)"
started=false
for _ in $(seq 1 240); do
  if healthy; then started=true; break; fi
  kill -0 "${pids[0]}" 2>/dev/null || { log "The BFF did not start"; exit 1; }
  sleep 0.5
done
if [ "$started" != true ]; then
  log "The BFF did not answer on http://127.0.0.1:$PORT/api/health within 2 minutes"
  exit 1
fi
node scripts/h5-server.js --root dist/miniapp/h5 --port "$H5_PORT" --api "http://127.0.0.1:$PORT" &
pids+=($!)
for _ in $(seq 1 40); do
  port_open 127.0.0.1 "$H5_PORT" && break
  kill -0 "${pids[1]}" 2>/dev/null || { log "The H5 server did not start"; exit 1; }
  sleep 0.25
done

cat <<TXT

  Linli demo is running
  ─────────────────────────────────────────────────────────────
  Mini-program (H5)   http://127.0.0.1:$H5_PORT/
  BFF API             http://127.0.0.1:$PORT/api/v1
  Swagger UI          http://127.0.0.1:$PORT/api/docs
  Health              http://127.0.0.1:$PORT/api/health

  Log in on 我的 with a name (dev log-in):
    shoppers  alice, bob (阳光花园东门自提点), carol; any other name makes a new member
    leader    leader (王团长, runs 阳光花园东门自提点): alice's and bob's milk is on its way,
              confirm it on 团长工作台 → 到货确认, then hand it over on 核销提货
    new leader  any new name: 我的 → 申请成为团长 for 阳光花园西门自提点, which has no leader yet
  Admin API   POST /api/v1/admin/auth/login  {"username":"$ADMIN_USERNAME","password":"$ADMIN_PASSWORD"}

  Ctrl-C stops everything.
TXT
wait -n "${pids[@]}"
