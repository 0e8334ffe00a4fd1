#!/usr/bin/env bash
# Debian's nginx-light, for the gateway test that runs the generated nginx.conf on a real nginx.
# Idempotent; installs the binary only: the system service is never started (policy-rc.d 101).
set -euo pipefail

if command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ]; then
  echo "nginx already installed: $(/usr/sbin/nginx -v 2>&1)"
  exit 0
fi

export DEBIAN_FRONTEND=noninteractive
# Keep dpkg from starting nginx.service during the install; restore whatever policy was there.
policy=/usr/sbin/policy-rc.d
backup=""
if [ -e "$policy" ]; then backup="$(mktemp)"; cp -p "$policy" "$backup"; fi
restore() { if [ -n "$backup" ]; then mv "$backup" "$policy"; else rm -f "$policy"; fi; }
trap restore EXIT
printf '#!/bin/sh\nexit 101\n' > "$policy"
chmod +x "$policy"

apt-get update
apt-get install -y --no-install-recommends nginx-light
/usr/sbin/nginx -V 2>&1 | grep -q -- '--with-http_stub_status_module' || { echo "nginx-light lacks stub_status" >&2; exit 1; }
echo "installed $(/usr/sbin/nginx -v 2>&1)"
