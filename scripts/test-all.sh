#!/usr/bin/env bash
# The whole test suite: lint, type check, then every vitest suite. The real services
# (Kafka, Elasticsearch, Prometheus, ...) are started once by test/global-setup.ts through
# the scripts in test/services/ and shared by all suites.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/node-env.sh
bash scripts/install-system-packages.sh
# helm is built from source on a new machine (minutes): start it now, niced, so it overlaps with
# lint, typecheck and the first suites; test/deploy/helm.test.ts waits for it on the script's lock.
mkdir -p .cache
nice -n 10 bash scripts/install-helm.sh >.cache/install-helm.log 2>&1 &
npx biome check .
npx tsc -p tsconfig.json
npx vitest run "$@"
