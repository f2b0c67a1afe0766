#!/usr/bin/env bash
# npm run --silent analytics -- fit --input purchases.csv [--until YYYY-MM-DD] [--unit day|week]
# Builds the BFF with its output on stderr, so that stdout carries the command's JSON alone,
# then runs the command from the folder npm was started in, where a relative --input points.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
(cd "$root" && npx nx run bff:build) >&2
cd "${INIT_CWD:-$PWD}"
exec node "$root/dist/bff/apps/bff/src/cli/analytics.js" "$@"
