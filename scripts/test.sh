#!/usr/bin/env bash
# Installs everything, starts what the tests need and runs every test: type check,
# lint, formatting, unit and integration tests (SQLite and the PostgreSQL on
# 127.0.0.1:5432), frontend component tests, and Playwright end-to-end tests against
# the started portal in Debian's chromium. Ends with the runners' pass/fail counts.
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
source "$GANTRY_ROOT/scripts/lib/portal.sh"
cd "$GANTRY_ROOT"
set +e
started=$(date +%s)
RESULTS="$GANTRY_ROOT/test-results"
rm -rf "$RESULTS" "$GANTRY_ROOT/e2e-tests/artifacts"
mkdir -p "$RESULTS"
failed_steps=()

step() {
  local name=$1
  shift
  echo
  echo "==> $name"
  local t0=$(date +%s)
  "$@"
  local rc=$?
  echo "<== $name: $([ $rc -eq 0 ] && echo ok || echo "FAILED (exit $rc)") in $(($(date +%s) - t0))s"
  [ $rc -eq 0 ] || failed_steps+=("$name")
  return $rc
}

step "system packages" bash "$GANTRY_ROOT/scripts/lib/system-packages.sh" || exit 1
step "yarn install" yarn install --immutable || exit 1

step "type check" yarn tsc
step "lint" yarn backstage-cli repo lint
step "formatting" yarn prettier --check --loglevel warn .

export BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING="${BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING:-postgresql://postgres@127.0.0.1:5432}"
step "PostgreSQL reachable" node -e "
  const { Client } = require('pg');
  const c = new Client({ connectionString: process.env.BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING });
  c.connect().then(() => c.query('select version()')).then(r => { console.log(r.rows[0].version); return c.end(); })
   .catch(e => { console.error('PostgreSQL is not reachable at ' + process.env.BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING + ': ' + e.message); process.exit(1); });"
step "unit, integration and component tests (jest)" \
  yarn backstage-cli repo test --watchAll=false --json --outputFile="$RESULTS/jest.json"

step "production image without Docker (build, start on PostgreSQL, check)" bash scripts/image/test-image.sh
step "install into a fresh create-app Backstage (packed @gantry/* tarballs, Chromium)" bash scripts/install-test/run.sh

trap stop_portal EXIT
if step "start the portal" bash -c 'source scripts/env.sh; source scripts/lib/portal.sh; start_portal_background; wait_for_portal && seed_demo'; then
  step "end-to-end tests (playwright, Debian chromium)" yarn workspace e2e-tests test
fi
stop_portal

node "$GANTRY_ROOT/scripts/lib/summarize-tests.mjs" "$RESULTS/jest.json" "$GANTRY_ROOT/e2e-tests/artifacts/results.json" "$(($(date +%s) - started))" "${failed_steps[@]}"
