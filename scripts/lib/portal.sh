# Portal lifecycle shared by start.sh and test.sh. Sourced after env.sh.
PORTAL_DIR="$GANTRY_ROOT/.gantry"
PORTAL_LOG="$PORTAL_DIR/portal.log"
BACKEND_URL="http://localhost:7007"
FRONTEND_URL="http://localhost:3000"
# Local demo token, the same value app-config.yaml gives backend.auth.externalAccess.
export GANTRY_TOKEN="${GANTRY_TOKEN:-gantry-local-demo-token-change-me}"
# The live demo's monitoring on loopback: Prometheus, the synthetic-traffic exporter,
# Alertmanager (app-config.yaml points gantry.prometheus at PROMETHEUS_URL).
MONITORING_DIR="$PORTAL_DIR/monitoring"
PROMETHEUS_URL="http://127.0.0.1:7090"
EXPORTER_URL="http://127.0.0.1:7091"
ALERTMANAGER_URL="http://127.0.0.1:7093"
DEMO_MONITORING_PORTS="7090 7091 7093 7094"
# The demo GitOps repository (recommendations' overlays), served by git http-backend.
DEMO_GIT_ROOT="$PORTAL_DIR/git"
DEMO_GIT_URL="http://127.0.0.1:7094"

port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Refuses, touching nothing, when the portal (or anything else) already holds a port.
ensure_ports_free() {
  local pid=""
  [ -f "$PORTAL_DIR/portal.pid" ] && pid=$(cat "$PORTAL_DIR/portal.pid")
  for port in 3000 7007 7008 7009 $DEMO_MONITORING_PORTS; do
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
  echo "==> starting the demo GitOps repository on $DEMO_GIT_URL/shop-deploy.git"
  rm -rf "$DEMO_GIT_ROOT"
  setsid node "$GANTRY_ROOT/scripts/demo/git-server.mjs" 7094 "$DEMO_GIT_ROOT" > "$PORTAL_DIR/git-server.log" 2>&1 < /dev/null &
  echo $! > "$PORTAL_DIR/git-server.pid"
  wait_for_url "$DEMO_GIT_URL/shop-deploy.git/info/refs?service=git-upload-pack" 30 "demo GitOps repository" || return 1
  echo "==> starting the demo Argo CD / Kubernetes fixture server on 127.0.0.1:7008"
  GANTRY_DEMO_GIT_ROOT="$DEMO_GIT_ROOT" GANTRY_DEMO_GIT_URL="$DEMO_GIT_URL/shop-deploy.git" GANTRY_BACKEND_URL="$BACKEND_URL" \
    setsid node "$GANTRY_ROOT/scripts/demo/argo-fixture-server.mjs" 7008 > "$PORTAL_DIR/argo-fixtures.log" 2>&1 < /dev/null &
  echo $! > "$PORTAL_DIR/fixtures.pid"
  start_monitoring
  echo "==> starting the portal (log: ${PORTAL_LOG#"$GANTRY_ROOT"/})"
  setsid yarn start > "$PORTAL_LOG" 2>&1 < /dev/null &
  echo $! > "$PORTAL_DIR/portal.pid"
}

stop_portal() {
  local f
  for f in fixtures git-server exporter prometheus alertmanager; do
    if [ -f "$PORTAL_DIR/$f.pid" ]; then
      kill -TERM -- "-$(cat "$PORTAL_DIR/$f.pid")" 2>/dev/null || true
      rm -f "$PORTAL_DIR/$f.pid"
    fi
  done
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
  wait_for_url "$PROMETHEUS_URL/-/ready" 60 "demo Prometheus" || return 1
  wait_for_url "$ALERTMANAGER_URL/-/ready" 60 "demo Alertmanager" || return 1
  wait_for_url "$BACKEND_URL/api/gantry/health" 300 "backend"
  wait_for_url "$FRONTEND_URL" 300 "frontend"
}

# Demo data goes in through the backend's public HTTP API only, as CI would send it;
# the seed also loads the SLO rules Gantry generates into the demo Prometheus.
seed_demo() {
  echo "==> seeding demo data through the Gantry API"
  node "$GANTRY_ROOT/scripts/seed-demo.mjs" --backend "$BACKEND_URL" \
    --prometheus "$PROMETHEUS_URL" --exporter "$EXPORTER_URL" \
    --rules-dir "$MONITORING_DIR/rules"
}

# Debian's prometheus and alertmanager (installed when missing, as test.sh does) and the
# synthetic-traffic exporter, each in its own process group; data starts empty each time,
# like the portal's in-memory database.
start_monitoring() {
  bash "$GANTRY_ROOT/scripts/lib/system-packages.sh" > "$PORTAL_DIR/system-packages.log" 2>&1 || {
    echo "gantry: the demo needs Debian's prometheus and prometheus-alertmanager; see $PORTAL_DIR/system-packages.log" >&2
    return 1
  }
  rm -rf "$MONITORING_DIR"
  mkdir -p "$MONITORING_DIR"
  node "$GANTRY_ROOT/scripts/demo/monitoring-config.mjs" "$MONITORING_DIR" \
    --exporter 127.0.0.1:7091 --alertmanager 127.0.0.1:7093 --gantry "$BACKEND_URL" > /dev/null
  echo "==> starting the demo monitoring: Prometheus $PROMETHEUS_URL, Alertmanager $ALERTMANAGER_URL, traffic exporter $EXPORTER_URL"
  setsid node "$GANTRY_ROOT/scripts/demo/traffic-exporter.mjs" 7091 > "$MONITORING_DIR/exporter.log" 2>&1 < /dev/null &
  echo $! > "$PORTAL_DIR/exporter.pid"
  setsid prometheus --config.file="$MONITORING_DIR/prometheus.yml" \
    --storage.tsdb.path="$MONITORING_DIR/prometheus-data" \
    --web.listen-address=127.0.0.1:7090 --web.enable-lifecycle \
    > "$MONITORING_DIR/prometheus.log" 2>&1 < /dev/null &
  echo $! > "$PORTAL_DIR/prometheus.pid"
  setsid prometheus-alertmanager --config.file="$MONITORING_DIR/alertmanager.yml" \
    --storage.path="$MONITORING_DIR/alertmanager-data" \
    --web.listen-address=127.0.0.1:7093 --cluster.listen-address= \
    > "$MONITORING_DIR/alertmanager.log" 2>&1 < /dev/null &
  echo $! > "$PORTAL_DIR/alertmanager.pid"
}
