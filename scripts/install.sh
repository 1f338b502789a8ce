#!/usr/bin/env bash
# Install what the project needs into ./.venv and ./node_modules. Quick when
# nothing changed: each step is skipped while its lock file is unchanged.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  echo "setup: creating .venv with $($PYTHON --version)"
  "$PYTHON" -m venv .venv
fi

stamp() { sha256sum "$@" | sha256sum | cut -c1-16; }

want="$(stamp pyproject.toml)"
if [ "$(cat .venv/.nbe-installed 2>/dev/null)" != "$want" ]; then
  echo "setup: installing the Python packages pinned in pyproject.toml"
  .venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
  echo "$want" > .venv/.nbe-installed
fi

want="$(stamp package.json package-lock.json)"
if [ "$(cat node_modules/.nbe-installed 2>/dev/null)" != "$want" ]; then
  echo "setup: installing the asciinema player pinned in package-lock.json"
  npm ci --no-audit --no-fund --loglevel=error
  echo "$want" > node_modules/.nbe-installed
fi
