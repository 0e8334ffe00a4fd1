#!/usr/bin/env bash
# Installs the real programs the tests start or call into .tools/bin: promtool, amtool, prometheus,
# alertmanager, node-exporter, the nginx, Redis and NATS exporters' peers (nats-server).
#
# Debian bookworm's versions are too old for our flags and configuration (its prometheus 2.42 has
# Kubernetes service discovery compiled out, its nats-server 2.9 lacks keys we use). Debian
# trixie's builds are static Go binaries that run on bookworm. Each trixie .deb is fetched with a private apt state
# (a separate sources list, lists and cache under .tools/apt), so the machine's own apt
# configuration is never changed, and unpacked with `dpkg -x`. One exception outside .tools: Debian's
# alertmanager build reads its notification templates from a fixed path,
# /usr/share/prometheus/alertmanager/ (upstream embeds them), so those two data files go there.
#
# The Debian mirror is the one this machine already uses: read from its apt sources, never written
# here. Idempotent: does nothing when every binary below is already in .tools/bin.
set -euo pipefail
cd "$(dirname "$0")/.."

TOOLS="$PWD/.tools"
BIN="$TOOLS/bin"
SUITE="${PROMTOOL_SUITE:-trixie}"
# Debian package : path of the binary inside it : name in .tools/bin
PACKAGES=(
  "promtool:usr/bin/promtool:promtool"
  "prometheus-alertmanager:usr/bin/amtool:amtool"
  "prometheus-alertmanager:usr/bin/prometheus-alertmanager:alertmanager"
  "prometheus:usr/bin/prometheus:prometheus"
  "prometheus-node-exporter:usr/bin/prometheus-node-exporter:node_exporter"
  "prometheus-nginx-exporter:usr/bin/prometheus-nginx-exporter:nginx-prometheus-exporter"
  "prometheus-redis-exporter:usr/bin/prometheus-redis-exporter:redis_exporter"
  "nats-server:usr/sbin/nats-server:nats-server"
)

# Data files Debian's alertmanager opens at a fixed path (it exits without them).
AM_TEMPLATES=/usr/share/prometheus/alertmanager
all_present() {
  local entry
  for entry in "${PACKAGES[@]}"; do
    [ -x "$BIN/${entry##*:}" ] || return 1
  done
  [ -f "$AM_TEMPLATES/default.tmpl" ]
}
if all_present; then
  echo "install-tools: every tool already in $BIN"
  exit 0
fi

# The first Debian archive URI this machine's apt uses for its main suite (not -security/-updates).
mirror_uri() {
  local f
  for f in /etc/apt/sources.list.d/*.sources; do
    [ -e "$f" ] || continue
    # deb822: blank-line separated stanzas with "URIs:" and "Suites:" fields.
    awk 'BEGIN { RS = ""; FS = "\n" }
      {
        uris = ""; suites = ""; types = ""
        for (i = 1; i <= NF; i++) {
          if ($i ~ /^URIs:/)   { uris = $i;   sub(/^URIs:[ \t]*/, "", uris) }
          if ($i ~ /^Suites:/) { suites = $i; sub(/^Suites:[ \t]*/, "", suites) }
          if ($i ~ /^Types:/)  { types = $i }
        }
        if (types ~ /deb([ \t]|$)/ && suites ~ /(^|[ \t])[a-z]+([ \t]|$)/ && uris != "" && uris ~ /debian\/?$/) {
          split(uris, u, /[ \t]+/); print u[1]; exit
        }
      }' "$f"
  done
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [ -e "$f" ] || continue
    awk '$1 == "deb" {
        i = 2; if ($i ~ /^\[/) { while ($i !~ /\]$/) i++; i++ }
        if ($(i+1) !~ /-/ && $i ~ /debian\/?$/) { print $i; exit }
      }' "$f"
  done
}

URI="$(mirror_uri | head -1)"
if [ -z "$URI" ]; then
  # A mirror whose path does not end in /debian: take the first source of a bare suite
  # (not -security, -updates or -backports).
  URI="$(cat /etc/apt/sources.list.d/*.sources 2>/dev/null | awk 'BEGIN { RS = ""; FS = "\n" }
    { uris = ""; suites = ""
      for (i = 1; i <= NF; i++) {
        if ($i ~ /^URIs:/)   { uris = $i;   sub(/^URIs:[ \t]*/, "", uris) }
        if ($i ~ /^Suites:/) { suites = $i; sub(/^Suites:[ \t]*/, "", suites) }
      }
      if (uris != "" && suites ~ /(^|[ \t])[a-z]+([ \t]|$)/) { split(uris, u, /[ \t]+/); print u[1]; exit } }')"
fi
if [ -z "$URI" ]; then
  echo "install-tools: no Debian archive found in /etc/apt/sources.list(.d); cannot fetch $SUITE packages" >&2
  exit 1
fi
KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg
if [ ! -r "$KEYRING" ]; then
  echo "install-tools: $KEYRING missing (package debian-archive-keyring)" >&2
  exit 1
fi

APT_DIR="$TOOLS/apt"
mkdir -p "$APT_DIR/lists/partial" "$APT_DIR/cache/archives/partial" "$APT_DIR/debs" "$BIN"
echo "deb [signed-by=$KEYRING] $URI $SUITE main" >"$APT_DIR/sources.list"
APT_OPTS=(
  -o "Dir::Etc::SourceList=$APT_DIR/sources.list"
  -o "Dir::Etc::SourceParts=/dev/null"
  -o "Dir::State::Lists=$APT_DIR/lists"
  -o "Dir::Cache=$APT_DIR/cache"
  -o "Debug::NoLocking=1"
  # The private cache is not readable by apt's _apt sandbox user when run as root.
  -o "APT::Sandbox::User=$(id -un)"
)

echo "install-tools: reading the $SUITE package list from this machine's Debian mirror"
apt-get "${APT_OPTS[@]}" -qq update
cd "$APT_DIR/debs"
for entry in "${PACKAGES[@]}"; do
  pkg="${entry%%:*}"; rest="${entry#*:}"; inner="${rest%%:*}"; tool="${rest#*:}"
  if [ ! -e ./"${pkg}"_*.deb ] 2>/dev/null; then
    apt-get "${APT_OPTS[@]}" -qq download "$pkg"
  fi
  unpacked="$APT_DIR/unpacked-$pkg"
  rm -rf "$unpacked"
  dpkg -x ./"${pkg}"_*.deb "$unpacked"
  install -m 0755 "$unpacked/$inner" "$BIN/$tool"
  if [ "$pkg" = prometheus-alertmanager ] && [ ! -f "$AM_TEMPLATES/default.tmpl" ]; then
    install -d "$AM_TEMPLATES"
    install -m 0644 "$unpacked$AM_TEMPLATES"/*.tmpl "$AM_TEMPLATES/"
  fi
  rm -rf "$unpacked"
  echo "install-tools: $tool from $(basename ./"${pkg}"_*.deb)"
done
echo "install-tools: every tool in $BIN"
