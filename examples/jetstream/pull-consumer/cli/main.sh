#!/usr/bin/env bash
# A pull consumer hands out messages only when asked. From a terminal, `nats
# consumer add --pull` creates one and `nats consumer next` asks it for
# messages, acknowledging each; `nats consumer info` shows the server's
# view of its progress. This script works through ten orders that way.
set -euo pipefail

# Every `nats` command reads the server address from `NATS_URL`; set it
# here, with a fallback to a local server, so they all use the same one.
export NATS_URL="${NATS_URL:-nats://127.0.0.1:4222}"

# Start clean: delete the stream if an interrupted run left it (`rm -f`
# does not ask; "stream not found" is fine here).
nats stream rm -f ORDERS 2>/dev/null || true

# A stream of ten orders to work through. `--defaults` takes the default
# for every setting not given as a flag, instead of asking. `nats pub -J`
# waits for the stream's acknowledgement of each message; with `--count
# 10`, `{{Count}}` numbers them 1 to 10.
nats stream add ORDERS --subjects 'orders.>' --defaults > /dev/null
nats pub -J --quiet 'orders.{{Count}}' 'order {{Count}}' --count 10

# Consumer info is the server's view of a consumer's progress, here read
# from `nats consumer info --json` with `jq`:
# - `delivered`: the last stream sequence handed out;
# - `ack_floor`: the sequence up to which *everything* is acknowledged;
# - `num_ack_pending`: delivered but not yet acknowledged;
# - `num_pending`: still waiting in the stream, never delivered.
info() {
  nats consumer info ORDERS processor --json |
    jq -r '"\(.delivered.stream_seq) \(.ack_floor.stream_seq) \(.num_ack_pending) \(.num_pending)"'
}
show() {
  local delivered floor ack_pending pending
  read -r delivered floor ack_pending pending < <(info)
  printf '  %-14s delivered=%-2s ack_floor=%s num_ack_pending=%s num_pending=%s\n' \
    "$1" "$delivered" "$floor" "$ack_pending" "$pending"
}

# `nats consumer next` sends its acknowledgement without waiting for the
# server to act on it, so before showing the info, wait until the server
# counts the expected number of messages in flight (asking every tenth of
# a second, for at most five seconds).
wait_ack_pending() {
  for _ in {1..50}; do
    (( $(nats consumer info ORDERS processor --json | jq .num_ack_pending) == $1 )) && return 0
    sleep 0.1
  done
  echo "the consumer never had $1 acknowledgements pending" >&2
  return 1
}

# Fetch: `nats consumer next ORDERS processor --count N` makes N pull
# requests of one message each, and acknowledges each message unless told
# `--no-ack`. For every delivery it prints `[time] subj: orders.1 / tries:
# 1 / cons seq: 1 / str seq: 1 / ...`; `awk` keeps the subject and the
# stream sequence.
fetch() {
  nats consumer next ORDERS processor "$@" |
    awk '/ subj: / { printf "%s%s (seq %s)", sep, $3, $14; sep = ", " } END { print "" }'
}

# Create a durable pull consumer named `processor`. A durable consumer
# lives on the server: its position outlives every client that reads from
# it. `--ack explicit` wants an acknowledgement for each message,
# `--deliver all` starts at the beginning of the stream, and `--wait 1s`
# sets the ack wait: a message not acknowledged within a second of its
# delivery is delivered again (the default is 30 seconds). Nothing is
# delivered until someone asks.
nats consumer add ORDERS processor --pull --ack explicit --deliver all --wait 1s \
  --defaults > /dev/null
show "new consumer:"

# The first batch: four messages, each acknowledged.
echo "batch 1: $(fetch --count 4)"
wait_ack_pending 0
show "acked 4 of 4:"

# The next batch is only half acknowledged: two messages are fetched with
# `--no-ack`, as if the worker stopped before finishing them. Notice that
# `delivered` has moved to 8 while `ack_floor` stops at 6: two messages
# are out, unacknowledged.
batch=$(fetch --count 2)
batch+=", $(fetch --count 2 --no-ack)"
echo "batch 2: $(sed 's/ (seq [0-9]*)//g' <<<"$batch")"
wait_ack_pending 2
show "acked 2 of 4:"

# A program would acknowledge them a moment later. `nats consumer next`
# cannot: the process that fetched them has exited. But the server has not
# forgotten them. Once their ack wait has passed (the script waits it
# out, with half a second to spare), they are the first messages the
# consumer hands out, ahead of the orders never delivered: delivered again
# (`tries: 2`), and this time acknowledged. The position, with everything
# in flight, is kept on the server.
sleep 1.5
fetch --count 2 > /dev/null
wait_ack_pending 0
show "acked 4 of 4:"

# Every `nats consumer next` is a new connection that finds the consumer
# by name, so each one has been a "restart": the consumer resumes exactly
# where the last one left off. Ask for as many messages as `num_pending`
# says are left (a request beyond that would wait for a message, and fail
# after its timeout).
read -r _ _ _ pending < <(info)
echo "after rebind: $(fetch --count "$pending" | sed 's/ (seq [0-9]*)//g')"
wait_ack_pending 0
show "acked 2 of 2:"

# Clean up: deleting the stream deletes the durable consumer too.
nats stream rm -f ORDERS
