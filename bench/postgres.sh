#!/usr/bin/env bash
# Postgres data path benchmark: pgbench -S through PostgreSQL directly, PgBouncer (session pool) and
# Portcullis (policy per statement, write-ahead audit), plus a 1M-row masked SELECT. One run, one table.
# Needs the local PostgreSQL, NATS and Redis (as for npm test) and pgbouncer (apt-get install pgbouncer).
# Usage: bench/postgres.sh [seconds-per-run]   (default 10)
set -euo pipefail
cd "$(dirname "$0")/.."
command -v pgbouncer >/dev/null || { echo "pgbouncer is not installed: apt-get install pgbouncer" >&2; exit 1; }
node scripts/build.mjs >/dev/null
exec node dist/bench/postgres/run.js "${1:-10}"
