#!/usr/bin/env bash
# Say in a sentence or two what this example shows and why it matters.
# Every comment block becomes a paragraph of the page, shown beside the
# commands that follow it, so write for a reader learning NATS with
# natscli (`nats`), and replace these hints as you go.
set -euo pipefail

# Every `nats` command reads the server address from `NATS_URL`; the
# recorder sets it, and the fallback is a local server.
export NATS_URL="${NATS_URL:-nats://127.0.0.1:4222}"

# Add the pid of anything you start in the background (`nats sub ... &`,
# `nats reply ... &`) to `pids` with `pids+=("$!")`: the trap ends it when
# the script exits, also when a command fails.
pids=()
trap 'kill "${pids[@]}" 2>/dev/null || true' EXIT

# Each `nats` command opens its own connection. `nats account info`
# connects and describes the account; the details vary from run to run,
# so they are dropped, but an unreachable server stops the script here.
nats account info > /dev/null

# Write the example here, one comment block before each step. Print
# labelled, deterministic lines with `echo`; `--raw` (sub, request) and
# `--quiet` (pub) keep natscli's timestamps and logs out of the output.
# Remove any stream, bucket or object you create before you create it and
# again at the end (`nats stream rm --force NAME 2>/dev/null || true`), so
# a second run prints the same.
echo "connected"

# Wait for the background processes that stop by themselves (`--count`),
# then say the script is done.
wait "${pids[@]}"
echo "done"
