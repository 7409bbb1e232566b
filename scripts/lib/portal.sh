# Portal lifecycle shared by start.sh and test.sh. Sourced after env.sh.
PORTAL_DIR="$GANTRY_ROOT/.gantry"
PORTAL_LOG="$PORTAL_DIR/portal.log"
BACKEND_URL="http://localhost:7007"
FRONTEND_URL="http://localhost:3000"
# Local demo token, the same value app-config.yaml gives backend.auth.externalAccess.
export GANTRY_TOKEN="${GANTRY_TOKEN:-gantry-local-demo-token-change-me}"

port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Refuses, touching nothing, when the portal (or anything else) already holds a port.
ensure_ports_free() {
  local pid=""
  [ -f "$PORTAL_DIR/portal.pid" ] && pid=$(cat "$PORTAL_DIR/portal.pid")
  for port in 3000 7007 7008; do
    if port_busy "$port"; then
      if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
        echo "gantry: the portal is already running (process group $pid): open $FRONTEND_URL. Nothing was started or stopped. To restart it, press Ctrl-C in its terminal (or run: kill -- -$pid) and run this again." >&2
      else
        echo "gantry: port $port is already in use by another program. Nothing was started or stopped. Stop whatever listens on $port (an earlier 'yarn start'?) and run this again." >&2
      fi
      exit 1
    fi
  done
}

yarn_install() {
  echo "==> yarn install (Node $(node --version))"
  yarn install --immutable
}

# Starts frontend and backend in the background, in their own process group.
start_portal_background() {
  mkdir -p "$PORTAL_DIR"
  ensure_ports_free
  echo "==> starting the demo Argo CD / Kubernetes fixture server on 127.0.0.1:7008"
  setsid node "$GANTRY_ROOT/scripts/demo/argo-fixture-server.mjs" 7008 > "$PORTAL_DIR/argo-fixtures.log" 2>&1 < /dev/null &
  echo $! > "$PORTAL_DIR/fixtures.pid"
  echo "==> starting the portal (log: ${PORTAL_LOG#"$GANTRY_ROOT"/})"
  setsid yarn start > "$PORTAL_LOG" 2>&1 < /dev/null &
  echo $! > "$PORTAL_DIR/portal.pid"
}

stop_portal() {
  if [ -f "$PORTAL_DIR/fixtures.pid" ]; then
    kill -TERM -- "-$(cat "$PORTAL_DIR/fixtures.pid")" 2>/dev/null || true
    rm -f "$PORTAL_DIR/fixtures.pid"
  fi
  if [ -f "$PORTAL_DIR/portal.pid" ]; then
    local pid
    pid=$(cat "$PORTAL_DIR/portal.pid")
    kill -TERM -- "-$pid" 2>/dev/null || true
    for _ in $(seq 1 20); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    kill -KILL -- "-$pid" 2>/dev/null || true
    rm -f "$PORTAL_DIR/portal.pid"
  fi
}

wait_for_url() {
  local url=$1 seconds=$2 what=$3
  for _ in $(seq 1 "$seconds"); do
    if curl -fsS -o /dev/null "$url" 2>/dev/null; then return 0; fi
    if [ -f "$PORTAL_DIR/portal.pid" ] && ! kill -0 "$(cat "$PORTAL_DIR/portal.pid")" 2>/dev/null; then
      echo "gantry: the portal exited while waiting for the $what; last lines of its log:" >&2
      tail -n 40 "$PORTAL_LOG" >&2
      return 1
    fi
    sleep 1
  done
  echo "gantry: the $what did not answer at $url within ${seconds}s; last lines of the log:" >&2
  tail -n 40 "$PORTAL_LOG" >&2
  return 1
}

wait_for_portal() {
  wait_for_url "$BACKEND_URL/api/gantry/health" 300 "backend"
  wait_for_url "$FRONTEND_URL" 300 "frontend"
}

# Demo data goes in through the backend's public HTTP API only, as CI would send it.
seed_demo() {
  echo "==> seeding demo data through the Gantry API"
  node "$GANTRY_ROOT/scripts/seed-demo.mjs" --backend "$BACKEND_URL"
}
