#!/usr/bin/env bash
# The one Node.js that every JavaScript tool of the build and the tests runs on, whatever Node
# the machine has: Node.js and npm at the versions scripts/node/package-lock.json pins, installed
# from the npm registry into build/node by `npm ci` (which checks each tarball against the
# lockfile's sha512) with whatever npm the machine has, once per lockfile change. The machine's
# own Node is never changed, and never runs a tool.
#   scripts/node.sh path                        print the directory to put first on PATH
#   scripts/node.sh install DIR [NPM-ARGS...]   npm ci in DIR when its lockfile changed, then
#                                               check the node against what DIR's tools declare
#   scripts/node.sh CMD [ARGS...]               run CMD with that node and npm first on PATH
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
PINS=$ROOT/scripts/node
DIR=$ROOT/build/node
BIN=$DIR/bin

if [[ ! $DIR/installed -nt $PINS/package-lock.json ]]; then
  mkdir -p "$DIR"
  (
    flock 9
    if [[ ! $DIR/installed -nt $PINS/package-lock.json ]]; then
      if ! command -v npm >/dev/null; then
        echo "scripts/node.sh: npm is needed once, to fetch the pinned Node.js (scripts/deps.sh installs it)" >&2
        exit 1
      fi
      cp "$PINS/package.json" "$PINS/package-lock.json" "$DIR/"
      cd "$DIR"
      npm ci --ignore-scripts --no-audit --no-fund --loglevel=error >/dev/null
      # The pinned npm reads the machine's global npm settings (registry, proxy, CA) as the
      # machine's own npm does, not the empty ones beside the pinned node.
      echo "globalconfig=$(npm config get globalconfig)" >node_modules/npm/npmrc
      # Our own links: npm ci leaves the one node-linux-<arch> this machine runs, and some npm
      # releases (Debian's 9.2) do not link a bin named node.
      node=$(echo node_modules/node-linux-*/bin/node)
      if [[ ! -f $node ]]; then
        echo "scripts/node.sh: scripts/node/package.json pins no Node.js for $(uname -m)" >&2
        exit 1
      fi
      chmod +x "$node"
      mkdir -p bin
      ln -sfn "../$node" bin/node
      ln -sfn ../node_modules/npm/bin/npm-cli.js bin/npm
      ln -sfn ../node_modules/npm/bin/npx-cli.js bin/npx
      touch installed
    fi
  ) 9>"$DIR.lock"
fi
PATH=$BIN:$PATH

case ${1:-} in
  path)
    echo "$BIN" ;;
  install)
    dir=$(realpath --relative-to="$ROOT" "$2")
    shift 2
    cd "$ROOT"
    if [[ ! $dir/node_modules/.package-lock.json -nt $dir/package-lock.json ]]; then
      (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error "$@" >/dev/null)
    fi
    exec node "$PINS/engines.cjs" "$dir" ;;
  '')
    echo "usage: node.sh path | install DIR [NPM-ARGS...] | CMD [ARGS...]" >&2
    exit 2 ;;
  *)
    exec "$@" ;;
esac
