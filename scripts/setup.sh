# Shared by serve.sh and test.sh (and safe to `source` by hand from any folder): a virtual
# environment with the project installed, a developer .env, and the Debian packages the app and
# its tests use (a CJK TrueType font for PDFs; Chromium and poppler-utils for the browser and PDF
# tests) when we are allowed to install them.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

PYTHON=${PYTHON:-python3.11}
command -v "$PYTHON" >/dev/null 2>&1 || PYTHON=python3

say() { echo "[setup] $*" >&2; }

apt_install() {
  # installs Debian packages if missing and if we are root (or have sudo without a password);
  # otherwise says which are missing and returns 1
  local missing=()
  for pkg in "$@"; do dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    if sudo -n true 2>/dev/null; then sudo="sudo -n"; else
      say "请安装 Debian 软件包 / please install: sudo apt-get install ${missing[*]}"; return 1
    fi
  fi
  say "installing Debian packages: ${missing[*]} (a minute or two)"
  $sudo apt-get update -qq >/dev/null || true
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
}

if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' 2>/dev/null; then
  say "Python 3.11 is needed ($PYTHON is $("$PYTHON" -V 2>&1)); see README 'Python 3.11' or set PYTHON=/path/to/python3.11"
  exit 1
fi

if [ ! -x .venv/bin/python ]; then
  say "creating the virtual environment in .venv/"
  if ! "$PYTHON" -m venv .venv 2>/dev/null; then
    apt_install python3-venv
    rm -rf .venv
    "$PYTHON" -m venv .venv
  fi
fi
stamp=.venv/.installed-$(sha1sum pyproject.toml | cut -c1-12)
if [ ! -f "$stamp" ]; then
  say "installing the project and its dependencies into .venv/ (about a minute the first time)"
  .venv/bin/python -m pip install -q --upgrade pip >/dev/null
  .venv/bin/python -m pip install -q -e '.[test]'
  rm -f .venv/.installed-* && touch "$stamp"
fi
if [ ! -f .env ]; then
  say "writing .env for this developer checkout (DEBUG=1); a server sets its variables itself"
  printf '# this checkout only (not committed): development mode for manage.py and the scripts\nDEBUG=1\n' > .env
fi
apt_install fonts-wqy-zenhei || true
