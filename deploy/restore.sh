#!/usr/bin/env bash
# Restore a backup of deploy/backup.sh into an empty database and an empty media folder, then prove it
# (docs/operations.md, ../shared/SECURITY.md T58):
#   - the dump's checksum matches the manifest; pg_restore into the target (which must have no tables);
#   - rows per table equal those counted when the backup was taken (counts.tsv), for every table;
#   - every media file of the backup is back with its size;
#   - with --check (default when the code is here), deploy/restore_check.py: no migration left unapplied, every file
#     the database refers to exists, every issued PDF's SHA-256 equals the one stored, each /verify/ page shows it.
# Without the age secret key nothing can be read: the restore stops at the first step.
#
# Usage: deploy/restore.sh --identity KEYFILE --database-url URL --media-root DIR [--env FILE] [--no-check]
#                          [--jobs N] BACKUP.tar.age
#   KEYFILE   the operator's age secret key (age-keygen), never kept on the server being backed up
#   URL       postgresql://… of an existing, empty database (createdb it first). A URL with a password is visible to
#             every local user in ps while the script runs: give it in RESTORE_DATABASE_URL instead (or keep the
#             password in ~/.pgpass and leave it out of the URL)
#   DIR       a media folder that does not exist yet or is empty; it is created next to the staging folder
#   FILE      environment of the settings for the check (default /etc/portal/portal.env; DATABASE_URL and MEDIA_ROOT
#             are replaced by the targets above)
# Prints a summary and the elapsed time; exits non-zero at the first failed step.
set -euo pipefail
umask 027

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
app_dir="$(dirname "$here")"
env_file="${PORTAL_ENV_FILE:-/etc/portal/portal.env}"
identity="" target_url="${RESTORE_DATABASE_URL:-}" media_root="" backup="" check=auto jobs=2

die() { echo "restore.sh: $*" >&2; exit 1; }
log() { echo "restore.sh: $*" >&2; }

while [ $# -gt 0 ]; do
  case "$1" in
    --identity) identity="$2"; shift 2 ;;
    --database-url) target_url="$2"; shift 2
      [[ "$target_url" =~ ^[a-z]+://[^/@]*:[^/@]+@ ]] \
        && log "warning: the password in --database-url is visible in ps; use RESTORE_DATABASE_URL or ~/.pgpass" ;;
    --media-root) media_root="$2"; shift 2 ;;
    --env) env_file="$2"; shift 2 ;;
    --jobs) jobs="$2"; shift 2 ;;
    --check) check=yes; shift ;;
    --no-check) check=no; shift ;;
    -h|--help) sed -n '2,22p' "${BASH_SOURCE[0]}"; exit 0 ;;
    -*) die "unknown option: $1 (see --help)" ;;
    *) [ -z "$backup" ] || die "one backup file only"; backup="$1"; shift ;;
  esac
done
[ -n "$backup" ] && [ -n "$identity" ] && [ -n "$target_url" ] && [ -n "$media_root" ] \
  || die "usage: restore.sh --identity KEYFILE --database-url URL (or RESTORE_DATABASE_URL) --media-root DIR BACKUP.tar.age"
[ -f "$backup" ] || die "no such backup: $backup"
[ -r "$identity" ] || die "cannot read the age secret key $identity"
[[ "$jobs" =~ ^[1-9][0-9]?$ ]] || die "--jobs must be 1 to 99"
. "$here/env.sh"
# db_url is the address without its password, which goes to PGPASSWORD: never on a command line (ps, /proc).
libpq_connect "$target_url" || die "--database-url must be a PostgreSQL address"
for tool in pg_restore psql tar age sha256sum; do
  command -v "$tool" >/dev/null || die "$tool is not installed (Debian: postgresql-client, tar, age, coreutils)"
done

started_ms=$(date +%s%3N)
elapsed() { local ms=$(($(date +%s%3N) - started_ms)); printf '%d.%d s' $((ms / 1000)) $((ms % 1000 / 100)); }
step() { log "$(elapsed)  $*"; }

# The target must be empty: a restore never overwrites anything.
tables=$(psql -X -q -A -t -v ON_ERROR_STOP=1 -d "$db_url" \
  -c "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind IN ('r', 'p') AND n.nspname = current_schema();") || die "cannot connect to the target database"
