#!/usr/bin/env bash
# Yields the Temporal binaries Vermist needs, built only from the package registries:
#   TEMPORAL_CLI          the Temporal CLI (dev server): $TEMPORAL_CLI, else `temporal` on PATH,
#                         else `go install github.com/temporalio/cli/cmd/temporal@v1.5.1` into the cache
#   TEMPORAL_TEST_SERVER  a launcher for the Java time-skipping test server (io.temporal:temporal-test-server
#                         from Maven Central, version pinned in scripts/temporal-test-server/pom.xml)
#   TEMPORAL_SERVER       the Temporal server v1.29.1 (`npm run cluster`), the version the compose file runs:
#                         $TEMPORAL_SERVER, else `go install go.temporal.io/server/cmd/server@v1.29.1` into the cache
#   TEMPORAL_SQL_TOOL     its schema tool: $TEMPORAL_SQL_TOOL, else `go install
#                         go.temporal.io/server/cmd/tools/sql@v1.29.1` into the cache, and
#   TEMPORAL_SCHEMA_DIR   the PostgreSQL schemas of the same module (schema/postgresql/v12): $TEMPORAL_SCHEMA_DIR,
#                         else the copy made beside the built tool
# Prints KEY=path lines on stdout; progress goes to stderr. Cached runs take well under a second.
# Usage: scripts/toolchain.sh [all|cli|test-server|server|sql-tool]...
set -euo pipefail

# v1.5.1 is the last tag that `go install` accepts: later ones carry a replace directive.
readonly CLI_VERSION=1.5.1
readonly SERVER_VERSION=1.29.1
readonly here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
readonly cache="${VERMIST_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/vermist}"

say() { echo "toolchain: $*" >&2; }
die() { echo "toolchain: $*" >&2; exit 1; }

temporal_cli() {
  if [[ -n "${TEMPORAL_CLI:-}" ]]; then
    [[ -x "$TEMPORAL_CLI" ]] || die "TEMPORAL_CLI=$TEMPORAL_CLI is not an executable file"
    echo "$TEMPORAL_CLI"; return
  fi
  if command -v temporal >/dev/null 2>&1; then command -v temporal; return; fi
  local dir="$cache/temporal-cli-$CLI_VERSION"
  if [[ ! -x "$dir/temporal" ]]; then
    command -v go >/dev/null 2>&1 ||
      die "no Temporal CLI found. Install Go 1.25+ (https://go.dev/doc/install, or 'apt-get install golang') so this script can build it, or put a 'temporal' binary on PATH, or set TEMPORAL_CLI."
    say "building the Temporal CLI v$CLI_VERSION with go install (first run only, a few minutes)..."
    local started=$SECONDS tmp="$dir.tmp.$$"
    mkdir -p "$tmp"
    GOBIN="$tmp" GOFLAGS="${GOFLAGS:-} -trimpath" go install "github.com/temporalio/cli/cmd/temporal@v$CLI_VERSION" >&2 ||
      { rm -rf "$tmp"; die "go install of the Temporal CLI failed (see above)"; }
    rm -rf "$dir" && mv "$tmp" "$dir"
    say "built $dir/temporal in $((SECONDS - started)) s"
  fi
  echo "$dir/temporal"
}

need_go() {
  command -v go >/dev/null 2>&1 ||
    die "no go found. Building $1 needs Go 1.25+ (https://go.dev/doc/install, or 'apt-get install golang')."
}

# Two runs at once (parallel CI jobs, two shells) build once: the second waits and finds the result.
# The lock goes with the subshell that took it.
lock_cache() {
  mkdir -p "$cache"
  exec 9>"$cache/.build.lock"
  flock 9
}

# go install <package> into a temp dir beside <dir> and print it; a failed build leaves nothing behind.
go_install() {
  local dir=$1 package=$2 label=$3
  local started=$SECONDS tmp="$dir.tmp.$$"
  say "building $label with go install (first run only)..."
  mkdir -p "$tmp"
  GOBIN="$tmp" GOFLAGS="${GOFLAGS:-} -trimpath" go install "$package" >&2 ||
    { rm -rf "$tmp"; die "go install of $label failed (see above)"; }
  echo "$tmp"
  say "built $label in $((SECONDS - started)) s"
}

temporal_server() {
  if [[ -n "${TEMPORAL_SERVER:-}" ]]; then
    [[ -x "$TEMPORAL_SERVER" ]] || die "TEMPORAL_SERVER=$TEMPORAL_SERVER is not an executable file"
    echo "$TEMPORAL_SERVER"; return
  fi
  local dir="$cache/temporal-server-$SERVER_VERSION"
  [[ -x "$dir/temporal-server" ]] || lock_cache
  if [[ ! -x "$dir/temporal-server" ]]; then
    need_go "the Temporal server"
    say "the server and its schema tool take about 4 min together on 2 cores, once"
    local tmp
    tmp=$(go_install "$dir" "go.temporal.io/server/cmd/server@v$SERVER_VERSION" "the Temporal server v$SERVER_VERSION")
    mv "$tmp/server" "$tmp/temporal-server"
    rm -rf "$dir" && mv "$tmp" "$dir"
  fi
  echo "$dir/temporal-server"
}

