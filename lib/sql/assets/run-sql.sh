#!/bin/sh
# Runs $SQL once against the database behind the Cloud SQL Auth Proxy of the same pod, then stops the proxy so the
# Job completes. psql and pg_isready read PGHOST, PGPORT, PGUSER, PGDATABASE and PGPASSWORD from the environment.
set -eu

stop_proxy() {
  wget -q -O /dev/null --post-data='' "http://127.0.0.1:$PROXY_ADMIN_PORT/quitquitquit" || true
}
trap stop_proxy EXIT

attempt=1
until pg_isready -q; do
  if [ "$attempt" -ge "$WAIT_ATTEMPTS" ]; then
    echo "the Cloud SQL Auth Proxy did not accept connections after $attempt attempts" >&2
    exit 1
  fi
  attempt=$((attempt + 1))
  sleep 2
done
psql --no-psqlrc -v ON_ERROR_STOP=1 -c "$SQL"
