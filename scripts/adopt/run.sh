#!/usr/bin/env bash
# yarn test:adopt: the packed Haven+ packages, installed into an app made by
# @backstage/create-app with only the steps of docs/install.md, work there.
#
#   1. build and pack the five plugins/* packages; check the tarballs
#   2. create an app with @backstage/create-app (cached between runs)
#   3. apply docs/install.md's marked blocks to it, as written there
#   4. the app's own `yarn tsc:full`, a type check of the frontend package's
#      entry points, `backstage-cli config:check`, the frontend build
#   5. the app's backend against the contract doubles: HTTP checks of the
#      scaffolder actions, the haven routes, the catalog and Kubernetes
#   6. Chromium: the example entity page and the Create page, screenshots in
#      e2e-test-report/screenshots/adopt-*.png
#   7. the backend again with the created app's own empty `kubernetes:` key:
#      the Delivery card names the missing cluster configuration (screenshot)
#
# Every step prints its time; the last line is "adopt: N passed, N failed",
# and the exit code is non-zero when anything failed. Every process it starts
# is stopped on exit, also on failure or Ctrl-C.
#
#   HAVEN_ADOPT_CACHE  what is kept between runs: the created app with its
#                      node_modules, and the tarballs of unchanged sources
#                      (default .adopt-cache/ in the repository root). Delete
#                      it for a run from scratch.
#   HAVEN_ADOPT_WORK   where the app runs (default ${TMPDIR:-/tmp}/haven-adopt-<uid>-<hash
#                      of the cache path>).
#                      Outside this repository, so that nothing in the app
#                      resolves from this repository's node_modules.
#   HAVEN_CHROMIUM     the browser (default /usr/bin/chromium)
#
# Ports: the doubles and the backend take free loopback ports chosen at run
# time, so this runs beside a sandbox that holds 3000, 7007 and 7101-7106.
source "$(dirname "${BASH_SOURCE[0]}")/../lib/toolchain.sh"
set +e
set -uo pipefail

CREATE_APP_VERSION=0.9.2
# The created app's own dependencies, pinned where the registry's newest
# match of a create-app range does not work with the rest of the release
# (create-app pins them with a lockfile seed it downloads, which is not
# reachable here): @backstage/plugin-signals-backend ^0.3.19 resolves to
# 0.3.21, which calls httpRouter.addWebSocketHandler, missing from the
# @backstage/backend-defaults 0.18.0 that ^0.18.0 resolves to, and the
# backend does not start. Applied as resolutions before anything of Haven+.
STOCK_PINS='{"@backstage/plugin-signals-backend": "0.3.19"}'
PACKAGES=(haven-common haven-node haven-backend scaffolder-backend-module-haven haven)

ROOT="$HAVEN_ROOT"
ADOPT="$ROOT/scripts/adopt"
CACHE="$(mkdir -p "${HAVEN_ADOPT_CACHE:-$ROOT/.adopt-cache}" && cd "${HAVEN_ADOPT_CACHE:-$ROOT/.adopt-cache}" && pwd)"
WORK="${HAVEN_ADOPT_WORK:-${TMPDIR:-/tmp}/haven-adopt-$(id -u)-$(printf '%s' "$CACHE" | sha1sum | cut -c1-8)}"
APP="$WORK/app"
REPORT="$ROOT/e2e-test-report/adopt"
SHOTS="$ROOT/e2e-test-report/screenshots"
CHROMIUM="${HAVEN_CHROMIUM:-/usr/bin/chromium}"

# The app uses the Yarn on PATH (the pinned one), not the release file
# create-app writes into it; its lockfile changes on every run, also in CI.
export YARN_IGNORE_PATH=1
export YARN_ENABLE_IMMUTABLE_INSTALLS=false

