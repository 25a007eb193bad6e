#!/usr/bin/env bash
# manage.py as the service user with the production environment, for the commands an operator runs by hand
# (migrate, collectstatic, createsuperuser, check --deploy, rotate_field_keys …): deploy/manage.sh migrate
# Reads /etc/portal/portal.env (or PORTAL_ENV_FILE) like the systemd units; run as root.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
app_dir="$(dirname "$here")"
env_file="${PORTAL_ENV_FILE:-/etc/portal/portal.env}"
user="${PORTAL_USER:-portal}"
[ -r "$env_file" ] || { echo "manage.sh: cannot read $env_file" >&2; exit 1; }
# shellcheck source=deploy/env.sh
. "$here/env.sh"
load_env_file "$env_file"
cd "$app_dir"
exec runuser -u "$user" --preserve-environment -- env PYTHONDONTWRITEBYTECODE=1 HOME=/nonexistent \
  "$app_dir/.venv/bin/python" manage.py "$@"
