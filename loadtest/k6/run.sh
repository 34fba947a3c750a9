#!/usr/bin/env bash
# ./loadtest/k6/run.sh <smoke|steady|ramp|spike|soak> [extra k6 args]
# Aims at OTELGATE_URL (default http://127.0.0.1:4318); PROTOCOL=json|protobuf.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
scenario="${1:?usage: run.sh <smoke|steady|ramp|spike|soak>}"
shift
source "$here/../../scripts/node-env.sh"
k6="$("$here/install-k6.sh")"
if [ "${PROTOCOL:-json}" = "protobuf" ]; then node "$here/build-payloads.ts"; fi
exec "$k6" run --quiet "$@" "$here/$scenario.js"
