#!/usr/bin/env bash
# Installs everything and starts the Gantry portal with the demo catalog and demo data:
# frontend http://localhost:3000, backend http://localhost:7007, SQLite in memory, and the
# live demo's Prometheus, Alertmanager, traffic exporter and GitOps repository on loopback.
# Ctrl-C stops it.
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
source "$GANTRY_ROOT/scripts/lib/portal.sh"
cd "$GANTRY_ROOT"

# Before anything else, so a second start.sh leaves a running portal alone.
ensure_ports_free
started=$(date +%s)
yarn_install
trap 'echo; echo "==> stopping the portal"; stop_portal' EXIT
trap 'exit 130' INT TERM
start_portal_background
wait_for_portal
seed_demo
cat <<EOF

Gantry is up ($(($(date +%s) - started)) s):
  portal     $FRONTEND_URL  (sign in as guest, then Checkout -> Delivery)
  backend    $BACKEND_URL/api/gantry/health
  fixtures   http://127.0.0.1:7008  (demo Argo CD and Kubernetes API)
  metrics    $PROMETHEUS_URL  (Prometheus: synthetic traffic, Gantry's SLO rules; alerts via $ALERTMANAGER_URL)
  gitops     $DEMO_GIT_URL/shop-deploy.git  (the demo GitOps repository approved releases are committed to)
  logs       ${PORTAL_LOG#"$GANTRY_ROOT"/}  (requests and startup; tail -f it to follow)
Ctrl-C stops it.
EOF
wait "$(cat "$PORTAL_DIR/portal.pid")"
