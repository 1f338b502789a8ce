#!/usr/bin/env bash
# CI step: record what is missing or stale in one language's share of the
# tree, then copy the recordings it made into OUTDIR (an artifact for the
# build job, and for a maintainer to commit). Fails if a recording failed.
#
#   scripts/ci-record.sh <language> [K/N] [OUTDIR]
set -euo pipefail
cd "$(dirname "$0")/.."
language="${1:?usage: scripts/ci-record.sh <language> [K/N] [OUTDIR]}"
shard="${2:-1/1}"
outdir="${3:-recordings}"
bash scripts/install.sh > /dev/null
export NO_MKDOCS_2_WARNING=1
status=0
.venv/bin/nbe record --language "$language" --shard "$shard" --jobs 2 \
  --summary "${GITHUB_STEP_SUMMARY:-/dev/null}" || status=$?
mkdir -p "$outdir"
# Every output file this job wrote or changed, with its path in the tree.
git ls-files --modified --others --exclude-standard -- 'examples/*/*/*/output.*' |
  while IFS= read -r file; do
    mkdir -p "$outdir/$(dirname "$file")"
    cp "$file" "$outdir/$file"
  done
echo "ci: $(find "$outdir" -type f | wc -l) recording file(s) in $outdir"
exit "$status"
