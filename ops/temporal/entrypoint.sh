#!/bin/sh
# The Temporal server's entrypoint in docker-compose.yml, in place of the image's own (which renders the
# image's template, not ours). It listens on every interface of its container (BIND_ON_IP=0.0.0.0) and tells
# the membership ring this container's address, as the image's entrypoint does; then file-env.sh reads the
# database password from its secret file and runs the server exactly as the command says.
set -eu
if [ -z "${TEMPORAL_BROADCAST_ADDRESS:-}" ]; then
  TEMPORAL_BROADCAST_ADDRESS=$(getent hosts "$(hostname)" | awk '{ print $1; exit }')
fi
export TEMPORAL_BROADCAST_ADDRESS
exec /bin/sh /opt/vermist/file-env.sh "$@"
