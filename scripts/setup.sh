#!/usr/bin/env bash
# Installs everything the portal needs on a fresh Debian machine, idempotently:
#   Debian packages (when run as root): CJK fonts and HarfBuzz subsetting for WeasyPrint, gettext, and for tests
#   Debian's chromium and poppler-utils; a virtualenv in .venv with the pinned requirements; ECharts from npm;
#   compiled translations. Usage: scripts/setup.sh [runtime|dev]
set -euo pipefail
cd "$(dirname "$0")/.."
mode="${1:-runtime}"

runtime_debs=(fonts-noto-cjk fonts-arphic-ukai libharfbuzz-subset0 libpango-1.0-0 libpangoft2-1.0-0 gettext)
dev_debs=(chromium poppler-utils nginx age)  # nginx, age: tests/deploy (the production kit on loopback)
wanted=("${runtime_debs[@]}")
[ "$mode" = dev ] && wanted+=("${dev_debs[@]}")

missing=()
for pkg in "${wanted[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "==> Installing Debian packages: ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "!! Missing Debian packages: ${missing[*]} (run this script as root, or: sudo apt-get install ${missing[*]})" >&2
  fi
fi

if [ ! -x .venv/bin/python ]; then
  echo "==> Creating the virtualenv (.venv)"
  python3 -m venv .venv
fi
req=requirements.txt
[ "$mode" = dev ] && req=requirements-dev.txt
stamp=".venv/.installed-$(sha256sum "$req" requirements.txt | sha256sum | cut -c1-16)"
if [ ! -f "$stamp" ]; then
  echo "==> Installing Python packages ($req)"
  .venv/bin/python -m pip install -q --upgrade pip >/dev/null 2>&1 || true
  .venv/bin/python -m pip install -q -r "$req" 2>&1 | grep -v "^WARNING: Location" || true
  .venv/bin/python -c "import django, celery, weasyprint" 
  touch "$stamp"
fi

if command -v npm >/dev/null; then
  if [ ! -f node_modules/echarts/dist/echarts.min.js ] || [ ! -f node_modules/axe-core/axe.min.js ]; then
    echo "==> Installing front-end packages (npm ci)"
    npm ci --no-audit --no-fund --silent
  fi
else
  echo "!! npm not found: charts will not draw until 'npm ci' has been run (apt-get install npm)." >&2
fi

echo "==> Compiling Python bytecode"
# Every process (web, worker, its forked children) then reads .pyc files instead of compiling the project's modules at
# start: about 10 % of django.setup() where the code directory is read-only or PYTHONDONTWRITEBYTECODE is set
# (benchmarks/README.md, cold start). -j 0: all CPUs; the virtualenv's packages were compiled by pip.
.venv/bin/python -m compileall -q -j 0 -x '(^|/)(\.venv|\.git|node_modules|var)(/|$)' . >/dev/null \
  || echo "!! compileall reported errors: those modules compile at import instead" >&2

echo "==> Compiling translations"
DEBUG=1 .venv/bin/python manage.py compilemessages -l zh_Hans --ignore=.venv --ignore=node_modules -v0
