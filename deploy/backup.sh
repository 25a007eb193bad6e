#!/usr/bin/env bash
# Encrypted backup of the portal (docs/operations.md): one file portal-<UTC time>.tar.age in BACKUP_DIR holding
#   database.dump     pg_dump -Fc of DATABASE_URL
#   counts.tsv        rows per table, counted in the same snapshot as the dump (restore.sh compares them)
#   media/            MEDIA_ROOT: generated PDFs, photos, seals, imported workbooks
#   media-files.tsv   every media file with its size
#   manifest.txt      time, host, code version, migrations, checksum of the dump
# encrypted with age to the public keys in BACKUP_RECIPIENTS: this server cannot read its own backups; the secret
# key stays with the operator (and is needed by restore.sh). Backups older than BACKUP_RETENTION_DAYS are deleted
# after a successful one; the newest is always kept.
#
# Usage: deploy/backup.sh [--env FILE] [--dir DIR] [--recipients FILE] [--retention-days N]
# Reads DATABASE_URL, VAR_DIR, MEDIA_ROOT and BACKUP_* from the environment, or from FILE (default
# /etc/portal/portal.env) for those not set. Needs pg_dump and psql (the server's major version or newer), tar, age.
# Prints the backup's path on the last line. Run daily by deploy/systemd/portal-backup.timer.
set -euo pipefail
umask 077

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
app_dir="$(dirname "$here")"
env_file="${PORTAL_ENV_FILE:-/etc/portal/portal.env}"

die() { echo "backup.sh: $*" >&2; exit 1; }
log() { echo "backup.sh: $*" >&2; }

while [ $# -gt 0 ]; do
  case "$1" in
    --env) env_file="$2"; shift 2 ;;
    --dir) BACKUP_DIR="$2"; shift 2 ;;
    --recipients) BACKUP_RECIPIENTS="$2"; shift 2 ;;
    --retention-days) BACKUP_RETENTION_DAYS="$2"; shift 2 ;;
    -h|--help) sed -n '2,17p' "${BASH_SOURCE[0]}"; exit 0 ;;
    *) die "unknown argument: $1 (see --help)" ;;
  esac
done

# shellcheck source=deploy/env.sh
. "$here/env.sh"
load_env_file "$env_file"

: "${DATABASE_URL:?DATABASE_URL is not set (PostgreSQL only)}"
VAR_DIR="${VAR_DIR:-$app_dir/var}"
MEDIA_ROOT="${MEDIA_ROOT:-$VAR_DIR/media}"
BACKUP_DIR="${BACKUP_DIR:-/var/backups/portal}"
BACKUP_RECIPIENTS="${BACKUP_RECIPIENTS:-/etc/portal/backup-recipients.txt}"
BACKUP_RETENTION_DAYS="${BACKUP_RETENTION_DAYS:-14}"
[[ "$BACKUP_RETENTION_DAYS" =~ ^[0-9]+$ ]] && [ "$BACKUP_RETENTION_DAYS" -ge 1 ] \
  || die "BACKUP_RETENTION_DAYS must be a whole number of days, 1 or more"
# db_url is the address without its password, which goes to PGPASSWORD: never on a command line (ps, /proc).
libpq_connect "$DATABASE_URL" || die "DATABASE_URL is not a PostgreSQL address"
for tool in pg_dump psql tar age sha256sum; do
  command -v "$tool" >/dev/null || die "$tool is not installed (Debian: postgresql-client, tar, age, coreutils)"
done
[ -s "$BACKUP_RECIPIENTS" ] || die "no age public keys in $BACKUP_RECIPIENTS (age-keygen -y <secret key file>)"
[ -d "$MEDIA_ROOT" ] || die "MEDIA_ROOT $MEDIA_ROOT is not a directory"
mkdir -p "$BACKUP_DIR"

started=$(date +%s)
stamp="$(date -u +%Y%m%dT%H%M%SZ)"
target="$BACKUP_DIR/portal-$stamp.tar.age"
work="$(mktemp -d "$BACKUP_DIR/.portal-$stamp.XXXXXX")"
psql_pid=""
cleanup() {
  [ -n "$psql_pid" ] && kill "$psql_pid" 2>/dev/null || true
  rm -rf "$work" "$target.part"
}
trap cleanup EXIT

