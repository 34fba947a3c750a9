#!/usr/bin/env bash
# Builds the OpenTelemetry Collector named by builder-config.yaml and the
# telemetrygen load generator into ${OTELGATE_CACHE:-$HOME/.cache/otelgate}.
# Idempotent: skips whatever is already built. Go builds are slow on a shared
# 2-core machine, so they run niced with one compile job at a time.
#
#   loadtest/collector/build-collector.sh          # build (10-30 min the first time)
#   loadtest/collector/build-collector.sh --print  # print the binary paths only
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
version="0.158.0"
# telemetrygen is versioned on its own: v0.158.0 is not on the proxy here, v0.161.0 is.
telemetrygen_version="0.161.0"
cache="${OTELGATE_CACHE:-$HOME/.cache/otelgate}"
out="$cache/otelcol-$version"
collector="$out/otelcol-otelgate-bench"
telemetrygen="$out/telemetrygen"

if [[ "${1:-}" == "--print" ]]; then
  echo "OTELCOL=$collector"
  echo "TELEMETRYGEN=$telemetrygen"
  exit 0
fi

command -v go >/dev/null || { echo "build-collector: go is not on PATH" >&2; exit 1; }
mkdir -p "$out"

# One compile job at a time and the lowest priority: others share these cores.
export GOFLAGS="-p=1 ${GOFLAGS:-}"
export GOMAXPROCS="${GOMAXPROCS:-1}"
export GOBIN="$out/bin"
run() { nice -n 19 "$@"; }

if [[ ! -x "$GOBIN/builder" ]]; then
  echo "build-collector: installing builder v$version"
  run go install "go.opentelemetry.io/collector/cmd/builder@v$version"
fi

# A binary built from another manifest (components added since) is rebuilt; the old one stays in
# place until the new one replaces it.
manifest_sum="$(sha256sum "$here/builder-config.yaml" | cut -d' ' -f1)"
stale=0
if [[ -x "$collector" && "$(cat "$collector.manifest" 2>/dev/null)" != "$manifest_sum" ]]; then
  echo "build-collector: builder-config.yaml changed since the last build; rebuilding"
  stale=1
fi

if [[ ! -x "$collector" || "$stale" == 1 ]]; then
  echo "build-collector: building the Collector into $out"
  work="$out/build"
  mkdir -p "$work"
  # The committed manifest has no output path; add it here so the cache
  # location stays configurable.
  sed "s|^dist:\$|dist:\n  output_path: $work|" "$here/builder-config.yaml" >"$work/builder-config.yaml"
  run "$GOBIN/builder" --config "$work/builder-config.yaml"
  cp "$work/otelcol-otelgate-bench" "$collector.tmp"
  mv "$collector.tmp" "$collector"
  echo "$manifest_sum" >"$collector.manifest"
fi

if [[ ! -x "$telemetrygen" ]]; then
  echo "build-collector: installing telemetrygen v$telemetrygen_version"
  run go install "github.com/open-telemetry/opentelemetry-collector-contrib/cmd/telemetrygen@v$telemetrygen_version"
  mv "$GOBIN/telemetrygen" "$telemetrygen"
fi

echo "OTELCOL=$collector"
echo "TELEMETRYGEN=$telemetrygen"
