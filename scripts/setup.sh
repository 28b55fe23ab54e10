#!/usr/bin/env bash
# Installs whatever claimdesk needs and is missing, and nothing twice.
#   scripts/setup.sh build   the SPA toolchain (wasm target, Trunk, wasm-bindgen, wasm-opt)
#   scripts/setup.sh test    the above, plus Chromium, ChromeDriver, the e2e packages and Schemathesis
#   scripts/setup.sh bench   the build toolchain, plus Chromium and the benchmark's packages
# The recipe (and why each piece is fetched the way it is) is in
# ARCHITECTURE.md, "Toolchain". Tools land in ~/.cargo/bin and ./.tools.
set -euo pipefail
cd "$(dirname "$0")/.."
mode="${1:-build}"
case "$mode" in
  build | test | bench) ;;
  *) echo "usage: scripts/setup.sh [build|test|bench]" >&2; exit 2 ;;
esac
root="$PWD"
export PATH="$root/.tools/node_modules/.bin:$HOME/.cargo/bin:$PATH"

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }

TRUNK_VERSION=0.21.14
TERSER_VERSION=5.51.2
BINARYEN_VERSION=123

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "adding the wasm32 target"
  rustup target add wasm32-unknown-unknown
fi

if [ "$(trunk --version 2>/dev/null)" != "trunk $TRUNK_VERSION" ]; then
  say "installing Trunk $TRUNK_VERSION (takes several minutes, once)"
  cargo install --locked trunk --version "$TRUNK_VERSION"
fi

# wasm-bindgen's CLI must match the library in Cargo.lock exactly.
wbg_version=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
if [ -z "$wbg_version" ]; then
  echo "Cargo.lock has no wasm-bindgen entry" >&2
  exit 1
fi
if [ "$(wasm-bindgen --version 2>/dev/null)" != "wasm-bindgen $wbg_version" ]; then
  say "installing wasm-bindgen-cli $wbg_version (takes a few minutes, once)"
  # Not --locked: its lock file wants a crate release the registry lacks.
  cargo install wasm-bindgen-cli --version "$wbg_version"
fi

# Debian's binaryen is too old for current rustc output; npm carries v123.
if ! wasm-opt --version 2>/dev/null | grep -q "version $BINARYEN_VERSION"; then
  say "installing wasm-opt (binaryen $BINARYEN_VERSION) into .tools"
  npm install --silent --no-audit --no-fund --prefix "$root/.tools" "binaryen@$BINARYEN_VERSION"
fi

# terser minifies wasm-bindgen's JS glue (Trunk's own minifier cannot
# parse it): about 1.8 KB of the download (BENCHMARKS.md).
if [ "$(node -p "require('$root/.tools/node_modules/terser/package.json').version" 2>/dev/null)" != "$TERSER_VERSION" ]; then
  say "installing terser $TERSER_VERSION into .tools"
  npm install --silent --no-audit --no-fund --prefix "$root/.tools" "terser@$TERSER_VERSION"
fi

if [ "$mode" = build ]; then exit 0; fi

if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then
  if [ "$(id -u)" = 0 ]; then
    say "installing Chromium and ChromeDriver from apt"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null
  else
    echo "Chromium is missing. Install it with: sudo apt-get install -y chromium chromium-driver" >&2
    exit 1
  fi
fi

# PostgreSQL for the backend suite (issue "Scale-out"): installed, never
# left running; scripts/postgres.sh starts a throwaway server per run.
if [ "$mode" = test ]; then
  scripts/postgres.sh install
fi

# Schemathesis and the OpenAPI validator (scripts/api-fuzz.sh), from PyPI
# into a virtualenv of their own.
if [ "$mode" = test ]; then
  fuzz_pins="schemathesis==4.32.5 openapi-spec-validator==0.9.0"
  if [ "$(cat .tools/venv/.pins 2>/dev/null)" != "$fuzz_pins" ]; then
    say "installing $fuzz_pins into .tools/venv"
    python3 -m venv .tools/venv
    # shellcheck disable=SC2086 # the pins are words
    .tools/venv/bin/pip install --quiet --disable-pip-version-check $fuzz_pins
    echo "$fuzz_pins" > .tools/venv/.pins
  fi
fi

# The packages of the e2e suite or of the benchmark, reinstalled only when
# their lock file changes.
dir=$([ "$mode" = bench ] && echo bench || echo tests/e2e)
stamp=$dir/node_modules/.lock-stamp
if [ ! -f "$stamp" ] || ! cmp -s "$dir/package-lock.json" "$stamp"; then
  say "installing the npm packages of $dir"
  (cd "$dir" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --silent --no-audit --no-fund)
  cp "$dir/package-lock.json" "$stamp"
fi