# 1. Database: a REPEATABLE READ transaction exports its snapshot; pg_dump dumps exactly that snapshot and the
#    row counts are taken in it too, so counts.tsv describes the dump, whatever was written meanwhile.
mkfifo "$work/sql.in" "$work/sql.out"
psql -X -q -A -t -v ON_ERROR_STOP=1 -d "$db_url" <"$work/sql.in" >"$work/sql.out" 2>"$work/psql.err" &
psql_pid=$!
exec 7>"$work/sql.in" 8<"$work/sql.out"
query() {  # query SQL: run it in the open transaction, print its rows
  printf '%s\n\\echo __end__\n' "$1" >&7
  local line
  while IFS= read -r line <&8; do
    [ "$line" = "__end__" ] && return 0
    printf '%s\n' "$line"
  done
  die "psql stopped: $(cat "$work/psql.err")"
}
query "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY;" >/dev/null
snapshot="$(query "SELECT pg_export_snapshot();")"
[ -n "$snapshot" ] || die "could not export a snapshot: $(cat "$work/psql.err")"
pg_dump --format=custom --snapshot="$snapshot" --file="$work/database.dump" -d "$db_url" \
  || die "pg_dump failed"
query "$(cat "$here/sql/row_counts.sql")" >"$work/counts.tsv"
migrations="$(query "SELECT app || ' ' || max(name) FROM django_migrations GROUP BY app ORDER BY app;")"
query "COMMIT;" >/dev/null
exec 7>&- 8<&-
wait "$psql_pid" || die "psql failed: $(cat "$work/psql.err")"
psql_pid=""

# 2. Media, after the database: every file the dump refers to was written before it, so it is in the copy.
(cd "$MEDIA_ROOT" && find . -type f -printf '%P\t%s\n' | LC_ALL=C sort) >"$work/media-files.tsv"
media_files=$(wc -l <"$work/media-files.tsv")
media_bytes=$(awk -F'\t' '{ s += $2 } END { print s + 0 }' "$work/media-files.tsv")

version="$(git -c safe.directory="$app_dir" -C "$app_dir" rev-parse HEAD 2>/dev/null || echo unknown)"
{
  echo "format: portal-backup 1"
  echo "created: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "host: $(hostname)"
  echo "code: $version"
  echo "pg_dump: $(pg_dump --version)"
  echo "database.dump sha256: $(sha256sum "$work/database.dump" | cut -d' ' -f1)"
  echo "tables: $(wc -l <"$work/counts.tsv")"
  echo "media files: $media_files"
  echo "media bytes: $media_bytes"
  echo "migrations:"
  printf '  %s\n' "$migrations"
} >"$work/manifest.txt"

# 3. One stream: tar of the pieces and of MEDIA_ROOT (renamed media/), encrypted on the way to the disk.
media_parent="$(dirname "$(realpath "$MEDIA_ROOT")")"
media_name="$(basename "$(realpath "$MEDIA_ROOT")")"
set +e
tar --create --file=- --warning=no-file-changed --warning=no-file-removed \
  -C "$work" manifest.txt counts.tsv media-files.tsv database.dump \
  -C "$media_parent" --transform="s|^$media_name\(/\|\$\)|media\1|" "$media_name" \
  | age --encrypt --recipients-file="$BACKUP_RECIPIENTS" --output="$target.part"
status=("${PIPESTATUS[@]}")
set -e
# tar exits 1 when a file changed while it was read (a new upload): that file is newer than the dump, not needed.
[ "${status[0]}" -le 1 ] || die "tar failed (exit ${status[0]})"
[ "${status[1]}" -eq 0 ] || die "age failed (exit ${status[1]})"
sync "$target.part" 2>/dev/null || true
mv "$target.part" "$target"

# 4. Retention: only after a successful backup, never the newest.
find "$BACKUP_DIR" -maxdepth 1 -type f -name 'portal-*.tar.age' -mtime "+$((BACKUP_RETENTION_DAYS - 1))" \
  ! -name "$(basename "$target")" -print -delete | sed 's/^/backup.sh: deleted (retention) /' >&2

log "$(wc -l <"$work/counts.tsv") tables, $media_files media files ($media_bytes bytes), $(stat -c %s "$target") bytes encrypted, $(($(date +%s) - started)) s"
echo "$target"