mkdir -p "$REPORT" "$SHOTS" "$WORK"
rm -f "$REPORT"/*.log "$REPORT"/playwright*.json "$SHOTS"/adopt-*.png

started=$SECONDS
passed=0
failed=0
summary=()
PIDS=()

clock() { printf '%02d:%02d' $(((SECONDS - started) / 60)) $(((SECONDS - started) % 60)); }
log() { printf '\033[1m[adopt %s]\033[0m %s\n' "$(clock)" "$*"; }
pass() { # name, seconds
  passed=$((passed + 1))
  summary+=("$(printf 'ok      %-58s %4ss' "$1" "$2")")
  log "ok      $1 ($2 s)"
}
fail() { # name, seconds, [log file]
  failed=$((failed + 1))
  summary+=("$(printf 'FAILED  %-58s %4ss' "$1" "$2")")
  log "FAILED  $1 ($2 s)${3:+, log: ${3#"$ROOT"/}}"
  if [ -n "${3:-}" ] && [ -f "$3" ]; then tail -n 40 "$3" | sed 's/^/    | /'; fi
}

# step SLUG NAME COMMAND...: one check; output in e2e-test-report/adopt/SLUG.log.
# It runs as a background job that is waited for, so that a signal stops it
# at once (cleanup stops its process group).
step() {
  local slug="$1" name="$2" t0=$SECONDS code
  shift 2
  log "── $name"
  bg "$slug" "$@"
  wait "$BG_PID"
  code=$?
  forget "$BG_PID"
  if [ "$code" -eq 0 ]; then
    pass "$name" $((SECONDS - t0))
  else
    fail "$name" $((SECONDS - t0)) "$REPORT/$slug.log"
    return 1
  fi
}

# checks SLUG NAME COMMAND...: a helper that prints one "  ok"/"  FAILED" line
# per check; each line counts.
checks() {
  local slug="$1" name="$2" t0=$SECONDS ok bad
  shift 2
  log "── $name"
  "$@" 2>&1 | tee "$REPORT/$slug.log" | grep -E '^  (ok|FAILED|note) '
  local code=${PIPESTATUS[0]}
  ok=$(grep -c '^  ok ' "$REPORT/$slug.log")
  bad=$(grep -c '^  FAILED ' "$REPORT/$slug.log")
  if [ "$code" -ne 0 ] && [ "$bad" -eq 0 ]; then bad=1; fi
  passed=$((passed + ok))
  failed=$((failed + bad))
  local word="ok    "
  [ "$code" -ne 0 ] && word="FAILED"
  summary+=("$(printf '%s  %-58s %4ss' "$word" "$name: $ok passed, $bad failed" $((SECONDS - t0)))")
  if [ "$code" -ne 0 ]; then
    log "FAILED  $name, log: ${REPORT#"$ROOT"/}/$slug.log"
    grep -vE '^  (ok|FAILED|note) ' "$REPORT/$slug.log" | tail -n 20 | sed 's/^/    | /'
  fi
  return "$code"
}

# finish: the summary, then exit; steps that could not run are listed.
finish() {
  local reason="${1:-}"
  echo
  echo "Haven+ adopt check ($((SECONDS - started)) s, app in ${APP}, logs in ${REPORT#"$ROOT"/}):"
  printf '  %s\n' "${summary[@]}"
  [ -n "$reason" ] && echo "  not run: $reason"
  echo
  echo "adopt: $passed passed, $failed failed"
  [ "$failed" -eq 0 ] && exit 0
  exit 1
}

# bg SLUG COMMAND...: runs in the background, in its own process group, so
# that cleanup stops it with everything it started. Sets BG_PID.
bg() {
  local slug="$1"
  shift
  set -m
  (
    set +m
    "$@"
  ) >"$REPORT/$slug.log" 2>&1 </dev/null &
  BG_PID=$!
  set +m
  PIDS+=("$BG_PID")
}
# wait_bg PID: its exit code
wait_bg() {
  local code
  wait "$1"
  code=$?
  forget "$1"
  return "$code"
}
# forget PID: a finished job is no longer stopped by cleanup.
forget() {
  local pid kept=()
  for pid in "${PIDS[@]}"; do [ "$pid" = "$1" ] || kept+=("$pid"); done
  PIDS=("${kept[@]}")
}

stop_all() {
  local pid left
  for pid in "${PIDS[@]}"; do kill -TERM -- "-$pid" 2>/dev/null; done
  for _ in $(seq 1 20); do
    left=""
    for pid in "${PIDS[@]}"; do kill -0 -- "-$pid" 2>/dev/null && left="$left $pid"; done
    [ -z "$left" ] && break
    sleep 0.5
  done
  for pid in $left; do kill -KILL -- "-$pid" 2>/dev/null; done
  PIDS=()
}

# The app goes back into the cache for the next run (reset there first).
stash_app() {
  [ -d "$APP/.git" ] && [ -f "$WORK/app.key" ] || return 0
  git -C "$APP" rev-parse -q --verify refs/tags/adopt-baseline >/dev/null || return 0
  if [ ! -e "$CACHE/app" ]; then
    mv "$APP" "$CACHE/app" && mv "$WORK/app.key" "$CACHE/app.key"
  fi
}

cleanup() {
  local code=$?
  trap - EXIT INT TERM
  stop_all
  stash_app
  rm -rf "$APP" "$WORK/app.key" "$WORK/packs" "$WORK/doubles.env"
  exit "$code"
}
trap cleanup EXIT
trap 'log "interrupted"; exit 130' INT
trap 'log "terminated"; exit 143' TERM

# One run at a time per cache (the app is moved out of it while a run works).
exec 9>"$CACHE/.lock"
if ! flock -n 9; then
  echo "another yarn test:adopt is using $CACHE; wait for it or set HAVEN_ADOPT_CACHE" >&2
  exit 1
fi

git_app() {
  git -C "$APP" -c user.name='haven adopt' -c user.email=adopt@localhost \
    -c commit.gpgsign=false -c core.hooksPath=/dev/null "$@"
}

# ── 1. Build and pack ────────────────────────────────────────────────────────
# The tarballs are cached under a hash of everything they are built from.
sources_hash() {
  {
    echo "node $(node --version) yarn $(yarn --version)"
    sed -n '/^pack_packages()/,/^}/p; /^pack_one()/,/^}/p' "$ADOPT/run.sh"
    cd "$ROOT" &&
      git ls-files -z -co --exclude-standard -- plugins package.json yarn.lock tsconfig.json .yarnrc.yml |
      xargs -0 sha1sum 2>&1
  } | sha1sum | cut -c1-16
}

pack_packages() { # out dir
  local out="$1" p pid pids=() code=0
  cd "$ROOT" || return 1
  if [ ! -x node_modules/.bin/backstage-cli ]; then
    echo "── yarn install (this repository)"
    yarn install --immutable || return 1
  fi
  echo "── yarn tsc (declarations for the packages' .d.ts)"
  yarn tsc || return 1
  for p in "${PACKAGES[@]}"; do
    echo "── yarn workspace @haven-plus/plugin-$p build"
    yarn workspace "@haven-plus/plugin-$p" build &
    pids+=($!)
    # Two at a time: the machine has two cores.
    if [ "${#pids[@]}" -ge 2 ]; then
      wait "${pids[0]}" || code=1
      pids=("${pids[@]:1}")
    fi
  done
  for pid in "${pids[@]}"; do wait "$pid" || code=1; done
  [ "$code" -eq 0 ] || return 1
  pids=()
  for p in "${PACKAGES[@]}"; do
    pack_one "$p" "$out" &
    pids+=($!)
    if [ "${#pids[@]}" -ge 2 ]; then
      wait "${pids[0]}" || code=1
      pids=("${pids[@]:1}")
    fi
  done
  for pid in "${pids[@]}"; do wait "$pid" || code=1; done
  return "$code"
}

pack_one() { # package folder, out dir
  local p="$1" out="$2" manifest="$ROOT/plugins/$1/package.json" before
  echo "── yarn workspace @haven-plus/plugin-$p pack"
  before="$(sha1sum <"$manifest")"
  yarn workspace "@haven-plus/plugin-$p" pack --out "$out/haven-plus-plugin-$p.tgz" || return 1
  # prepack rewrites package.json for the tarball, postpack puts it back.
  if [ "$(sha1sum <"$manifest")" != "$before" ]; then
    echo "plugins/$p/package.json differs after pack: postpack did not restore it"
    return 1
  fi
}

pack_job() {
  local key packs="$CACHE/packs" s=$SECONDS
  key="$(sources_hash)"
  mkdir -p "$WORK/packs"
  rm -f "$WORK/packs"/*.tgz
  if [ "$(ls "$packs/$key"/*.tgz 2>/dev/null | wc -l)" -eq "${#PACKAGES[@]}" ]; then
    echo "sources unchanged (hash $key): the tarballs of the last build"
    cp "$packs/$key"/*.tgz "$WORK/packs/"
  else
    pack_packages "$WORK/packs" || return 1
    rm -rf "$packs" && mkdir -p "$packs/$key" && cp "$WORK/packs"/*.tgz "$packs/$key/"
  fi
  ls -l "$WORK/packs"
  echo "pack took $((SECONDS - s)) s"
}

# ── 2. The created app ───────────────────────────────────────────────────────
app_key() { echo "create-app $CREATE_APP_VERSION, node $(node --version), yarn $(yarn --version), pins $STOCK_PINS"; }

create_app() {
  rm -rf "$APP" "$CACHE/app" "$CACHE/app.key"
  echo "── npx @backstage/create-app@$CREATE_APP_VERSION --path app --skip-install"
  (cd "$WORK" && BACKSTAGE_APP_NAME=haven-adopt-app \
    npx --yes "@backstage/create-app@$CREATE_APP_VERSION" --path app --skip-install) || return 1
  [ -d "$APP/.git" ] || git -C "$APP" init -q || return 1
  git_app add -A && git_app commit -qm "@backstage/create-app $CREATE_APP_VERSION" --allow-empty || return 1
  echo "── pins of the created app's own dependencies: $STOCK_PINS"
  (cd "$APP" && STOCK_PINS="$STOCK_PINS" node -e '
    const fs = require("fs");
    const pkg = JSON.parse(fs.readFileSync("package.json", "utf8"));
    pkg.resolutions = { ...pkg.resolutions, ...JSON.parse(process.env.STOCK_PINS) };
    fs.writeFileSync("package.json", JSON.stringify(pkg, null, 2) + "\n");') ||
    return 1
  # The created app installed, before anything of Haven+: the baseline every
  # run starts from (yarn.lock included, so a later run resolves only the
  # Haven+ packages). Native modules are built in step 4.
  echo "── yarn install --mode=skip-build"
  (cd "$APP" && yarn install --mode=skip-build) || return 1
  git_app add -A && git_app commit -qm "the created app, installed" --allow-empty &&
    git_app tag -f adopt-baseline >/dev/null || return 1
  app_key >"$WORK/app.key"
}

app_job() {
  if [ -d "$APP/.git" ] && [ "$(cat "$WORK/app.key" 2>/dev/null)" = "$(app_key)" ]; then
    echo "the app of an interrupted run is still in $APP"
  elif [ -d "$CACHE/app/.git" ] && [ "$(cat "$CACHE/app.key" 2>/dev/null)" = "$(app_key)" ]; then
    echo "the cached app ($(app_key)) from $CACHE/app"
    rm -rf "$APP"
    mv "$CACHE/app" "$APP" && mv "$CACHE/app.key" "$WORK/app.key" || return 1
  else
    create_app || return 1
    return 0
  fi
  # Back to the created app: tracked files as create-app wrote them, build
  # output and earlier runs' files removed, node_modules kept (Yarn brings
  # it in line with the lockfile in step 3).
  git_app reset -q --hard adopt-baseline &&
    git_app clean -qfdx -e node_modules -e /.yarn/install-state.gz
}

# ── run ──────────────────────────────────────────────────────────────────────
log "Haven+ adopt check: create-app $CREATE_APP_VERSION, node $(node --version), yarn $(yarn --version)"
log "cache $CACHE, app $APP"
if [ "$(stat -c %d "$CACHE")" != "$(stat -c %d "$WORK")" ]; then
  log "note: $CACHE and $WORK are on different file systems; moving the cached app copies it"
fi
case "$APP/" in "$ROOT"/*) log "note: the app is inside the repository; its modules may resolve from $ROOT/node_modules" ;; esac

# Steps 1 and 2 at once: the build uses the CPU, create-app and Yarn mostly the network.
t_phase=$SECONDS
log "── 1. build and pack the packages (background), 2. the created app"
bg pack pack_job
pack_pid=$BG_PID
step app "2. created app (@backstage/create-app $CREATE_APP_VERSION, installed)" app_job
app_ok=$?
t0=$SECONDS
wait_bg "$pack_pid"
pack_code=$?
pack_time="$(sed -n 's/^pack took \([0-9]*\) s$/\1/p' "$REPORT/pack.log")"
if [ "$pack_code" -eq 0 ]; then
  pass "1. build and pack the five packages$(grep -q '^sources unchanged' "$REPORT/pack.log" && echo ' (cached)')" "${pack_time:-?}"
  log "steps 1 and 2 took $((SECONDS - t_phase)) s"
else
  fail "1. build and pack the five packages" $((SECONDS - t_phase)) "$REPORT/pack.log"
  finish "the packages did not pack"
fi
[ "$app_ok" -eq 0 ] || finish "no app"

checks packs "1. the tarballs" node "$ADOPT/check-packs.mjs" "$WORK/packs"

# ── 3. docs/install.md, as written ───────────────────────────────────────────
# The doubles first: the guide's configuration reads their addresses from
# environment variables, and the builds below read the configuration.
t0=$SECONDS
rm -f "$WORK/doubles.env"
bg doubles node "$ADOPT/doubles.mjs" "$WORK/doubles.env"
doubles_pid=$BG_PID
for _ in $(seq 1 60); do
  [ -s "$WORK/doubles.env" ] && break
  kill -0 "$doubles_pid" 2>/dev/null || break
  sleep 0.5
done
if [ -s "$WORK/doubles.env" ]; then
  # shellcheck disable=SC1091
  source "$WORK/doubles.env"
  pass "3. contract doubles on free loopback ports" $((SECONDS - t0))
  sed 's/^/    /' "$REPORT/doubles.log"
else
  fail "3. contract doubles on free loopback ports" $((SECONDS - t0)) "$REPORT/doubles.log"
  finish "no doubles"
fi
PORT="$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')"
BASE_URL="http://localhost:$PORT"

guide() { node "$ADOPT/apply-doc.mjs" "$@"; }

copy_step() {
  local block
  block="$(guide block copy)" || return 1
  # The guide's placeholder for the checkout is this repository.
  block="$(printf '%s\n' "$block" | sed "s#^HAVEN_PLUS=.*#HAVEN_PLUS='$ROOT'#")"
  printf '%s\n' "$block"
  (cd "$APP" && bash -euo pipefail -c "$block")
}

resolutions_step() {
  mkdir -p "$APP/haven-packages" && cp "$WORK/packs"/*.tgz "$APP/haven-packages/" &&
    guide resolutions "$APP" "$APP/haven-packages"
}

add_step() {
  local block line
  block="$(guide block add)" || return 1
  while IFS= read -r line; do
    case "$line" in '' | '#'*) continue ;; esac
    # Native modules (better-sqlite3) are built in step 4, beside the type check.
    echo "\$ $line --mode=skip-build"
    (cd "$APP" && bash -euo pipefail -c "$line --mode=skip-build") || return 1
  done <<<"$block"
  git_app diff --stat -- package.json packages/*/package.json
}

