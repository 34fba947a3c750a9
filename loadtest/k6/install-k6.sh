#!/usr/bin/env bash
# Installs k6 from the Go module proxy into the shared cache (once) and prints its path.
set -euo pipefail
K6_VERSION="${K6_VERSION:-v1.8.1}"
CACHE="${OTELGATE_CACHE:-$HOME/.cache/otelgate}"
BIN="$CACHE/k6-$K6_VERSION/k6"
if [ ! -x "$BIN" ]; then
  command -v go >/dev/null || { echo "k6 needs Go to build (go install go.k6.io/k6@$K6_VERSION)" >&2; exit 1; }
  echo "building k6 $K6_VERSION into $CACHE (first time only, a few minutes)" >&2
  mkdir -p "$(dirname "$BIN")"
  GOBIN="$(dirname "$BIN")" GOFLAGS=-buildvcs=false go install "go.k6.io/k6@$K6_VERSION" >&2
fi
echo "$BIN"
