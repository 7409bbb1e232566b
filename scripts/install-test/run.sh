#!/usr/bin/env bash
# Installs Gantry into a Backstage app the way an adopter does, from the packages this
# repo publishes: builds and packs every @gantry/* package, creates a fresh app with
# @backstage/create-app (the version of this repo's Backstage release, from the npm
# registry), adds the packed tarballs, one backend.add(import(...)) each for the backend
# plugin and the scaffolder module (the frontend plugin is discovered by
# `app.packages: all`), an annotated entity, then type-checks, builds, starts the app on
# SQLite and checks it in Chromium (scripts/install-test/check-app.mjs).
#
# The app lives outside the repo, in $GANTRY_INSTALL_TEST_DIR (default
# ~/.cache/gantry-install-test). A new app is created on every run; its node_modules and
# yarn.lock are taken over from the previous run's app to skip re-linking and native
# builds (GANTRY_INSTALL_TEST_FRESH=1 installs from nothing but Yarn's cache).
# GANTRY_INSTALL_TEST_CHECK_ONLY=1 starts and checks the app the last run built again.
# Port $GANTRY_INSTALL_TEST_PORT (default 7177; backend and the built frontend) must be
# free; the demo portal and the benchmarks use others.
source "$(dirname "${BASH_SOURCE[0]}")/../env.sh"
set +e

HERE="$GANTRY_ROOT/scripts/install-test"
WORK="${GANTRY_INSTALL_TEST_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/gantry-install-test}"
APP="$WORK/app"
PACKS="$WORK/packages"
ARTIFACTS="${GANTRY_INSTALL_TEST_ARTIFACTS:-$GANTRY_ROOT/test-results/install-test}"
PORT="${GANTRY_INSTALL_TEST_PORT:-7177}"
export GANTRY_INSTALL_TEST_PORT="$PORT"
BASE_URL="http://localhost:$PORT"
CREATE_APP_VERSION=$(node -p "require('$GANTRY_ROOT/backstage.json').createAppVersion")
# the published plugins, then every workspace package they depend on (those get
# published too, or an adopter's install cannot resolve them)
PLUGINS=(gantry-common gantry-node gantry-backend scaffolder-backend-module-gantry
  permission-backend-module-gantry gantry)
# create-app's CLI, Yarn and Backstage's own scripts run non-interactively
export CI=true YARN_ENABLE_IMMUTABLE_INSTALLS=false YARN_ENABLE_PROGRESS_BARS=false
export BACKSTAGE_APP_NAME=adopter

mkdir -p "$WORK" "$ARTIFACTS"
timings=()
pack_problems=0
backend_pid=""

stop_backend() {
  if [ -n "$backend_pid" ] && kill -0 "$backend_pid" 2>/dev/null; then
    kill -- -"$backend_pid" 2>/dev/null
    wait "$backend_pid" 2>/dev/null
  fi
  backend_pid=""
}
trap stop_backend EXIT

summary() {
  echo
  echo "install test phases: ${timings[*]}"
}

# phase <name> <command...>: runs one phase, records its time, stops the test on failure
phase() {
  local name=$1
  shift
  echo
  echo "--> $name"
  local t0=$SECONDS
  "$@"
  local rc=$?
  timings+=("$name $((SECONDS - t0))s")
  if [ $rc -ne 0 ]; then
    echo "install test FAILED in phase '$name' (exit $rc); app in $APP, logs in $WORK" >&2
    summary
    exit 1
  fi
}

