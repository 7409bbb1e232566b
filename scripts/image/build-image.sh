#!/usr/bin/env bash
# The production image's build, one command per stage of packages/backend/Dockerfile
# (Backstage's multi-stage layout), so the Dockerfile and the Docker-less image test
# (scripts/image/test-image.sh) run the very same steps:
#
#   skeleton SRC OUT   every workspace's package.json plus the root's yarn files: the
#                      dependency-install layer, unchanged while only sources change
#   install            yarn install --immutable (in the current directory)
#   build [DIR]        yarn tsc, then the backend bundle (which builds the app and every
#                      workspace package it depends on); leaves DIR/install (root yarn
#                      files + the bundle's skeleton) and DIR/bundle (default DIR:
#                      packages/backend/dist/image)
#   production DIR     production-only install of the skeleton in DIR
#                      (`yarn workspaces focus --all --production`)
#   all OUT            build + production + bundle into OUT, without Docker
#
# better-sqlite3 is compiled from source during installs: npm_config_nodedir must point at
# Node's headers when no prebuilt binary can be downloaded (scripts/env.sh sets it here;
# the node image has them in /usr/local).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

root_files=(package.json yarn.lock .yarnrc.yml backstage.json .yarn/releases)

log() { echo "build-image: $*" >&2; }

# Copies the root yarn files and this script folder from SRC into OUT.
copy_root_files() {
  local src=$1 out=$2 f
  for f in "${root_files[@]}" .yarn/plugins .yarn/patches; do
    [ -e "$src/$f" ] || continue
    mkdir -p "$out/$(dirname "$f")"
    cp -R "$src/$f" "$out/$f"
  done
  mkdir -p "$out/scripts/image"
  cp "$here"/*.sh "$out/scripts/image/"
}

stage_skeleton() {
  local src=$1 out=$2
  mkdir -p "$out"
  copy_root_files "$src" "$out"
  # Every workspace the root declares (globs included), so `--immutable` sees the lockfile's
  # whole workspace set.
  (cd "$src" && node -e '
    const fs = require("node:fs"), path = require("node:path");
    const { workspaces } = JSON.parse(fs.readFileSync("package.json", "utf8"));
    for (const w of workspaces.packages ?? workspaces) {
      const dirs = w.endsWith("/*")
        ? fs.readdirSync(w.slice(0, -2), { withFileTypes: true })
            .filter(d => d.isDirectory()).map(d => path.join(w.slice(0, -2), d.name))
        : [w];
      for (const d of dirs)
        if (fs.existsSync(path.join(d, "package.json"))) console.log(d);
    }') | while read -r dir; do
    mkdir -p "$out/$dir"
    cp "$src/$dir/package.json" "$out/$dir/package.json"
  done
  log "skeleton of $(find "$out" -name package.json -not -path '*/node_modules/*' | wc -l) package.json files in $out"
}

stage_install() {
  yarn install --immutable
}

stage_build() {
  local image=${1:-packages/backend/dist/image}
  # test-image.sh skips it: scripts/test.sh type-checks the tree in a step of its own.
  [ -n "${GANTRY_IMAGE_SKIP_TSC:-}" ] || yarn tsc
  yarn --cwd packages/backend build
  mkdir -p "$image/install" "$image/bundle"
  copy_root_files . "$image/install"
  tar xzf packages/backend/dist/skeleton.tar.gz -C "$image/install"
  tar xzf packages/backend/dist/bundle.tar.gz -C "$image/bundle"
  cp app-config.yaml app-config.production.yaml "$image/bundle/"
  log "$image/install and $image/bundle ready"
}

stage_production() {
  local dir=$1
  (cd "$dir" && yarn workspaces focus --all --production)
}

stage_all() {
  local out=$1
  [ -z "$(ls -A "$out" 2>/dev/null)" ] || {
    log "$out is not empty; give an empty or new directory"
    return 1
  }
  [ -d node_modules ] || stage_install
  # The stages' output goes next to OUT, not into packages/backend/dist: another build in
  # the same tree may replace that folder during the minutes of the production install.
  local stages
  stages=$(mktemp -d "$out.stages.XXXXXX")
  stage_build "$stages"
  cp -R "$stages/install/." "$out/"
  stage_production "$out"
  cp -R "$stages/bundle/." "$out/"
  rm -rf "$stages"
  log "production build in $out: node packages/backend --config app-config.yaml --config app-config.production.yaml"
}

cmd=${1:-}
shift || true
case "$cmd" in
  skeleton) stage_skeleton "${1:?SRC}" "${2:?OUT}" ;;
  install) stage_install ;;
  build) stage_build "${1:-}" ;;
  production) stage_production "${1:-.}" ;;
  all) stage_all "$(mkdir -p "${1:?OUT}" && cd "$1" && pwd)" ;;
  *)
    echo "usage: $0 skeleton SRC OUT | install | build | production [DIR] | all OUT" >&2
    exit 2
    ;;
esac
