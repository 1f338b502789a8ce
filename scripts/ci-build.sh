#!/usr/bin/env bash
# CI step: lay the recordings the record jobs made (RECORDINGS, a folder
# holding examples/...) over the tree, check that every recording is fresh,
# and build the site strictly into site/. NBE_SITE_URL and NBE_REPO_URL,
# when set, become the site's address and its repository link.
#
#   scripts/ci-build.sh [RECORDINGS]
set -euo pipefail
cd "$(dirname "$0")/.."
recordings="${1:-}"
bash scripts/install.sh > /dev/null
export NO_MKDOCS_2_WARNING=1
if [ -n "$recordings" ] && [ -d "$recordings/examples" ]; then
  # Only recorded outputs may come from an artifact, nothing else.
  (cd "$recordings" && find examples -type f -name 'output.*' -print0) |
    while IFS= read -r -d '' file; do
      cp "$recordings/$file" "$file"
    done
fi
.venv/bin/nbe check
.venv/bin/mkdocs build --strict
echo "ci: site built into site/ ($(find site -name '*.html' | wc -l) pages)"
