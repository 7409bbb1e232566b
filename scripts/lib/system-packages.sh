#!/usr/bin/env bash
# Debian packages the tests use: chromium (Playwright), kubectl (kustomize builds),
# prometheus with promtool, alertmanager with amtool. Installed only when missing.
set -euo pipefail
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v kubectl >/dev/null 2>&1 || need+=(kubectl)
command -v promtool >/dev/null 2>&1 || need+=(prometheus)
command -v amtool >/dev/null 2>&1 || need+=(prometheus-alertmanager)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "gantry: missing Debian packages: ${need[*]}. Install them with: sudo apt-get install -y ${need[*]}" >&2
    exit 1
  fi
  echo "installing Debian packages: ${need[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" > /dev/null
fi
# A packaged Prometheus or Alertmanager service would hold ports the tests pick freely;
# the tests start their own, so the system units are not needed.
for svc in prometheus prometheus-alertmanager prometheus-node-exporter; do
  if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet "$svc" 2>/dev/null; then
    systemctl stop "$svc" || true
  fi
done
echo "chromium: $(chromium --version 2>/dev/null | head -1)"
echo "kubectl: $(kubectl version --client 2>/dev/null | head -1)"
echo "promtool: $(promtool --version 2>&1 | head -1)"
echo "amtool: $(amtool --version 2>&1 | head -1)"
