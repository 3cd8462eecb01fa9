#!/usr/bin/env bash
# Makes sure the Debian tools the ops and records tests use are present:
#   docker-compose   validates docker-compose.yml (`docker-compose config`); no Docker engine is needed
#   prometheus       scrapes a running system in the dashboard test (promtool checks the exposition)
#   postgresql       throwaway servers for the records tests (initdb, pg_ctl, postgres; no system service)
#   chromium         the browser the web tests drive with Playwright (executablePath; no browser download)
# Installs them with apt only when one is missing, non-interactively (CI runs as root with no stdin).
# Prints KEY=path lines on stdout; progress goes to stderr.
set -euo pipefail

say() { echo "ops-tools: $*" >&2; }
die() { echo "ops-tools: $*" >&2; exit 1; }

missing=()
command -v docker-compose >/dev/null 2>&1 || missing+=(docker-compose)
command -v prometheus >/dev/null 2>&1 && command -v promtool >/dev/null 2>&1 || missing+=(prometheus)
# The server binaries live off PATH, one directory per major version; /usr/bin/pg_config alone comes from
# libpq-dev and says nothing about whether a server is installed.
newest_pg_bin() {
  local initdb
  initdb=$(ls /usr/lib/postgresql/*/bin/initdb 2>/dev/null | sort -V | tail -n 1) || true
  [[ -n $initdb ]] && dirname "$initdb"
}
[[ -n $(newest_pg_bin) ]] || missing+=(postgresql)
command -v chromium >/dev/null 2>&1 || missing+=(chromium)

if ((${#missing[@]} > 0)); then
  command -v apt-get >/dev/null 2>&1 ||
    die "missing ${missing[*]} and no apt-get here: install Debian's packages '${missing[*]}' by hand"
  sudo=()
  if [[ $(id -u) -ne 0 ]]; then
    command -v sudo >/dev/null 2>&1 || die "missing ${missing[*]}: run 'apt-get install ${missing[*]}' as root"
    sudo=(sudo -n)
  fi
  say "installing ${missing[*]} from Debian's packages (first run only)..."
  export DEBIAN_FRONTEND=noninteractive
  # Another apt run on the same machine holds the lock for a while: wait for it rather than fail.
  "${sudo[@]}" apt-get -o DPkg::Lock::Timeout=600 update -qq >&2 || say "apt-get update failed; trying the cached lists"
  "${sudo[@]}" apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${missing[@]}" </dev/null >&2 ||
    die "apt-get could not install ${missing[*]} (see above)"
fi

echo "DOCKER_COMPOSE=$(command -v docker-compose)"
echo "PROMETHEUS=$(command -v prometheus)"
echo "PROMTOOL=$(command -v promtool)"
echo "PG_BIN=$(newest_pg_bin)"
echo "CHROMIUM=$(command -v chromium)"
