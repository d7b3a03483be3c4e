#!/usr/bin/env bash
# Set up and start gridgov on the embedded default: SQLite under ./var, the demo district loaded (the first
# time, with 90 days of case history: about 3 minutes on 2 cores), the background worker (SLA sweep, notifications)
# and the development server on 127.0.0.1:${PORT:-8000}.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh

export DJANGO_SETTINGS_MODULE=${DJANGO_SETTINGS_MODULE:-gridgov.settings.dev}
PORT=${PORT:-8000}
HOST=${HOST:-127.0.0.1}
G=.venv/bin/gridgov

$G migrate --noinput -v 0
$G collectstatic --noinput -v 0
$G demo --url "http://$HOST:$PORT/"

# The background worker: the SLA sweep and notification delivery every minute.
mkdir -p var
$G run_huey --workers 1 > var/worker.log 2>&1 &
WORKER=$!
trap 'kill $WORKER 2>/dev/null || true' EXIT INT TERM

echo
echo "Starting the server on http://$HOST:$PORT/ (Ctrl+C to stop); worker log: var/worker.log"
$G runserver "$HOST:$PORT" --noreload
