#!/usr/bin/env bash
# Set up and start gridgov on the embedded default: SQLite under ./var, the demo district loaded,
# the development server on 127.0.0.1:${PORT:-8000}.
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
echo
echo "Starting the server on http://$HOST:$PORT/ (Ctrl+C to stop)"
exec $G runserver "$HOST:$PORT" --noreload
