#!/usr/bin/env bash
# Yields the two Temporal binaries Vermist needs, built only from the package registries:
#   TEMPORAL_CLI          the Temporal CLI (dev server): $TEMPORAL_CLI, else `temporal` on PATH,
#                         else `go install github.com/temporalio/cli/cmd/temporal@v1.5.1` into the cache
#   TEMPORAL_TEST_SERVER  a launcher for the Java time-skipping test server (io.temporal:temporal-test-server
#                         from Maven Central, version pinned in scripts/temporal-test-server/pom.xml)
# Prints KEY=path lines on stdout; progress goes to stderr. Cached runs take well under a second.
# Usage: scripts/toolchain.sh [all|cli|test-server]
set -euo pipefail

# v1.5.1 is the last tag that `go install` accepts: later ones carry a replace directive.
readonly CLI_VERSION=1.5.1
readonly here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
readonly cache="${VERMIST_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/vermist}"
what="${1:-all}"

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

case "$what" in
  all) echo "TEMPORAL_CLI=$(temporal_cli)"; echo "TEMPORAL_TEST_SERVER=$(temporal_test_server)" ;;
  cli) echo "TEMPORAL_CLI=$(temporal_cli)" ;;
  test-server) echo "TEMPORAL_TEST_SERVER=$(temporal_test_server)" ;;
  *) die "usage: scripts/toolchain.sh [all|cli|test-server]" ;;
esac
