#!/usr/bin/env bash
# Installs the Debian packages that TracSeq's local infrastructure mode runs (and the tests use):
# PostgreSQL 15, Redis, Prometheus and its Alertmanager and exporters, and wrk for the benchmarks
# (bench/TracSeq.Benchmarks; psql comes with PostgreSQL), Chromium, the browser the web tests drive, and the
# independent readers the label tests check printed labels with: zbarimg (Code 128), dmtxread (Data Matrix),
# pdfinfo and pdftoppm (page count and size, rasterising a PDF).
# Safe to run again.
# Packages this script newly installs do not keep running as system services: the AppHost starts its own
# instances on ports it chooses, and a system Prometheus would hold port 9090.
set -euo pipefail

packages=(
  postgresql-15
  redis-server
  prometheus
  prometheus-alertmanager
  prometheus-node-exporter
  prometheus-postgres-exporter
  prometheus-redis-exporter
  wrk
  chromium
  zbar-tools
  dmtx-utils
  poppler-utils
)

as_root=()
if [ "$(id -u)" != 0 ]; then as_root=(sudo); fi

missing=()
for package in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$package")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "Local infrastructure packages are installed."
  exit 0
fi

echo "Installing: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${as_root[@]}" apt-get update -q
"${as_root[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"

if [ -d /run/systemd/system ]; then
  for package in "${missing[@]}"; do
    service=$package
    [ "$package" = postgresql-15 ] && service=postgresql
    if systemctl list-unit-files "$service.service" > /dev/null 2>&1; then
      "${as_root[@]}" systemctl disable --now "$service" > /dev/null 2>&1 || true
    fi
  done
fi
echo "Local infrastructure packages are installed."
