# Shared by deploy/backup.sh and deploy/restore.sh (sourced, not run).

# Export NAME=value lines of an EnvironmentFile (/etc/portal/portal.env) without executing anything in it; a
# variable already set in the environment wins. A missing or unreadable file is skipped.
load_env_file() {
  local file="$1" line name value
  [ -r "$file" ] || return 0
  while IFS= read -r line || [ -n "$line" ]; do
    [[ "$line" =~ ^[[:space:]]*([A-Za-z_][A-Za-z0-9_]*)=(.*)$ ]] || continue
    name="${BASH_REMATCH[1]}"
    value="${BASH_REMATCH[2]}"
    if [[ "$value" =~ ^\"(.*)\"$ ]] || [[ "$value" =~ ^\'(.*)\'$ ]]; then
      value="${BASH_REMATCH[1]}"
    fi
    [ -n "${!name+x}" ] || export "$name=$value"
  done <"$file"
}

# DATABASE_URL as libpq (psql, pg_dump, pg_restore) takes it: dj-database-url also accepts pgsql://.
libpq_url() {
  case "$1" in
    postgresql://* | postgres://*) printf '%s\n' "$1" ;;
    pgsql://*) printf 'postgresql://%s\n' "${1#pgsql://}" ;;
    *) return 1 ;;
  esac
}
