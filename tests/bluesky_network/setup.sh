#!/usr/bin/env bash
# Installs what the local Bluesky network of the tests needs, and nothing when it is all there
# (well under a second then). Run by `make` before pytest; safe to run again at any time.
#
#   - redis-server and PostgreSQL, with apt-get when missing (as root; otherwise says what to do);
#   - Node 22 (`npm pack node-linux-<arch>@$NODE_VERSION`) into .cache/node22 at the repo root;
#   - the npm packages of package-lock.json (`npm ci`), built once per lock file and Node version
#     into a cache shared by every clone ($XDG_CACHE_HOME or ~/.cache, under amity/), and linked
#     here as node_modules; the npm download cache lives there too.
set -euo pipefail

NODE_VERSION=22.23.5
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
NODE_DIR="$ROOT/.cache/node22"
HOME="${HOME:-$(getent passwd "$(id -u)" | cut -d: -f6)}"
CACHE="${XDG_CACHE_HOME:-$HOME/.cache}/amity"
STAMP_NAME=.amity-bluesky-stamp

say() { echo "bluesky network setup: $*" >&2; }
fail() { say "$*"; exit 1; }

pg_initdb() { ls /usr/lib/postgresql/*/bin/initdb 2>/dev/null | sort -V | tail -n 1; }

# --- Debian packages: redis-server, PostgreSQL, and npm to fetch the rest --------------------
missing=()
command -v redis-server >/dev/null || missing+=(redis-server)
[ -n "$(pg_initdb)" ] || missing+=(postgresql)
command -v npm >/dev/null || missing+=(npm)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    fail "missing ${missing[*]}: run this as root, or: sudo apt-get install ${missing[*]}"
  fi
  say "installing ${missing[*]} with apt-get"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# --- Node 22 ----------------------------------------------------------------------------------
if [ "$(cat "$NODE_DIR/.version" 2>/dev/null)" != "$NODE_VERSION" ]; then
  case "$(uname -m)" in
    x86_64) arch=x64 ;;
    aarch64 | arm64) arch=arm64 ;;
    *) fail "no Node package for the architecture $(uname -m)" ;;
  esac
  say "fetching Node $NODE_VERSION"
  work="$(mktemp -d)"
  trap 'rm -rf "$work"' EXIT
  (cd "$work" && npm_config_cache="$CACHE/npm" npm pack --silent "node-linux-$arch@$NODE_VERSION") \
    >/dev/null
  tar -xzf "$work"/node-linux-*.tgz -C "$work"
  rm -rf "$NODE_DIR"
  mkdir -p "$(dirname "$NODE_DIR")"
  mv "$work/package" "$NODE_DIR"
  echo "$NODE_VERSION" >"$NODE_DIR/.version"
fi

# --- npm packages -----------------------------------------------------------------------------
key="$(cat "$HERE/package.json" "$HERE/package-lock.json" "$HERE/.npmrc" | sha256sum | cut -c1-64)"
stamp="$key node-$NODE_VERSION"
[ "$(cat "$HERE/node_modules/$STAMP_NAME" 2>/dev/null)" = "$stamp" ] && exit 0

store="$CACHE/bluesky-network/${key:0:16}-node-$NODE_VERSION"
mkdir -p "$CACHE/bluesky-network"
exec 9>"$CACHE/bluesky-network/.lock"
flock 9
if [ "$(cat "$store/node_modules/$STAMP_NAME" 2>/dev/null)" != "$stamp" ]; then
  say "installing the npm packages (a few minutes, once per package-lock.json)"
  rm -rf "$store"
  staging="$store.partial"
  rm -rf "$staging"
  mkdir -p "$staging"
  cp "$HERE/package.json" "$HERE/package-lock.json" "$HERE/.npmrc" "$staging/"
  (
    cd "$staging"
    export PATH="$NODE_DIR/bin:$PATH" npm_config_nodedir="$NODE_DIR" npm_config_cache="$CACHE/npm"
    npm ci --prefer-offline --no-audit --no-fund --loglevel=error >&2
    # better-sqlite3 is the one native module; an npm that skipped its install script gets it
    # built here, against the headers of $NODE_DIR.
    check='new (require("better-sqlite3"))(":memory:").close()'
    node -e "$check" 2>/dev/null || npm rebuild better-sqlite3 --loglevel=error >&2
    node -e "$check"
  )
  echo "$stamp" >"$staging/node_modules/$STAMP_NAME"
  mv "$staging" "$store"
fi
rm -rf "$HERE/node_modules"
ln -s "$store/node_modules" "$HERE/node_modules"
