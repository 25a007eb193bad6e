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

# libpq_connect URL: set db_url to URL without its password (libpq form, see libpq_url) and export the password,
# percent-decoded, as PGPASSWORD, so that no psql, pg_dump or pg_restore command line (readable by every local user
# in /proc/*/cmdline and ps) carries it. A URL without a password leaves PGPASSWORD (or ~/.pgpass) as it was.
libpq_connect() {
  local url scheme rest authority tail userinfo user password
  url="$(libpq_url "$1")" || return 1
  scheme="${url%%://*}"
  rest="${url#*://}"
  authority="${rest%%[/?]*}"
  tail="${rest:${#authority}}"
  if [[ "$authority" == *@* ]]; then
    userinfo="${authority%@*}"
    if [[ "$userinfo" == *:* ]]; then
      user="${userinfo%%:*}"
      password="${userinfo#*:}"
      password="${password//\\/\\\\}"  # a literal backslash stays one for printf %b
      printf -v PGPASSWORD '%b' "${password//%/\\x}"
      export PGPASSWORD
      authority="$user@${authority##*@}"
    fi
  fi
  db_url="$scheme://$authority$tail"
}
