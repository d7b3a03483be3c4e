#!/usr/bin/env bash
# The whole test suite: lint (ruff, with DTZ), migration check, then pytest on SQLite and on PostgreSQL.
# PostgreSQL is at $TEST_POSTGRES_URL (default postgres://postgres@127.0.0.1:5432/test); on CI (CI=true)
# it is required, elsewhere it is skipped with a notice when it is not reachable.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh

# Browser tests drive Debian's chromium (never a downloaded browser) in Chinese (chromium-l10n) with a CJK font.
if ! [ -x /usr/bin/chromium ] || ! [ -f /usr/lib/chromium/locales/zh-CN.pak ] || ! fc-list 2>/dev/null | grep -qi "wenquanyi\|wqy"; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "== Installing chromium and a CJK font (Debian packages) for the browser tests"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-l10n fonts-wqy-microhei >/dev/null
  else
    echo "== chromium is missing: run 'sudo apt-get install chromium chromium-l10n fonts-wqy-microhei' (browser tests will skip)"
  fi
fi

export DJANGO_SETTINGS_MODULE=gridgov.settings.test
PG_URL=${TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/test}
V=.venv/bin

echo "== ruff"
$V/ruff check gridgov tests bench
echo "== import layers (lint-imports, .importlinter)"
$V/lint-imports
echo "== type check (mypy: core, cases, mediation, points, care, emergency, triage, deliberation, portal and supervision; [tool.mypy] in pyproject.toml)"
$V/mypy
echo "== makemigrations --check"
env -u DATABASE_URL $V/gridgov makemigrations --check --dry-run
pg_ok=0
$V/python - "$PG_URL" <<'PY' && pg_ok=1 || true
import sys, psycopg
try:
    psycopg.connect(sys.argv[1].replace("postgres://", "postgresql://"), connect_timeout=3).close()
except Exception as exc:
    print(f"PostgreSQL not reachable: {exc}", file=sys.stderr); sys.exit(1)
PY
if [ "$pg_ok" != 1 ] && [ "${CI:-}" = "true" ]; then
  echo "PostgreSQL is required on CI" >&2
  exit 1
fi

# The browser stories and the API fuzz test pages and the API document, not the database: with PostgreSQL each
# runs in one pass (markers browser and fuzz, tests/conftest.py) — the stories on SQLite, what the platform starts
# on, the fuzz on PostgreSQL, what a district deploys; without PostgreSQL both run on SQLite. The production
# topology (marker topology: deploy/topology.sh starts its own PostgreSQL clusters, pgbouncer, Redis, nginx and
# gunicorn) runs once, in the SQLite pass, which is the shorter of the two.
if [ "$pg_ok" = 1 ]; then
  # The two passes run side by side (two cores: the SQLite pass is one Python process, the PostgreSQL pass one
  # more and the server); the SQLite pass's report is printed when both are done.
  echo "== pytest on SQLite (with the browser stories) and on PostgreSQL (with the API fuzz), side by side"
  sqlite_log=$(mktemp)
  ( env -u DATABASE_URL $V/pytest -m "not fuzz" "$@" >"$sqlite_log" 2>&1 ) &
  sqlite_pid=$!
  echo "== pytest on PostgreSQL"
  pg_rc=0
  DATABASE_URL="$PG_URL" $V/pytest -m "not browser and not topology" "$@" || pg_rc=$?
  sqlite_rc=0
  wait "$sqlite_pid" || sqlite_rc=$?
  echo "== pytest on SQLite (its report)"
  cat "$sqlite_log"
  rm -f "$sqlite_log"
  if [ "$sqlite_rc" != 0 ] || [ "$pg_rc" != 0 ]; then
    echo "pytest failed: SQLite exit $sqlite_rc, PostgreSQL exit $pg_rc" >&2
    exit 1
  fi
else
  echo "== pytest on SQLite"
  env -u DATABASE_URL $V/pytest "$@"
  echo "== PostgreSQL not reachable: skipped the PostgreSQL run (CI runs it)"
fi
