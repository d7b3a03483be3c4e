#!/usr/bin/env bash
# Installs everything gridgov needs: Python packages into ./.venv (pinned by requirements.lock) and the
# front-end libraries from the npm registry (pinned by package-lock.json), copied into the static files.
# Safe to run again: it does nothing when the lock files have not changed.
set -euo pipefail
cd "$(dirname "$0")/.."

PY=${PYTHON:-python3}
if ! "$PY" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' 2>/dev/null; then
  echo "gridgov needs Python 3.11 or newer ($PY is $("$PY" --version 2>&1))" >&2
  exit 1
fi

stamp_want=$(cat pyproject.toml requirements.lock | sha256sum | cut -d' ' -f1)
if ! [ -x .venv/bin/python ] || [ "$(cat .venv/.gridgov-stamp 2>/dev/null)" != "$stamp_want" ]; then
  echo "== Installing Python packages into .venv"
  [ -x .venv/bin/python ] || "$PY" -m venv .venv
  .venv/bin/python -m pip install --quiet --upgrade pip
  .venv/bin/python -m pip install --quiet -c requirements.lock -e ".[dev]"
  echo "$stamp_want" > .venv/.gridgov-stamp
fi

# A CJK font for the PDF documents (人民调解协议书), embedded in each file (gridgov/mediation/documents.py).
if ! fc-list 2>/dev/null | grep -qi "wqy\|cjk"; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "== Installing a CJK font (Debian package fonts-wqy-microhei) for the PDF documents"
    (apt-get install -y -qq fonts-wqy-microhei >/dev/null 2>&1 || { apt-get update -qq && \
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-wqy-microhei >/dev/null; }) || \
      echo "   (not installed: documents name a font the reader's viewer supplies)"
  else
    echo "== No CJK font found: 'sudo apt-get install fonts-wqy-microhei' embeds one in the PDF documents"
  fi
fi

vendor=gridgov/web/static/vendor
npm_want=$(cat package.json package-lock.json | sha256sum | cut -d' ' -f1)
if [ "$(cat "$vendor/.stamp" 2>/dev/null)" != "$npm_want" ]; then
  if ! command -v npm >/dev/null; then
    echo "gridgov needs Node.js and npm to install its front-end libraries (Debian: apt-get install nodejs npm)" >&2
    exit 1
  fi
  echo "== Installing front-end libraries (npm ci) into $vendor"
  npm ci --no-audit --no-fund --loglevel=error
  rm -rf "$vendor" && mkdir -p "$vendor/leaflet"
  cp node_modules/htmx.org/dist/htmx.min.js "$vendor/htmx.min.js"
  cp node_modules/alpinejs/dist/cdn.min.js "$vendor/alpine.min.js"
  cp node_modules/echarts/dist/echarts.min.js "$vendor/echarts.min.js"
  cp -r node_modules/leaflet/dist/leaflet.js node_modules/leaflet/dist/leaflet.css node_modules/leaflet/dist/images \
    "$vendor/leaflet/"
  echo "$npm_want" > "$vendor/.stamp"
fi
