#!/usr/bin/env bash
# Install what the recorder and the tests need from Debian's packages and
# pip or npm cannot bring: chromium (browser tests) and libnats-dev (the C
# examples). Nothing is done when they are there already. Needs root (or
# sudo, as on GitHub's runners). valgrind checks the C examples for leaks;
# the CLI examples read natscli's JSON output with jq.
set -euo pipefail
need=()
[ -x /usr/bin/chromium ] || [ "${NBE_NO_CHROMIUM:-}" = 1 ] || need+=(chromium)
[ -f /usr/include/nats/nats.h ] || need+=(libnats-dev)
command -v valgrind > /dev/null || need+=(valgrind)
command -v jq > /dev/null || need+=(jq)
if [ "${#need[@]}" -eq 0 ]; then
  exit 0
fi
sudo=""
if [ "$(id -u)" != 0 ]; then sudo="sudo"; fi
echo "ci: installing Debian's ${need[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${need[@]}" > /dev/null
