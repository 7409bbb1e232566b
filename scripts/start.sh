#!/usr/bin/env bash
# Installs everything and starts the Gantry portal with the demo catalog and demo data:
# frontend http://localhost:3000, backend http://localhost:7007, SQLite in memory.
# Ctrl-C stops it.
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
source "$GANTRY_ROOT/scripts/lib/portal.sh"
cd "$GANTRY_ROOT"

yarn_install
trap 'echo; echo "==> stopping the portal"; stop_portal' EXIT
trap 'exit 130' INT TERM
start_portal_background
tail -n +1 -f "$PORTAL_LOG" &
wait_for_portal
seed_demo
echo
echo "Gantry is up: open $FRONTEND_URL (sign in as guest), then Checkout -> Delivery."
wait "$(cat "$PORTAL_DIR/portal.pid")"
