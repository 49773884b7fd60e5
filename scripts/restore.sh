#!/usr/bin/env bash
# Restores a backup made by scripts/backup.sh into an EMPTY database and an empty MEDIA_ROOT.
#
# Usage: DATABASE_URL=postgres://USER:PASSWORD@HOST:PORT/NAME MEDIA_ROOT=/srv/media scripts/restore.sh BACKUP_DIR
#
# In this order, stopping at the first problem: checks every file of the backup against SHA256SUMS; refuses a
# database that has any table, sequence or view, and a MEDIA_ROOT that has any file (a restore never mixes
# with or overwrites data); restores the dump in one transaction (pg_restore --single-transaction
# --exit-on-error, so a failed restore leaves the database empty again); unpacks the media files and checks
# each against media.sha256; checks that the restored database has the migrations the backup recorded.
# Object ownership and grants are not restored: the objects belong to the user in DATABASE_URL.
# PG_BINDIR, PG_RESTORE and PSQL: see scripts/backup_lib.sh.
# Exit status 0 when everything was restored and checked; otherwise non-zero, with the reason on stderr.
set -euo pipefail
source "$(dirname "$0")/backup_lib.sh"

[[ $# -eq 1 ]] || fail "usage: DATABASE_URL=… MEDIA_ROOT=… $0 BACKUP_DIRECTORY"
require_environment
backup="$(cd "$1" 2>/dev/null && pwd)" || fail "the backup directory '$1' does not exist."
for name in SHA256SUMS database.dump media.tar.gz media.sha256 migrations.tsv manifest.txt; do
  [[ -f "$backup/$name" ]] || fail "'$backup' is not a complete backup: $name is missing."
done

(cd "$backup" && sha256sum --quiet --check SHA256SUMS) >&2 ||
  fail "the backup in '$backup' is damaged: a file does not match its SHA-256 sum in SHA256SUMS (see above)."

relations="$(psql_query "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')
    AND n.nspname NOT IN ('pg_catalog', 'information_schema')
    AND n.nspname NOT LIKE 'pg\_toast%' AND n.nspname NOT LIKE 'pg\_temp%'")" ||
  fail "cannot connect to the database in DATABASE_URL."
[[ "$relations" == 0 ]] ||
  fail "the database '$(basename "${DATABASE_URL%%\?*}")' is not empty ($relations tables, sequences or views). Restore only into a new, empty database (createdb)."
if [[ -d "$MEDIA_ROOT" && -n "$(find "$MEDIA_ROOT" -mindepth 1 -print -quit)" ]]; then
  fail "MEDIA_ROOT '$MEDIA_ROOT' is not empty. Restore the media files only into an empty folder."
fi

pg_command pg_restore PG_RESTORE
"${PG_CMD[@]}" --no-owner --no-acl --single-transaction --exit-on-error --dbname="$DATABASE_URL" \
  <"$backup/database.dump" || fail "pg_restore failed (see above); the database was left as it was."

mkdir -p "$MEDIA_ROOT"
tar -C "$MEDIA_ROOT" -xzf "$backup/media.tar.gz"
[[ ! -s "$backup/media.sha256" ]] || (cd "$MEDIA_ROOT" && sha256sum --quiet --check "$backup/media.sha256") >&2 ||
  fail "the unpacked media files in '$MEDIA_ROOT' do not match media.sha256 (see above)."

psql_query "$MIGRATIONS_SQL" | cmp --quiet - "$backup/migrations.tsv" ||
  fail "the restored database's migrations differ from migrations.tsv of the backup."

echo "Restored $(basename "$backup") into $(basename "${DATABASE_URL%%\?*}") and $MEDIA_ROOT; every sum matches."
echo "If the code is newer than the backup, run 'python manage.py migrate' next."
