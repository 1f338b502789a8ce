#!/usr/bin/env bash
# An *interest* stream keeps a message only as long as some consumer still
# needs it. From a terminal that is `nats stream add --retention interest`,
# two `nats consumer add`, and `nats consumer next` to fetch and
# acknowledge, with the stream state printed after each step.
set -euo pipefail

# Every `nats` command reads the server address from `NATS_URL`; set it
# here, with a fallback to a local server, so they all use the same one.
export NATS_URL="${NATS_URL:-nats://127.0.0.1:4222}"

# Start clean: delete the stream if an interrupted run left it (`rm -f`
# does not ask; "stream not found" is fine here).
nats stream rm -f ORDERS 2>/dev/null || true

# A one-line summary of the stream: how many messages it holds, the range
# of sequence numbers they span, and how many consumers exist, picked out
# of `nats stream state --json` by `jq`.
show() {
  local messages first last consumers
  read -r messages first last consumers < <(nats stream state ORDERS --json |
    jq -r '.state | "\(.messages) \(.first_seq) \(.last_seq) \(.consumer_count)"')
  printf '%-28s messages=%s first_seq=%s last_seq=%s consumers=%s\n' \
    "$1" "$messages" "$first" "$last" "$consumers"
}

# `nats consumer next --ack` sends its acknowledgement and flushes it to
# the server, but does not wait for the server to act on it (it does not
# ask for the server's confirmation, as a program's "double ack" does).
# Before reading the stream state, wait until the consumer reports no
# acknowledgement outstanding: ask `nats consumer info --json` every tenth
# of a second, for at most five seconds.
wait_acked() {
  for _ in {1..50}; do
    (( $(nats consumer info ORDERS "$1" --json | jq .num_ack_pending) == 0 )) && return 0
    sleep 0.1
  done
  echo "$1 still has acknowledgements pending" >&2
  return 1
}

# Create the stream with interest retention. Think of it as fan-out with a
# safety net: each service that cares about orders gets its own consumer,
# and a message is deleted once *every* consumer has acknowledged it, so
# nothing is stored for longer than needed. `--defaults` takes the default
# for every setting not given, instead of asking; the report `nats stream
# add` prints goes to /dev/null.
nats stream add ORDERS --subjects 'orders.>' --retention interest --defaults > /dev/null

# With no consumers there is no interest at all. The stream still
# acknowledges each publish (`nats pub -J` waits for that) and assigns it a
# sequence number, but does not keep the message: the state shows 0
# messages and `first_seq` already past them. `{{Count}}` in the subject
# and body is the message's number within `--count`.
nats pub -J --quiet 'orders.{{Count}}' 'order {{Count}}' --count 3
show "3 published, no consumers:"

# Interest means consumers defined on the stream, not clients that happen
# to be connected. Two durable pull consumers, one for billing and one for
# shipping, now each want every order: `--pull` makes a pull consumer,
# `--ack explicit` asks for an acknowledgement of each message, and
# `--deliver all` starts at the first message the stream holds.
for name in billing shipping; do
  nats consumer add ORDERS "$name" --pull --filter 'orders.>' --ack explicit \
    --deliver all --defaults > /dev/null
done

# Three more orders, one `nats pub` each and numbered by the shell (a new
# `--count` would number them from 1 again).
for i in 4 5 6; do
  nats pub -J --quiet "orders.$i" "order $i"
done
show "3 published, 2 consumers:"

# Billing processes and acknowledges all three: `nats consumer next`
# fetches one message per `--count` and acknowledges each (`--ack` is its
# default); `--raw` prints only the payloads, thrown away here. Nothing is
# removed yet, because shipping has not acknowledged them.
nats consumer next ORDERS billing --count 3 --raw > /dev/null
wait_acked billing
show "billing acked 3:"

# As soon as shipping acknowledges a message, the last interest in it is
# gone and the stream deletes it, one by one.
nats consumer next ORDERS shipping --raw > /dev/null
wait_acked shipping
show "shipping acked 1:"
nats consumer next ORDERS shipping --count 2 --raw > /dev/null
wait_acked shipping
show "shipping acked 3:"

# Removing a consumer removes its interest too. Billing acknowledges two
# new orders that shipping never reads; deleting the shipping consumer
# (`nats consumer rm -f`, again without asking) releases them, and the
# stream is empty again.
for i in 7 8; do
  nats pub -J --quiet "orders.$i" "order $i"
done
nats consumer next ORDERS billing --count 2 --raw > /dev/null
wait_acked billing
show "2 more, billing acked them:"
nats consumer rm -f ORDERS shipping
show "shipping consumer deleted:"

# Clean up: deleting the stream deletes its consumers too.
nats stream rm -f ORDERS
