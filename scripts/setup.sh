#!/usr/bin/env bash
# Set everything up, record every example whose recording is missing or
# stale (against nats-servers started here, on 127.0.0.1), build the site.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh
export NO_MKDOCS_2_WARNING=1
echo "setup: the languages this machine can record"
.venv/bin/nbe languages
echo "setup: recording what is missing or stale"
.venv/bin/nbe record
echo "setup: building the site into site/"
.venv/bin/mkdocs build --strict
echo "setup: done. Preview with: .venv/bin/mkdocs serve"
