#!/usr/bin/env bash
# Debian packages from this machine's own suite for the real-program tests: nginx-light (the
# gateway's nginx.conf on a real nginx) and redis-server (the datastore's arguments, and the Redis
# exporter against a live Redis). Idempotent; installs the binaries only: no system service is
# started (policy-rc.d answers 101 during the install).
set -euo pipefail

want=()
[ -x /usr/sbin/nginx ] || want+=(nginx-light)
[ -x /usr/bin/redis-server ] || want+=(redis-server)
if [ "${#want[@]}" -eq 0 ]; then
  echo "install-system-packages: $(/usr/sbin/nginx -v 2>&1), $(/usr/bin/redis-server --version | cut -d' ' -f1-3) already installed"
  exit 0
fi

export DEBIAN_FRONTEND=noninteractive
# Keep dpkg from starting nginx.service / redis-server.service; restore whatever policy was there.
policy=/usr/sbin/policy-rc.d
backup=""
if [ -e "$policy" ]; then backup="$(mktemp)"; cp -p "$policy" "$backup"; fi
restore() { if [ -n "$backup" ]; then mv "$backup" "$policy"; else rm -f "$policy"; fi; }
trap restore EXIT
printf '#!/bin/sh\nexit 101\n' > "$policy"
chmod +x "$policy"

apt-get update
apt-get install -y --no-install-recommends "${want[@]}"
/usr/sbin/nginx -V 2>&1 | grep -q -- '--with-http_stub_status_module' || { echo "nginx-light lacks stub_status" >&2; exit 1; }
echo "install-system-packages: $(/usr/sbin/nginx -v 2>&1), $(/usr/bin/redis-server --version | cut -d' ' -f1-3)"
