#!/usr/bin/env bash
# Installs everything gridgov needs into ./.venv (Python packages pinned by requirements.lock).
# Safe to run again: it does nothing when the lock and pyproject have not changed.
set -euo pipefail
cd "$(dirname "$0")/.."

PY=${PYTHON:-python3}
if ! "$PY" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' 2>/dev/null; then
  echo "gridgov needs Python 3.11 or newer ($PY is $("$PY" --version 2>&1))" >&2
  exit 1
fi

stamp_want=$(cat pyproject.toml requirements.lock | sha256sum | cut -d' ' -f1)
if [ -x .venv/bin/python ] && [ "$(cat .venv/.gridgov-stamp 2>/dev/null)" = "$stamp_want" ]; then
  exit 0
fi

echo "== Installing Python packages into .venv"
[ -x .venv/bin/python ] || "$PY" -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -c requirements.lock -e ".[dev]"
echo "$stamp_want" > .venv/.gridgov-stamp
