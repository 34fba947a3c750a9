#!/usr/bin/env bash
# The whole test suite: lint, type check, then every vitest suite. The real services
# (Kafka, Elasticsearch, Prometheus, ...) are started once by test/global-setup.ts through
# the scripts in test/services/ and shared by all suites.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/node-env.sh
bash scripts/install-system-packages.sh
npx biome check .
npx tsc -p tsconfig.json
npx vitest run "$@"