pack_packages() {
  # the packages' .d.ts files are built from the repo's tsc output (dist-types); a type
  # error elsewhere in the repo is the type check step's to report, not this test's
  (cd "$GANTRY_ROOT" && yarn tsc >"$WORK/tsc.log" 2>&1) ||
    echo "  (yarn tsc reports errors, see $WORK/tsc.log; packing from what it emitted)"
  rm -rf "$PACKS"
  mkdir -p "$PACKS"
  local manifest="{}" dirs
  dirs=$(cd "$GANTRY_ROOT" && node "$HERE/workspace-closure.mjs" "${PLUGINS[@]/#/plugins/}") || return 1
  for rel in $dirs; do
    local pkg="$GANTRY_ROOT/$rel" dir
    dir=$(basename "$rel")
    local name version
    name=$(node -p "require('$pkg/package.json').name")
    version=$(node -p "require('$pkg/package.json').version")
    (cd "$pkg" && yarn backstage-cli package build && yarn pack --out "$PACKS/tmp.tgz") >"$WORK/pack-$dir.log" 2>&1 ||
      { cat "$WORK/pack-$dir.log"; return 1; }
    # the content hash in the name makes Yarn take a changed tarball as a new package
    local tarball
    tarball="$PACKS/$dir-$version-$(sha256sum "$PACKS/tmp.tgz" | cut -c1-8).tgz"
    mv "$PACKS/tmp.tgz" "$tarball"
    manifest=$(node -e "const m=JSON.parse(process.argv[1]);m[process.argv[2]]={version:process.argv[3],tarball:process.argv[4]};console.log(JSON.stringify(m,null,2))" \
      "$manifest" "$name" "$version" "$tarball")
    printf '  %-50s %7s KiB packed, %7s KiB unpacked, %4s files\n' "$(basename "$tarball")" \
      $(($(stat -c %s "$tarball") / 1024)) \
      $(($(tar xzf "$tarball" -O | wc -c) / 1024)) "$(tar tzf "$tarball" | wc -l)"
  done
  echo "$manifest" >"$PACKS/manifest.json"
}