# This run only, not part of the guide: where the backend listens. The
# backend serves the built frontend, so both have the same URL.
local_config() {
  cat >"$APP/app-config.local.yaml" <<EOF
# yarn test:adopt: this run's port (not a step of docs/install.md).
app:
  baseUrl: $BASE_URL
backend:
  baseUrl: $BASE_URL
  listen:
    port: $PORT
  cors:
    origin: $BASE_URL
EOF
  cat "$APP/app-config.local.yaml"
}

t_guide=$SECONDS
step guide-copy "3. guide: copy the templates and the example catalog" copy_step || finish "the guide's copy step failed"
step guide-resolutions "3. guide: resolutions to the tarballs in package.json" resolutions_step || finish "the guide's resolutions do not match the tarballs"
step guide-add "3. guide: yarn add the three packages" add_step || finish "the packages did not install"
step guide-backend "3. guide: two lines in packages/backend/src/index.ts" guide backend "$APP" || finish "the backend lines"
step guide-config "3. guide: the app-config.yaml block" guide app-config "$APP" || finish "the configuration"
local_config >"$REPORT/local-config.log" 2>&1
t_guide=$((SECONDS - t_guide))

# ── 4. Type check and build, beside the native builds of the install ─────────
t_phase=$SECONDS
bg install-builds bash -c "cd '$APP' && s=\$SECONDS && yarn install; c=\$?; echo \"yarn install took \$((SECONDS - s)) s\"; exit \$c"
builds_pid=$BG_PID
log "── 4. yarn install (native modules, background)"

