#!/usr/bin/env bash
# Regenerates packages/api-contract from the BFF's routes and DTOs (no database needed).
set -euo pipefail
cd "$(dirname "$0")/.."
export NX_NO_CLOUD=true NX_DAEMON=false
npx nx run bff:build --skip-nx-cache
node dist/bff/apps/bff/src/cli/export-openapi.js packages/api-contract/openapi.json
npx openapi-typescript packages/api-contract/openapi.json -o packages/api-contract/src/generated/openapi.ts
