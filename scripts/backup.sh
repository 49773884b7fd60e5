#!/usr/bin/env bash
# Backs up BRÅ-portalen: the PostgreSQL database and the stored (media) files, into TARGET/<UTC time>/:
#
#   database.dump   pg_dump --format=custom (restore with scripts/restore.sh, or pg_restore)
#   media.tar.gz    everything under MEDIA_ROOT
#   media.sha256    the SHA-256 of every media file, checked again after a restore
#   migrations.tsv  the applied Django migrations (app, name): the code version the dump belongs to
#   manifest.txt    when, from where, with which tools, how many files
#   SHA256SUMS      the sums of the five files above (`sha256sum -c SHA256SUMS` checks them)
#
# Usage: DATABASE_URL=postgres://USER:PASSWORD@HOST:PORT/NAME MEDIA_ROOT=/srv/media scripts/backup.sh TARGET
#
# The backup is written to TARGET/<time>.partial and renamed only when complete, so a folder named by time
# alone is always a whole backup. With BACKUP_KEEP_DAYS=N, complete backups in TARGET older than N days are
# deleted after a successful one. PG_BINDIR, PG_DUMP and PSQL: see scripts/backup_lib.sh.
# Exit status 0 when the backup is complete; otherwise non-zero, with the reason on standard error.
set -euo pipefail
source "$(dirname "$0")/backup_lib.sh"

[[ $# -eq 1 ]] || fail "usage: DATABASE_URL=… MEDIA_ROOT=… $0 TARGET_DIRECTORY"
require_environment
[[ -z "${BACKUP_KEEP_DAYS:-}" || "$BACKUP_KEEP_DAYS" =~ ^[0-9]+$ ]] || fail "BACKUP_KEEP_DAYS must be a whole number of days."
[[ -d "$MEDIA_ROOT" ]] || fail "MEDIA_ROOT '$MEDIA_ROOT' is not a directory."
target="$1"
mkdir -p "$target" || fail "cannot create the target directory '$target'."

stamp="$(date -u +%Y%m%dT%H%M%SZ)"
final="$target/$stamp"
partial="$final.partial"
[[ ! -e "$final" && ! -e "$partial" ]] || fail "'$final' already exists; wait a second and run again."
mkdir "$partial"
finish() {
  local status=$?
  if [[ $status -ne 0 ]]; then
    rm -rf "$partial"
    echo "$(basename "$0"): the backup failed (exit status $status); nothing was kept." >&2
  fi
}
trap finish EXIT
trap 'exit 130' INT TERM

# The database first: pg_dump reads one consistent snapshot. Media files are written once and rarely
# removed, so files that arrive while the archive is made are at worst extra.
pg_command pg_dump PG_DUMP
"${PG_CMD[@]}" --format=custom --dbname="$DATABASE_URL" >"$partial/database.dump"
psql_query "$MIGRATIONS_SQL" >"$partial/migrations.tsv"
[[ -s "$partial/migrations.tsv" ]] || fail "the database has no applied migrations; is DATABASE_URL the portal's database?"
server_version="$(psql_query 'SHOW server_version')"
dump_version="$("${PG_CMD[@]}" --version)"

(cd "$MEDIA_ROOT" && find . -type f -print0 | LC_ALL=C sort -z | xargs -0 -r sha256sum) >"$partial/media.sha256"
tar -C "$MEDIA_ROOT" -czf "$partial/media.tar.gz" .

cat >"$partial/manifest.txt" <<EOF
BRÅ-portalen backup $stamp
created_at: $(date -u +%Y-%m-%dT%H:%M:%SZ)
host: ${HOSTNAME:-unknown}
database: $(basename "${DATABASE_URL%%\?*}")
server_version: $server_version
pg_dump: $dump_version
media_root: $MEDIA_ROOT
media_files: $(wc -l <"$partial/media.sha256")
migrations: $(wc -l <"$partial/migrations.tsv") applied, the last: $(tail -n 1 "$partial/migrations.tsv" | tr '\t' ' ')
EOF
(cd "$partial" && sha256sum database.dump media.tar.gz media.sha256 migrations.tsv manifest.txt >SHA256SUMS)

mv "$partial" "$final"
trap - EXIT
echo "Backup complete: $final"

if [[ -n "${BACKUP_KEEP_DAYS:-}" ]]; then
  find "$target" -mindepth 1 -maxdepth 1 -type d -name '[0-9]*T[0-9]*Z' -mtime "+$BACKUP_KEEP_DAYS" \
    -print -exec rm -rf {} + | sed 's/^/Deleted old backup: /'
fi