frontend_types() {
  local dir="$APP/packages/app/haven-typecheck"
  mkdir -p "$dir"
  cat >"$dir/tsconfig.json" <<'EOF'
{
  "extends": "../../../tsconfig.json",
  "include": ["index.ts"],
  "compilerOptions": {
    "noEmit": true,
    "incremental": false,
    "skipLibCheck": false
  }
}
EOF
  cat >"$dir/index.ts" <<'EOF'
// What an app that lists its features, or a legacy app, imports.
import { createApp } from '@backstage/frontend-defaults';
import havenPlugin from '@haven-plus/plugin-haven/alpha';
import {
  EntityHavenDeliveryCard,
  EntityHavenObservabilityCard,
  EntityHavenObservabilityContent,
  havenPlugin as legacyHavenPlugin,
} from '@haven-plus/plugin-haven';

export const app = createApp({ features: [havenPlugin] });
export const legacy = [
  legacyHavenPlugin,
  EntityHavenDeliveryCard,
  EntityHavenObservabilityCard,
  EntityHavenObservabilityContent,
];
EOF
  (cd "$APP" && yarn tsc -p packages/app/haven-typecheck/tsconfig.json)
}

step tsc-full "4. yarn tsc:full (the app's own type check)" bash -c "cd '$APP' && yarn tsc:full"
step frontend-types "4. tsc of @haven-plus/plugin-haven and /alpha (skipLibCheck false)" frontend_types
step config-check "4. backstage-cli config:check (the packages' config schemas)" \
  bash -c "cd '$APP' && yarn backstage-cli config:check --config app-config.yaml --config app-config.local.yaml"
