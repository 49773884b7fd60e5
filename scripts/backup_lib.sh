# Shared by scripts/backup.sh and scripts/restore.sh (sourced, not run): checking the environment and talking
# to PostgreSQL. docs/operations.md, "Backups", describes both scripts.
#
# The PostgreSQL client programs come from PATH, or from PG_BINDIR when set. PG_DUMP, PG_RESTORE and PSQL
# replace a whole command, e.g. PSQL="docker-compose exec -T db psql", so that the programs of the database's
# own container are used; every program reads and writes through standard input and output for that reason.

fail() {
  echo "$(basename "$0"): $*" >&2
  exit 1
}

# Refuse what the scripts cannot handle before touching anything.
require_environment() {
  [[ -n "${DATABASE_URL:-}" ]] || fail "DATABASE_URL is not set (postgres://USER:PASSWORD@HOST:PORT/NAME)."
  case "$DATABASE_URL" in
    postgres://* | postgresql://*) ;;
    *) fail "DATABASE_URL must be a PostgreSQL URL (postgres://…); got '${DATABASE_URL%%://*}://…'. The SQLite database of 'make run' is a single file: copy var/db.sqlite3." ;;
  esac
  [[ -n "${MEDIA_ROOT:-}" ]] || fail "MEDIA_ROOT is not set (the folder of stored files, as in the settings)."
}

# pg_command NAME VARIABLE: the command line for a PostgreSQL program, as an array in PG_CMD.
pg_command() {
  local override="${!2:-}"
  if [[ -n "$override" ]]; then
    read -r -a PG_CMD <<<"$override"
  else
    PG_CMD=("${PG_BINDIR:+$PG_BINDIR/}$1")
  fi
}

# psql_query SQL: the rows of one query, tab-separated, without headers; stops on any error.
psql_query() {
  pg_command psql PSQL
  "${PG_CMD[@]}" --no-psqlrc --quiet --tuples-only --no-align --field-separator="$(printf '\t')" \
    --set=ON_ERROR_STOP=1 --dbname="$DATABASE_URL" --command="$1"
}

# The applied migrations in the order they were applied: the migration state a backup belongs to.
MIGRATIONS_SQL="SELECT app, name FROM django_migrations ORDER BY id"