# The schema files travel with the module, not the binary: copy them beside the tool, so a cleaned module
# cache cannot take them away.
temporal_sql_tool() {
  if [[ -n "${TEMPORAL_SQL_TOOL:-}" ]]; then
    [[ -x "$TEMPORAL_SQL_TOOL" ]] || die "TEMPORAL_SQL_TOOL=$TEMPORAL_SQL_TOOL is not an executable file"
    echo "$TEMPORAL_SQL_TOOL"; return
  fi
  local dir="$cache/temporal-sql-tool-$SERVER_VERSION"
  [[ -x "$dir/temporal-sql-tool" && -d "$dir/schema/postgresql/v12" ]] || lock_cache
  if [[ ! -x "$dir/temporal-sql-tool" || ! -d "$dir/schema/postgresql/v12" ]]; then
    need_go "the Temporal schema tool"
    local tmp
    tmp=$(go_install "$dir" "go.temporal.io/server/cmd/tools/sql@v$SERVER_VERSION" "temporal-sql-tool v$SERVER_VERSION")
    mv "$tmp/sql" "$tmp/temporal-sql-tool"
    local module
    module="$(go env GOMODCACHE)/go.temporal.io/server@v$SERVER_VERSION"
    [[ -d "$module/schema/postgresql/v12" ]] || { rm -rf "$tmp"; die "no schema/postgresql/v12 in $module"; }
    mkdir -p "$tmp/schema/postgresql"
    cp -R "$module/schema/postgresql/v12" "$tmp/schema/postgresql/"
    # The module cache is read-only; the copy must not be, or the next rebuild could not replace it.
    chmod -R u+w "$tmp/schema"
    rm -rf "$dir" && mv "$tmp" "$dir"
  fi
  echo "$dir/temporal-sql-tool"
}

temporal_test_server() {
  command -v java >/dev/null 2>&1 ||
    die "no java found. The time-skipping test server needs Java 17+ ('apt-get install openjdk-17-jre-headless')."
  local pom="$here/temporal-test-server/pom.xml"
  local key; key="$(sha256sum "$pom" | cut -c1-12)"
  local dir="$cache/temporal-test-server-$key"
  if [[ ! -x "$dir/temporal-test-server" ]]; then
    command -v mvn >/dev/null 2>&1 ||
      die "no mvn found. Resolving the Java test server from Maven Central needs Maven ('apt-get install maven')."
    say "resolving io.temporal:temporal-test-server from Maven Central (first run only)..."
    local tmp="$dir.tmp.$$"
    mkdir -p "$tmp"
    mvn -q -B -f "$pom" dependency:build-classpath -Dmdep.outputFile="$tmp/classpath" >&2 ||
      { rm -rf "$tmp"; die "Maven could not resolve the test server (see above)"; }
    # The SDK gives a spawned server a few seconds to listen: skip JIT tiers that only pay off
    # in long runs, so the JVM is up quickly on a small machine.
    cat >"$tmp/temporal-test-server" <<LAUNCHER
#!/usr/bin/env bash
exec java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xshare:auto \${TEMPORAL_TEST_SERVER_JAVA_OPTS:-} \\
  -cp "\$(cat "$dir/classpath")" io.temporal.testserver.TestServer "\$@"
LAUNCHER
    chmod +x "$tmp/temporal-test-server"
    rm -rf "$dir" && mv "$tmp" "$dir"
  fi
  echo "$dir/temporal-test-server"
}

yield_one() {
  local found
  case "$1" in
    cli) found=$(temporal_cli); echo "TEMPORAL_CLI=$found" ;;
    test-server) found=$(temporal_test_server); echo "TEMPORAL_TEST_SERVER=$found" ;;
    server) found=$(temporal_server); echo "TEMPORAL_SERVER=$found" ;;
    sql-tool)
      found=$(temporal_sql_tool)
      echo "TEMPORAL_SQL_TOOL=$found"
      echo "TEMPORAL_SCHEMA_DIR=${TEMPORAL_SCHEMA_DIR:-$(dirname "$found")/schema/postgresql/v12}"
      ;;
    *) die "usage: scripts/toolchain.sh [all|cli|test-server|server|sql-tool]..." ;;
  esac
}

# `all` is what `npm test` needs, the cluster's server included, so no build runs inside a test's timeout.
(($# > 0)) || set -- all
for what in "$@"; do
  if [[ $what == all ]]; then
    for one in cli test-server server sql-tool; do yield_one "$one"; done
  else
    yield_one "$what"
  fi
done
