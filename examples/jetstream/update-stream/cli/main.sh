#!/usr/bin/env bash
# `nats stream edit` changes a live stream: each flag sets one field, and
# everything else keeps its current value. The server applies the new
# limits to the messages it already stores. This script changes a stream
# of orders step by step and prints its state after each change, with two
# changes the server refuses.
set -euo pipefail

# Every `nats` command reads the server address from `NATS_URL`; set it
# here, with a fallback to a local server, so they all use the same one.
export NATS_URL="${NATS_URL:-nats://127.0.0.1:4222}"

# Start clean: delete the stream if an interrupted run left it (`rm -f`
# does not ask; "stream not found" is fine here).
nats stream rm -f ORDERS 2>/dev/null || true

# After each step, print what the stream holds: how many messages, and the
# range of sequence numbers they span (`nats stream state --json`, read
# with `jq`).
show() {
  local messages first last
  read -r messages first last < <(nats stream state ORDERS --json |
    jq -r '.state | "\(.messages) \(.first_seq) \(.last_seq)"')
  printf '%-34s messages=%s first_seq=%s last_seq=%s\n' "$1" "$messages" "$first" "$last"
}

# `edit FLAGS...` runs `nats stream edit ORDERS` with the given flags; `-f`
# skips the confirmation it would ask for. It prints the differences
# between the old and the new configuration, thrown away here. When the
# server refuses the change, it exits with status 1 and prints `nats:
# error: could not edit Stream ORDERS: <reason> (<code>)`; `edit` then
# prints the reason.
edit() {
  local out reason
  if ! out=$(nats stream edit ORDERS -f "$@" 2>&1); then
    reason=${out##*ORDERS: }
    echo "refused: ${reason% (*}"
    return 1
  fi
}

# A stream with no limits, and ten orders from three regions. `--defaults`
# takes the default for every setting not given; `nats pub -J` waits for
# the stream to store each order.
nats stream add ORDERS --subjects 'orders.*' --defaults > /dev/null
regions=(eu us asia)
for i in {1..10}; do
  nats pub -J --quiet "orders.${regions[i % 3]}" "order $i"
done
show "created, 10 orders:"

# Lowering a limit applies at once to what is stored: the five oldest
# orders are removed to get down to five messages. The sequence numbers of
# the rest do not change.
edit --max-msgs 5
show "max_msgs=5:"

# With `--discard new`, a full stream refuses new messages instead of
# dropping old ones. The stream holds 5 of 5, so the next publish is
# rejected, and `nats pub -J` fails with the reason.
edit --discard new
if ! out=$(nats pub -J orders.eu "order 11" 2>&1); then
  error=${out##*error: }
  echo "discard=new, 5 of 5 stored: publish -> ${error% (*}"
fi

# `--max-msgs-per-subject 1` keeps only the newest message of each
# subject: the latest order per region.
edit --max-msgs-per-subject 1
show "max_msgs_per_subject=1:"

# Subjects can change too: `--subjects` replaces the list, so name the old
# subject with the new one. After adding `returns.*` the stream stores
# returns as well; the stored orders are untouched.
edit --subjects 'orders.*' --subjects 'returns.*'
nats pub -J --quiet returns.eu "return of order 9"
show "subjects + returns.*, 1 return:"

# Some settings are fixed once the stream exists: its name, its storage
# type, and whether it is a work queue. `nats stream edit` has no flag for
# the storage type, but `--config` takes a whole configuration as JSON:
# the current one from `nats stream info --json`, with `storage` changed
# by `jq`. The server refuses the update and nothing changes.
printf 'storage file -> memory: '
nats stream info ORDERS --json | jq '.config | .storage = "memory"' |
  edit --config /dev/stdin || true

# A change must also be consistent with the rest of the configuration. The
# duplicate window (2 minutes by default, see
# [Deduplication](../deduplication/index.md)) may not be longer than the
# maximum age, so a 1-second `--max-age` alone is refused...
printf 'max_age=1s: '
edit --max-age 1s || true

# ...and accepted together with a 1-second `--dupe-window`. The maximum age
# counts from when each message was stored, not from the update, so the
# stored messages expire as soon as they are a second old. The script
# polls the stream state every tenth of a second until it is empty, for at
# most five seconds. An empty stream reports `first_seq` one past
# `last_seq`: sequence numbers are never reused.
edit --max-age 1s --dupe-window 1s
for _ in {1..50}; do
  (( $(nats stream state ORDERS --json | jq .state.messages) == 0 )) && break
  sleep 0.1
done
show "max_age=1s, a moment later:"

# Clean up.
nats stream rm -f ORDERS
