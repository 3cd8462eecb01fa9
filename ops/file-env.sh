#!/bin/sh
# For images that take a secret only from their environment (Temporal's server, its schema tool, its Web UI):
# for every NAME_FILE in the environment, sets NAME to that file's content (a compose secret under
# /run/secrets), drops NAME_FILE, and runs the command it is given in its place. Nothing is printed.
set -eu
for name in $(env | sed -n 's/^\([A-Za-z_][A-Za-z0-9_]*\)_FILE=.*/\1/p'); do
  eval "file=\${${name}_FILE}"
  if [ ! -f "$file" ] || [ ! -r "$file" ]; then
    echo "file-env: ${name}_FILE: cannot read $file" >&2
    exit 1
  fi
  value=$(cat "$file")
  export "$name=$value"
  unset "${name}_FILE"
done
exec "$@"
