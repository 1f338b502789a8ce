#!/usr/bin/env bash
# `nats sub` takes a subject pattern exactly like a program's subscribe
# call: `nats sub 'orders.>'` is the quickest way to watch a whole family
# of subjects from a terminal. This script starts four subscribers, one
# per pattern, publishes to five subjects, and prints which subscriber
# received which subject.
set -euo pipefail

# Every `nats` command reads the server address from `NATS_URL`; set it
# here, with a fallback to a local server, so they all use the same one.
export NATS_URL="${NATS_URL:-nats://127.0.0.1:4222}"

# The background subscribers are ended by this trap when the script exits.
pids=()
trap 'kill "${pids[@]}" 2>/dev/null || true' EXIT

# `nats sub` prints nothing once its subscription is in place, so the
# script asks the server instead. `nats trace SUBJECT` sends a trace
# message that the server routes but does not deliver, and lists every
# subscription that would have received it, by connection name. Asking
# every tenth of a second, for at most five seconds, makes "wait until
# this subscriber listens" a condition with a deadline.
wait_for_listener() {
  local name=$1 subject=$2
  for _ in {1..50}; do
    [[ $(nats trace "$subject") == *"Client \"$name\""* ]] && return 0
    sleep 0.1
  done
  echo "$name is not listening on $subject" >&2
  return 1
}

# The four patterns:
#
# - `orders.*`: `orders` followed by exactly one more token.
# - `orders.*.shipped`: a `*` can stand in the middle, here for a region.
# - `orders.>`: everything below `orders`, however deep.
# - `*.eu.>`: wildcards combine; any first token, then `eu`, then at
#   least one more token.
#
# Quote them: an unquoted `*` is a wildcard for the shell too, and `>`
# would redirect the output to a file.
patterns=("orders.*" "orders.*.shipped" "orders.>" "*.eu.>")
subjects=(orders orders.new orders.eu.shipped orders.us.shipped orders.eu.paris.shipped)

# Each subscriber listens on its pattern and on `wildcards.done`, the
# subject the script publishes last. `--subjects-only` prints one line per
# message, `[#1] Received on "orders.new"`: the concrete subject the
# message was published to, not the pattern. `--connection-name` names the
# connection after its pattern, which is how `nats trace` reports it. Each
# subscriber's output is opened on a file descriptor that bash picks
# (`{fd}`), kept in `fds`.
#
# To check that it listens, trace a subject the pattern matches: each `*`
# and the `>` filled in with one token, `x`.
fds=()
for pattern in "${patterns[@]}"; do
  exec {fd}< <(nats sub --subjects-only --connection-name "$pattern" "$pattern" wildcards.done 2>/dev/null)
  pids+=("$!")
  fds+=("$fd")
  sample=${pattern//\*/x}
  wait_for_listener "$pattern" "${sample/>/x}"
done

# Publish an empty message to each subject, then to `wildcards.done`. The
# server compares each subject with every subscription and delivers a copy
# to each one that matches: a subject may match several patterns, or none.
# Each `nats pub` waits for the server to have its message before it
# exits, so the server handles them in this order, and every subscriber
# sees `wildcards.done` after everything else it was sent.
for subject in "${subjects[@]}" wildcards.done; do
  nats pub --quiet "$subject" ""
done

# Read each subscriber's lines up to `wildcards.done` and note, in `got`,
# every pattern-and-subject pair that arrived.
declare -A got
for i in "${!patterns[@]}"; do
  pattern=${patterns[i]}
  while read -r -t 5 line <&"${fds[i]}"; do
    subject=${line#*\"}
    subject=${subject%\"}
    [[ $subject == wildcards.done ]] && break
    got["$pattern $subject"]=yes
  done
done

# Print one row per subject and one column per pattern. Notice:
#
# - `orders` matches nothing: `*` and `>` both need at least one token.
# - `orders.eu.paris.shipped` has one token too many for
#   `orders.*.shipped`; a `*` never spans two tokens.
# - Only `orders.>` sees every order event.
row() {
  { printf '%-25s' "$1"; shift; printf '%-18s' "$@"; echo; } | sed 's/ *$//'
}
row subject "${patterns[@]}"
for subject in "${subjects[@]}"; do
  marks=()
  for pattern in "${patterns[@]}"; do
    marks+=("${got["$pattern $subject"]:--}")
  done
  row "$subject" "${marks[@]}"
done
