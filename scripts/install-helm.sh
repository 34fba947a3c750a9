#!/usr/bin/env bash
# Installs helm into ~/.cache/otelgate/bin (OTELGATE_TOOLS_BIN overrides) by building it with the
# machine's Go from the Go module proxy, and prints its path. Idempotent: a build of the pinned
# version is reused. Used by test/deploy/helm.test.ts; the first build takes a few minutes.
set -euo pipefail
HELM_VERSION=v4.3.2
BIN="${OTELGATE_TOOLS_BIN:-$HOME/.cache/otelgate/bin}"
mkdir -p "$BIN"
exec 9>"$BIN/.helm.lock"
flock 9
if [ -x "$BIN/helm" ] && [ "$(cat "$BIN/helm.version" 2>/dev/null)" = "$HELM_VERSION" ]; then
  echo "$BIN/helm"
  exit 0
fi
# Go's own installer puts it in /usr/local/go/bin, which a non-login shell may not have on PATH.
command -v go >/dev/null || PATH="$PATH:/usr/local/go/bin"
command -v go >/dev/null || { echo "install-helm: needs Go (go.dev/dl) on PATH" >&2; exit 1; }
echo "install-helm: building helm $HELM_VERSION with $(go version)" >&2
GOBIN="$BIN" GOFLAGS=-mod=mod go install "helm.sh/helm/v4/cmd/helm@$HELM_VERSION" >&2
echo "$HELM_VERSION" >"$BIN/helm.version"
echo "$BIN/helm"