step frontend-build "4. frontend build (yarn workspace app build)" \
  bash -c "cd '$APP' && yarn workspace app build --config '$APP/app-config.yaml' --config '$APP/app-config.local.yaml'"
frontend_ok=$?
t0=$SECONDS
wait_bg "$builds_pid"
builds_code=$?
builds_time="$(sed -n 's/^yarn install took \([0-9]*\) s$/\1/p' "$REPORT/install-builds.log")"
if [ "$builds_code" -eq 0 ]; then
  pass "4. yarn install, native builds (beside the steps above)" "${builds_time:-?}"
else
  fail "4. yarn install, native builds (beside the steps above)" "${builds_time:-?}" "$REPORT/install-builds.log"
  finish "the install did not complete"
fi
log "step 4 took $((SECONDS - t_phase)) s"
[ "$frontend_ok" -eq 0 ] || finish "no frontend build to serve"

# ── 5. The backend against the doubles ───────────────────────────────────────
# start_backend SLUG NAME CONFIG: the app's backend on $BASE_URL with CONFIG
# and this run's port; a passed or failed check; backend_pid is its job.
start_backend() {
  local slug="$1" name="$2" config="$3" t0=$SECONDS ready=""
  bg "$slug" bash -c "cd '$APP/packages/backend' && exec yarn start --config ../../$config --config ../../app-config.local.yaml"
  backend_pid=$BG_PID
  log "── $name"
  while [ $((SECONDS - t0)) -lt 240 ]; do
    if curl -fs -o /dev/null "$BASE_URL/.backstage/health/v1/readiness"; then
      ready=1
      break
    fi
    kill -0 "$backend_pid" 2>/dev/null || break
    sleep 2
  done
  if [ -n "$ready" ]; then
    pass "$name" $((SECONDS - t0))
  else
    fail "$name" $((SECONDS - t0)) "$REPORT/$slug.log"
    return 1
  fi
}
# stop_backend: the backend job and its children, until the port is free.
stop_backend() {
  kill -TERM -- "-$backend_pid" 2>/dev/null
  for _ in $(seq 1 40); do
    kill -0 -- "-$backend_pid" 2>/dev/null || break
    sleep 0.5
  done
  kill -KILL -- "-$backend_pid" 2>/dev/null
  forget "$backend_pid"
}
start_backend backend "5. backend starts with the Haven+ plugins ($BASE_URL)" app-config.yaml ||
  finish "the backend did not start"
