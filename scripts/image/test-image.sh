#!/usr/bin/env bash
# The production image without Docker: runs the Dockerfile's stages (build-image.sh all)
# into a scratch folder, starts the result as the image's CMD does
# (NODE_ENV=production, app-config.yaml + app-config.production.yaml, every secret from
# the environment) against the PostgreSQL on 127.0.0.1:5432 with databases of its own
# (a fresh prefix per run, dropped afterwards), and checks it (check-image.mjs).
# Ports: a free one (never the portal's 7007), so it needs no portal lock. The build skips
# `yarn tsc` (GANTRY_IMAGE_SKIP_TSC=1 by default here): scripts/test.sh type-checks the tree
# in a step of its own; set GANTRY_IMAGE_SKIP_TSC= to run it as the Dockerfile does.
#
# Env: GANTRY_IMAGE_DIR (scratch folder; default a new temp dir, removed on success),
#      GANTRY_IMAGE_KEEP=1 (keep it), GANTRY_IMAGE_REUSE=1 (start what GANTRY_IMAGE_DIR
#      already holds, for iterating on the checks), PG_ADMIN_URL (default
#      postgresql://postgres@127.0.0.1:5432).
source "$(dirname "${BASH_SOURCE[0]}")/../env.sh"
set +e
cd "$GANTRY_ROOT"

t0=$(date +%s)
out=${GANTRY_IMAGE_DIR:-$(mktemp -d /tmp/gantry-image.XXXXXX)}
pg_admin=${PG_ADMIN_URL:-postgresql://postgres@127.0.0.1:5432}
prefix="gantry_image_$(date +%s)_$$_"
port=$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
log="$out.log"
pid=

say() { echo "test-image: $*"; }

cleanup() {
  if [ -n "$pid" ]; then
    kill "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
  fi
  # Drop every database this run created (one per plugin, all under the run's prefix).
  node -e '
    const { Client } = require("pg");
    const c = new Client({ connectionString: process.argv[1] });
    (async () => {
      await c.connect();
      const { rows } = await c.query("select datname from pg_database where datname like $1", [process.argv[2] + "%"]);
      for (const { datname } of rows) await c.query(`drop database if exists "${datname}" with (force)`);
      await c.end();
    })().catch(e => { console.error("test-image: could not drop the run databases: " + e.message); });
  ' "$pg_admin" "$prefix"
}
trap cleanup EXIT

say "building into $out"
tb=$(date +%s)
if [ -n "${GANTRY_IMAGE_REUSE:-}" ] && [ -d "$out/packages/backend/dist" ]; then
  say "GANTRY_IMAGE_REUSE: starting the build already in $out"
elif ! GANTRY_IMAGE_SKIP_TSC=${GANTRY_IMAGE_SKIP_TSC-1} bash scripts/image/build-image.sh all "$out" >"$out.build.log" 2>&1; then
  tail -40 "$out.build.log"
  say "FAILED: the build (full log: $out.build.log)"
  exit 1
fi
build_s=$(($(date +%s) - tb))
say "build ${build_s}s; production install $(du -sh "$out/node_modules" | cut -f1) node_modules, $(du -sh "$out" | cut -f1) in all"

# A catalog of one annotated component: the smoke test's own, outside the scratch folder's code.
cat >"$out/smoke-catalog.yaml" <<'YAML'
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: image-smoke
  annotations:
    gantry.dev/feature-flags: enabled
    gantry.dev/compliance-policy: default
spec:
  type: service
  lifecycle: production
  owner: group:default/platform-admins
YAML

ci_token="image-test-$(node -e 'console.log(require("crypto").randomBytes(18).toString("hex"))')"
pg_user=postgres
started_at=$(node -e 'console.log(Date.now())')
(
  cd "$out" &&
    exec env NODE_ENV=production NODE_OPTIONS=--no-node-snapshot \
      APP_BASE_URL="http://127.0.0.1:$port" \
      BACKEND_BASE_URL="http://127.0.0.1:$port" \
      POSTGRES_HOST=127.0.0.1 POSTGRES_PORT=5432 POSTGRES_USER=$pg_user POSTGRES_PASSWORD= \
      GANTRY_CI_TOKEN="$ci_token" \
      GANTRY_ALERTMANAGER_TOKEN="$ci_token-am" GANTRY_CANARY_JUDGE_TOKEN="$ci_token-cj" \
      GANTRY_GATE_TOKEN="$ci_token-gate" \
      GANTRY_FLAGS_EDGE_TOKEN="$ci_token-edge" \
      ARGOCD_URL=http://127.0.0.1:9 ARGOCD_TOKEN=unused \
      K8S_API_URL=http://127.0.0.1:9 K8S_SA_TOKEN=unused \
      PROMETHEUS_URL=http://127.0.0.1:9 \
      APP_CONFIG_backend_listen_port="$port" \
      APP_CONFIG_backend_database_prefix="$prefix" \
      APP_CONFIG_catalog_locations="[{\"type\":\"file\",\"target\":\"$out/smoke-catalog.yaml\"}]" \
      node packages/backend --config app-config.yaml --config app-config.production.yaml
) >"$log" 2>&1 &
pid=$!
say "started the production build (pid $pid, port $port, databases ${prefix}*, log $log)"

BACKEND="http://127.0.0.1:$port" GANTRY_CI_TOKEN="$ci_token" STARTED_AT="$started_at" \
  GANTRY_ALERTMANAGER_TOKEN="$ci_token-am" \
  ENTITY=default/component/image-smoke \
  PG_URL="${pg_admin%/}/${prefix}gantry" \
  node scripts/image/check-image.mjs
rc=$?
if [ $rc -ne 0 ]; then
  say "backend log (last 40 lines of $log):"
  tail -40 "$log"
elif [ -z "${GANTRY_IMAGE_KEEP:-}" ] && [ -z "${GANTRY_IMAGE_DIR:-}" ]; then
  rm -rf "$out" "$out.build.log" "$log"
fi
say "$([ $rc -eq 0 ] && echo ok || echo FAILED) in $(($(date +%s) - t0))s (build ${build_s}s)"
exit $rc