check_packs() {
  local bad=0
  for tarball in "$PACKS"/*.tgz; do
    local manifest
    manifest=$(tar xzf "$tarball" -O package/package.json)
    # what an adopter's bundler and Node resolve: built files, not src/
    node -e '
      const p = JSON.parse(process.argv[1]);
      const problems = [];
      if (p.private) problems.push("it is private (npm publish refuses it)");
      if (!/^dist\//.test(p.main)) problems.push(`main is ${p.main}`);
      if (!/^dist\//.test(p.types)) problems.push(`types is ${p.types}`);
      for (const [k, v] of Object.entries(p.dependencies ?? {})) {
        if (/^(workspace|link|file|portal):/.test(v)) problems.push(`${k}@${v}`);
        if (k.startsWith("@backstage/") && !v.startsWith("^")) problems.push(`${k} pinned to ${v}`);
      }
      if (problems.length) { console.error(`${p.name}: ${problems.join(", ")}`); process.exit(1); }
    ' "$manifest" || bad=1
    grep -q '^package/dist/index.d.ts$' <(tar tzf "$tarball") || {
      echo "$(basename "$tarball") has no dist/index.d.ts" >&2
      bad=1
    }
  done
  local backend
  backend=$(ls "$PACKS"/gantry-backend-*.tgz)
  local shipped expected
  shipped=$(grep -c '^package/migrations/.*\.js$' <(tar tzf "$backend"))
  expected=$(ls "$GANTRY_ROOT"/plugins/gantry-backend/migrations/*.js | wc -l)
  echo "  gantry-backend ships $shipped of $expected migrations"
  [ "$shipped" -eq "$expected" ] || bad=1
  grep -q '^package/config.schema.json$' <(tar tzf "$backend") || {
    echo "gantry-backend ships no config schema" >&2
    bad=1
  }
  # the adopter's install below still runs on these tarballs; the test fails at its end
  [ $bad -eq 0 ] || pack_problems=1
  return 0
}

create_app() {
  rm -rf "$WORK/app.prev"
  [ -d "$APP" ] && mv "$APP" "$WORK/app.prev"
  (cd "$WORK" && npx --yes "@backstage/create-app@$CREATE_APP_VERSION" --skip-install --path app) >"$WORK/create-app.log" 2>&1 ||
    { cat "$WORK/create-app.log"; return 1; }
  # without network access to GitHub create-app cannot fetch its yarn.lock seed; the
  # root resolutions (wire-app.mjs) pin @backstage/* to the release instead
  grep -q 'Failed to fetch the yarn.lock seed' "$WORK/create-app.log" &&
    echo "  (create-app could not fetch its yarn.lock seed; @backstage/* are pinned by resolutions)"
  return 0
}

reuse_previous_install() {
  [ "${GANTRY_INSTALL_TEST_FRESH:-0}" = 1 ] && return 0
  [ -d "$WORK/app.prev/node_modules" ] || return 0
  echo "  taking over node_modules and yarn.lock from the previous run"
  mv "$WORK/app.prev/node_modules" "$APP/node_modules"
  mv "$WORK/app.prev/yarn.lock" "$APP/yarn.lock"
  mkdir -p "$APP/.yarn"
  [ -f "$WORK/app.prev/.yarn/install-state.gz" ] && mv "$WORK/app.prev/.yarn/install-state.gz" "$APP/.yarn/"
  for ws in app backend; do
    [ -d "$WORK/app.prev/packages/$ws/node_modules" ] &&
      mv "$WORK/app.prev/packages/$ws/node_modules" "$APP/packages/$ws/node_modules"
  done
  return 0
}

install_app() {
  reuse_previous_install
  (cd "$APP" && yarn install) >"$WORK/install.log" 2>&1 || { tail -40 "$WORK/install.log"; return 1; }
  grep -E 'YN0000: . Done' "$WORK/install.log" | sed 's/^/  /'
}

start_backend() {
  if curl -s -o /dev/null "$BASE_URL"; then
    echo "port $PORT is in use: stop what listens there and run again" >&2
    return 1
  fi
  export GANTRY_INSTALL_TEST_DB_DIR="$WORK/db"
  rm -rf "$GANTRY_INSTALL_TEST_DB_DIR"
  mkdir -p "$GANTRY_INSTALL_TEST_DB_DIR"
  (cd "$APP/packages/backend" && exec setsid yarn start --config "$APP/app-config.yaml" --config "$APP/app-config.gantry.yaml") \
    >"$WORK/backend.log" 2>&1 &
  backend_pid=$!
  for _ in $(seq 1 180); do
    if ! kill -0 "$backend_pid" 2>/dev/null; then
      tail -40 "$WORK/backend.log"
      return 1
    fi
    curl -sf -o /dev/null "$BASE_URL/api/gantry/health" && return 0
    sleep 1
  done
  echo "the backend did not answer /api/gantry/health within 180 s" >&2
  tail -40 "$WORK/backend.log"
  return 1
}

check_migrations() {
  # resolvePackagePath found the migrations inside the installed tarball: every one ran
  local ran expected
  ran=$(cd "$APP" && node -e "
    const db = new (require('better-sqlite3'))(process.argv[1], { readonly: true });
    console.log(db.prepare('select count(*) as n from knex_migrations').get().n);" \
    "$GANTRY_INSTALL_TEST_DB_DIR/gantry.sqlite") || return 1
  expected=$(ls "$GANTRY_ROOT"/plugins/gantry-backend/migrations/*.js | wc -l)
  echo "  Gantry's database: $ran of $expected migrations applied"
  [ "$ran" -eq "$expected" ]
}

if [ "${GANTRY_INSTALL_TEST_CHECK_ONLY:-0}" != 1 ]; then
  phase "pack" pack_packages
  phase "check packs" check_packs
  phase "create app" create_app
  phase "wire Gantry" node "$HERE/wire-app.mjs" "$APP" "$PACKS" "$GANTRY_ROOT/package.json"
  phase "install" install_app
  phase "type check" bash -c "cd '$APP' && yarn tsc"
  phase "build" bash -c "cd '$APP' && yarn build:backend >'$WORK/build.log' 2>&1 || { tail -40 '$WORK/build.log'; exit 1; }"
fi
phase "start" start_backend
phase "migrations" check_migrations
phase "browser" node "$HERE/check-app.mjs" "$BASE_URL" "$ARTIFACTS"
stop_backend
summary
if [ $pack_problems -ne 0 ]; then
  echo "install test FAILED: the packed packages cannot be published as they are (see 'check packs')" >&2
  exit 1
fi
