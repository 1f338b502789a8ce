#!/usr/bin/env bash
# Lint, type-check and run the whole test suite (real nats-servers, real
# ptys, real mkdocs builds, a real chromium). Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh
export NO_MKDOCS_2_WARNING=1
echo "test: ruff"
.venv/bin/ruff check recorder tests bench
echo "test: actionlint (the GitHub workflow)"
actionlint_version=v1.7.12
actionlint="${NBE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/nbe}/tools/actionlint-$actionlint_version/actionlint"
if [ ! -x "$actionlint" ]; then
  GOBIN="$(dirname "$actionlint")" GOFLAGS="" \
    go install "github.com/rhysd/actionlint/cmd/actionlint@$actionlint_version"
fi
"$actionlint" .github/workflows/*.yml
echo "test: mypy"
.venv/bin/mypy
echo "test: pytest"
.venv/bin/pytest "$@"