checks http "5. HTTP checks" node "$ADOPT/check-http.mjs" "$BASE_URL"
# Warnings and errors that name Haven+ (a template or entity the catalog
# refused, a plugin that complains about its configuration) are shown here.
haven_warnings="$(sed 's/\x1b\[[0-9;]*m//g' "$REPORT/backend.log" | grep -E ' (warn|error) ' | grep -iE 'haven|open-webui' | cut -c1-300)"
if [ -n "$haven_warnings" ]; then
  log "note: the backend logged warnings or errors about Haven+ (${REPORT#"$ROOT"/}/backend.log):"
  printf '%s\n' "$haven_warnings" | head -n 10 | sed 's/^/    | /'
fi

# ── 6. Chromium ──────────────────────────────────────────────────────────────
ensure_chromium() {
  [ -x "$CHROMIUM" ] && return 0
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    log "installing Debian's chromium (apt-get)"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq &&
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
        chromium fonts-liberation >/dev/null && [ -x "$CHROMIUM" ] && return 0
  fi
  echo "no Chromium at $CHROMIUM: install Debian's chromium package or set HAVEN_CHROMIUM" >&2
  return 1
}
# chromium NAME JSON [playwright args...]: one Playwright run of adopt.spec.ts
# against $BASE_URL; each test counts.
chromium() {
  local name="$1" json="$2" t0=$SECONDS pw_code pw_ok pw_bad word
  shift 2
  log "── $name"
  (cd "$ROOT" && ADOPT_BASE_URL="$BASE_URL" ADOPT_REPORT="$REPORT" ADOPT_SCREENSHOTS="$SHOTS" \
    ADOPT_PLAYWRIGHT_JSON="$json" HAVEN_CHROMIUM="$CHROMIUM" \
    yarn playwright test --config scripts/adopt/playwright.config.ts "$@") \
    >"$REPORT/${json%.json}.log" 2>&1
  pw_code=$?
  read -r pw_ok pw_bad < <(node -e '
    try {
      const s = require(process.argv[1]).stats;
      console.log(s.expected + s.flaky, s.unexpected);
    } catch { console.log(0, 0); }' "$REPORT/$json")
  [ "$pw_code" -ne 0 ] && [ "$pw_bad" -eq 0 ] && pw_bad=1
  passed=$((passed + pw_ok))
  failed=$((failed + pw_bad))
  grep -E '^\s+(✓|✘|[0-9]+ (passed|failed))' "$REPORT/${json%.json}.log" | sed 's/^/    /'
  word="ok    "
  [ "$pw_code" -ne 0 ] && word="FAILED"
  summary+=("$(printf '%s  %-58s %4ss' "$word" "$name: $pw_ok passed, $pw_bad failed" $((SECONDS - t0)))")
  if [ "$pw_code" -ne 0 ]; then
    log "FAILED  $name, log: ${REPORT#"$ROOT"/}/${json%.json}.log"
    tail -n 40 "$REPORT/${json%.json}.log" | sed 's/^/    | /'
  fi
}
if ensure_chromium; then
  chromium "6. Chromium: entity page and Create page" playwright.json --grep-invert @stock-kubernetes

  # ── 7. The created app's own (empty) kubernetes config ───────────────────────
  # What an adopter sees before any cluster is configured: the same app with
  # the kubernetes key the created app came with; the Delivery card names the
  # missing configuration.
  stop_backend
  if step stock-kubernetes-config "7. app-config with the created app's kubernetes key" \
    node "$ADOPT/stock-kubernetes.mjs" "$APP" &&
    start_backend backend-stock-kubernetes "7. backend starts with the created app's kubernetes key" \
      app-config.stock-kubernetes.yaml; then
    chromium "7. Chromium: Delivery card without clusters" playwright-stock-kubernetes.json --grep @stock-kubernetes
  fi
  for f in "$SHOTS"/adopt-*.png; do [ -f "$f" ] && log "screenshot ${f#"$ROOT"/}"; done
else
  fail "6. Chromium: no browser" 0
fi
finish
