#!/usr/bin/env bash
# CI step: say what a change made stale, and why, input by input (program,
# meta, topology, client, server, recorder), in the log and in the job's
# summary. It never fails: the record jobs that follow do the work.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh > /dev/null
export NO_MKDOCS_2_WARNING=1
report="$(.venv/bin/nbe check --diff 2>&1 || true)"
echo "$report"
if [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then
  { echo "## nbe check"; echo; echo '```text'; echo "$report"; echo '```'; } >> "$GITHUB_STEP_SUMMARY"
fi