[ "$tables" = 0 ] || die "the target database already has $tables tables: restore into a new, empty database"
if [ -e "$media_root" ]; then
  [ -d "$media_root" ] && [ -z "$(ls -A "$media_root")" ] || die "$media_root exists and is not an empty folder"
  rmdir "$media_root"
fi
mkdir -p "$(dirname "$media_root")"
media_root="$(realpath -m "$media_root")"

# 1. Decrypt and unpack next to the media folder (same file system: the media move in with one rename).
staging="$(mktemp -d "$(dirname "$media_root")/.portal-restore.XXXXXX")"
trap 'rm -rf "$staging"' EXIT
set +e
age --decrypt --identity="$identity" "$backup" | tar --extract --file=- -C "$staging" --no-same-owner
status=("${PIPESTATUS[@]}")
set -e
[ "${status[0]}" -eq 0 ] || die "cannot decrypt $backup with $identity (wrong key or damaged file)"
[ "${status[1]}" -eq 0 ] || die "the backup's archive is damaged"
for piece in manifest.txt counts.tsv media-files.tsv database.dump media; do
  [ -e "$staging/$piece" ] || die "the backup has no $piece"
done
grep -q '^format: portal-backup 1$' "$staging/manifest.txt" || die "not a backup of deploy/backup.sh"
expected="$(sed -n 's/^database.dump sha256: //p' "$staging/manifest.txt")"
[ "$(sha256sum "$staging/database.dump" | cut -d' ' -f1)" = "$expected" ] || die "database.dump does not match its checksum"
step "decrypted and unpacked ($(sed -n 's/^created: //p' "$staging/manifest.txt"), code $(sed -n 's/^code: //p' "$staging/manifest.txt"))"

# 2. Database: owners and grants of the source are not recreated (the target's user owns everything).
pg_restore --no-owner --no-privileges --exit-on-error --jobs="$jobs" -d "$db_url" "$staging/database.dump" \
  || die "pg_restore failed"
step "database restored"
psql -X -q -A -t -v ON_ERROR_STOP=1 -d "$db_url" -f "$here/sql/row_counts.sql" >"$staging/restored-counts.tsv"
if ! diff -u "$staging/counts.tsv" "$staging/restored-counts.tsv" >"$staging/counts.diff"; then
  cat "$staging/counts.diff" >&2
  die "rows per table differ from the backup's counts (above)"
fi
step "rows per table equal the backup's: $(wc -l <"$staging/counts.tsv") tables, $(awk -F'\t' '{ s += $2 } END { print s + 0 }' "$staging/counts.tsv") rows"

# 3. Media.
mv "$staging/media" "$media_root"
(cd "$media_root" && find . -type f -printf '%P\t%s\n' | LC_ALL=C sort) >"$staging/restored-files.tsv"
if ! diff -q "$staging/media-files.tsv" "$staging/restored-files.tsv" >/dev/null; then
  diff -u "$staging/media-files.tsv" "$staging/restored-files.tsv" | head -40 >&2
  die "media files differ from the backup's list (above)"
fi
step "media restored: $(wc -l <"$staging/media-files.tsv") files"

# 4. The application's own check, with the code of this tree.
python="${PORTAL_PYTHON:-$app_dir/.venv/bin/python}"
if [ "$check" = auto ]; then
  if [ -x "$python" ] && [ -f "$app_dir/manage.py" ]; then check=yes; else check=no; fi
fi
if [ "$check" = yes ]; then
  load_env_file "$env_file"
  export DATABASE_URL="$target_url" MEDIA_ROOT="$media_root"
  (cd "$app_dir" && "$python" "$here/restore_check.py") \
    || die "the restored data failed the check (above; unapplied migrations: the backup is older than this code, check out code $(sed -n 's/^code: //p' "$staging/manifest.txt") or run manage.py migrate)"
  step "application check passed"
fi
shown_url="$(printf '%s' "$target_url" | sed -E 's#//([^:/@]+):[^@]*@#//\1:***@#')"
log "restore complete in $(elapsed): database $shown_url, media $media_root"
