# Shared by the provisioning scripts: idempotent steps that say what they changed, and a --check mode that only
# reports drift. Source it, then call the steps; finish with `provision_summary`.
#   PROVISION_CHECK=1   report drift, change nothing (exit 3 when there is drift)
#   PROVISION_STATE     where applied state is remembered (default /var/lib/platform-provision/<name>)
set -euo pipefail

PROVISION_NAME=${PROVISION_NAME:-$(basename "$(dirname "$0")")}
PROVISION_STATE=${PROVISION_STATE:-/var/lib/platform-provision/$PROVISION_NAME}
PROVISION_CHECK=${PROVISION_CHECK:-0}
changes=0

for arg in "$@"; do
  case "$arg" in
    --check) PROVISION_CHECK=1 ;;
  esac
done

site=${PLATFORM_SITE:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/site.env}
# shellcheck source=/dev/null
. "$site"
mkdir -p "$PROVISION_STATE"

changed() {
  changes=$((changes + 1))
  if [ "$PROVISION_CHECK" = 1 ]; then echo "  drift: $*"; else echo "  changed: $*"; fi
}

# Runs a command unless in check mode.
apply() { [ "$PROVISION_CHECK" = 1 ] || "$@"; }

need() {
  command -v "$1" >/dev/null 2>&1 && return 0
  [ "$PROVISION_CHECK" = 1 ] && { changed "package $2 missing"; return 0; }
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$2" >/dev/null 2>&1 ||
    { DEBIAN_FRONTEND=noninteractive apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$2" >/dev/null; }
  changed "installed $2"
}

ensure_sysctl() {
  local key=$1 value=$2
  [ "$(sysctl -n "$key")" = "$value" ] && return 0
  apply sysctl -qw "$key=$value"
  changed "sysctl $key=$value"
}

ensure_link() { # name type [args...]
  local name=$1; shift
  ip link show "$name" >/dev/null 2>&1 && return 0
  apply ip link add "$name" "$@"
  changed "link $name"
}

# The checks below read a command's whole output before matching it: under pipefail, `cmd | grep -q` fails at random
# when grep quits at the first match and cmd (ip flushes per line) is killed by SIGPIPE writing the next one.
ensure_up() { # the administrative state (the UP flag), not whether the peer's end is up yet
  [[ "$(ip -o link show "$1" 2>/dev/null)" =~ \<([A-Z_]+,)*UP[,\>] ]] && return 0
  apply ip link set "$1" up
  changed "link $1 up"
}

ensure_addr() { # addr/len dev
  grep -qw "$1" <<<"$(ip -br addr show dev "$2" 2>/dev/null)" && return 0
  apply ip addr add "$1" dev "$2"
  changed "address $1 on $2"
}

ensure_route() { # "default via X" etc.
  grep -qF "$1" <<<"$(ip route show)" && return 0
  apply ip route replace $1
  changed "route $1"
}

# The kernel's copy of a table without what traffic changes: counters (-s) and the elements of dynamic sets.
nft_live() { # family name
  { nft -s list table "$1" "$2" 2>/dev/null || true; } | awk '
    /^\tset / { dynamic = 0 }
    /flags .*dynamic/ { dynamic = 1 }
    dynamic && /elements = \{/ { skipping = 1 }
    skipping { if (/\}/) skipping = 0; next }
    { print }'
}

# Loads an nftables table from a rendered file when the kernel's copy differs from the last applied one: a second
# run with the same inputs changes nothing, and a rule added by hand is drift.
ensure_nft_table() { # family name file
  local family=$1 name=$2 file=$3 live state="$PROVISION_STATE/nft-$2.live"
  need nft nftables
  live=$(nft_live "$family" "$name")
  if [ -f "$state" ] && [ -n "$live" ] && [ "$live" = "$(cat "$state")" ] && cmp -s "$file" "$state.src"; then
    return 0
  fi
  if [ "$PROVISION_CHECK" = 1 ]; then changed "nftables table $family $name"; return 0; fi
  { [ -n "$live" ] && echo "delete table $family $name"; cat "$file"; } | nft -f -
  nft_live "$family" "$name" >"$state"
  cp "$file" "$state.src"
  changed "nftables table $family $name"
}

ensure_file() { # path mode [owner:group] content(stdin); the owner is checked only when given
  local path=$1 mode=$2 owner=${3:-} tmp
  tmp=$(mktemp)
  cat >"$tmp"
  if [ -f "$path" ] && cmp -s "$tmp" "$path" && [ "$(stat -c %a "$path")" = "$mode" ] &&
    { [ -z "$owner" ] || [ "$(stat -c %U:%G "$path")" = "$owner" ]; }; then rm -f "$tmp"; return 0; fi
  if [ "$PROVISION_CHECK" = 1 ]; then rm -f "$tmp"; changed "file $path"; return 0; fi
  mkdir -p "$(dirname "$path")"
  if [ -n "$owner" ]; then
    install -m "$mode" -o "${owner%%:*}" -g "${owner##*:}" "$tmp" "$path"
  else
    install -m "$mode" "$tmp" "$path"
  fi
  rm -f "$tmp"
  changed "file $path"
}

ensure_dir() { # path mode owner:group
  local path=$1 mode=$2 owner=$3
  [ -d "$path" ] && [ "$(stat -c %a "$path")" = "$mode" ] && [ "$(stat -c %U:%G "$path")" = "$owner" ] && return 0
  apply install -d -m "$mode" -o "${owner%%:*}" -g "${owner##*:}" "$path"
  changed "directory $path ($owner $mode)"
}

provision_summary() {
  if [ "$changes" = 0 ]; then
    echo "$PROVISION_NAME: no changes"
  elif [ "$PROVISION_CHECK" = 1 ]; then
    echo "$PROVISION_NAME: $changes item(s) drifted"
    exit 3
  else
    echo "$PROVISION_NAME: $changes change(s) applied"
  fi
}

# Whether this kernel can do 802.1Q: bridge VLAN filtering on the switch, VLAN subinterfaces on the router. Some
# kernels (this project's CI machines among them) have neither; the scripts then use one bridge, and one link, per VLAN.
kernel_has_vlans() {
  if ip link add __pv_probe type bridge vlan_filtering 1 2>/dev/null; then
    ip link del __pv_probe
    return 0
  fi
  return 1
}
