#!/usr/bin/env bash
# Regenerates packages/api-contract from the BFF's routes and DTOs (no database needed).
set -euo pipefail
cd "$(dirname "$0")/.."
rm -rf dist/bff
npx swc apps/bff/src libs/shared/src libs/domain/src -d dist/bff --config-file apps/bff/.swcrc --ignore '**/*.spec.ts' -q
node dist/bff/apps/bff/src/cli/export-openapi.js packages/api-contract/openapi.json
npx openapi-typescript packages/api-contract/openapi.json -o packages/api-contract/src/generated/openapi.ts
