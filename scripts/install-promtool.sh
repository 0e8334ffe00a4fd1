#!/usr/bin/env bash
# Installs promtool (and amtool) into .tools/bin for the real-tool tests.
#
# Debian bookworm's prometheus package (2.42) has Kubernetes service discovery compiled out, so
# its promtool rejects our prometheus.yml. Debian trixie's `promtool` package (2.53) has it and is a
# static Go binary that runs on bookworm. The trixie .deb is fetched with a private apt state
# (a separate sources list, lists and cache under .tools/apt), so the machine's own apt
# configuration is never changed, and unpacked with `dpkg -x`; nothing is installed system-wide.
#
# The Debian mirror is the one this machine already uses: read from its apt sources, never written
# here. Idempotent: does nothing when .tools/bin/promtool and .tools/bin/amtool already run.
set -euo pipefail
cd "$(dirname "$0")/.."

TOOLS="$PWD/.tools"
BIN="$TOOLS/bin"
SUITE="${PROMTOOL_SUITE:-trixie}"
# name of the Debian package → the binary in it that we want
PACKAGES=("promtool:promtool" "prometheus-alertmanager:amtool")

all_present() {
  for pair in "${PACKAGES[@]}"; do
    "$BIN/${pair#*:}" --version >/dev/null 2>&1 || return 1
  done
}
if all_present; then
  echo "install-promtool: $("$BIN/promtool" --version 2>&1 | head -1) already in $BIN"
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
  echo "install-promtool: no Debian archive found in /etc/apt/sources.list(.d); cannot fetch $SUITE packages" >&2
  exit 1
fi
KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg
if [ ! -r "$KEYRING" ]; then
  echo "install-promtool: $KEYRING missing (package debian-archive-keyring)" >&2
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

echo "install-promtool: reading the $SUITE package list from this machine's Debian mirror"
apt-get "${APT_OPTS[@]}" -qq update
cd "$APT_DIR/debs"
for pair in "${PACKAGES[@]}"; do
  pkg="${pair%%:*}"; tool="${pair#*:}"
  rm -f ./"${pkg}"_*.deb
  apt-get "${APT_OPTS[@]}" -qq download "$pkg"
  unpacked="$APT_DIR/unpacked-$pkg"
  rm -rf "$unpacked"
  dpkg -x ./"${pkg}"_*.deb "$unpacked"
  install -m 0755 "$unpacked/usr/bin/$tool" "$BIN/$tool"
  rm -rf "$unpacked"
done

"$BIN/promtool" --version | head -1
"$BIN/amtool" --version 2>&1 | head -1
echo "install-promtool: promtool and amtool in $BIN"
