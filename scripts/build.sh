#!/usr/bin/env bash
# Bundles the gateway into dist/otelgate.mjs: what the Docker image and the benchmarks run.
# Running the TypeScript sources directly works too (Node's type stripping), but the stripper
# itself costs ~40 MiB of RSS; the bundle does not pay it. Native and data-carrying packages
# stay external and load from node_modules.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/node-env.sh
# --splitting: what a role loads with `await import()` (the process loop; the exporters with their
# Elasticsearch client and snappy) goes into dist/chunks/, read only by the roles that run it.
rm -rf dist/chunks
npx esbuild gateway/src/cli.ts --bundle --platform=node --format=esm --target=node22 \
  --splitting --outdir=dist --entry-names=otelgate --chunk-names='chunks/[name]-[hash]' \
  --out-extension:.js=.mjs --log-level=warning \
  --external:snappy --external:@elastic/elasticsearch --external:@platformatic/kafka --external:@platformatic/wasm-utils \
  --banner:js="import { createRequire as __otelgateRequire } from 'node:module'; const require = __otelgateRequire(import.meta.url);"
echo "built dist/otelgate.mjs" >&2
