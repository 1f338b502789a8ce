#!/usr/bin/env bash
# JetStream drops a message it has already stored when the publisher gives
# each message a unique ID in the `Nats-Msg-Id` header. From a terminal
# that is `nats pub -J -H "Nats-Msg-Id: ..."`, and the acknowledgement
# `nats pub -J` logs says whether the stream took the message as new or as
# a duplicate.
set -euo pipefail

# Every `nats` command reads the server address from `NATS_URL`; set it
# here, with a fallback to a local server, so they all use the same one.
export NATS_URL="${NATS_URL:-nats://127.0.0.1:4222}"

# Start clean: delete the stream (and the IDs it remembers) if an
# interrupted run left it (`rm -f` does not ask; "stream not found" is fine
# here).
nats stream rm -f ORDERS 2>/dev/null || true

# The stream remembers message IDs for its *duplicate window*, two minutes
# by default. `--dupe-window 1s` shortens it to one second, so the script
# can show what happens when the window has passed. `--defaults` takes the
# default for every other setting, instead of asking.
nats stream add ORDERS --subjects 'orders.>' --dupe-window 1s --defaults > /dev/null

# `publish ORDER [ID]` publishes an order with `nats pub -J`, which waits
# for the stream's acknowledgement and logs it on stderr, after the time
# of day: `Stored in Stream: ORDERS Sequence: 1`, with ` Duplicate: true`
# added when the stream recognised the ID and stored nothing. The ID goes
# in the `Nats-Msg-Id` header (`-H`). It should come from the data itself
# (an order number, an event ID), so that a retry of the same message
# carries the same ID.
publish() {
  local order=$1 id=${2:-} ack seq label="no id" duplicate=false
  if [[ -n $id ]]; then
    ack=$(nats pub -J orders.new "order $order" -H "Nats-Msg-Id: $id" 2>&1)
    label="id $id"
  else
    ack=$(nats pub -J orders.new "order $order" 2>&1)
  fi
  seq=${ack##*Sequence: }
  if [[ $seq == *"Duplicate: true"* ]]; then
    duplicate=true
  fi
  echo "publish order $order ($label) -> seq ${seq%% *}, duplicate=$duplicate"
}
count() {
  echo "stream holds $(nats stream state ORDERS --json | jq .state.messages) message(s)"
}

# Two orders, two IDs, two stored messages.
publish 1001 order-1001
publish 1002 order-1002

# Now the publisher retries order 1001, as it would if the first publish
# had timed out waiting for its acknowledgement. The server recognises the
# ID, stores nothing, and answers with the sequence of the original
# message and the duplicate flag. The retry is safe.
publish 1001 order-1001
count

# Deduplication looks only at the ID, not at the content. Publishing the
# same payload without an ID stores it each time.
publish 1003
publish 1003
count

# The server forgets an ID once the duplicate window has passed (the
# script waits it out, with half a second to spare). After that, the same
# ID is accepted as a new message, so pick a window longer than your
# publishers may keep retrying.
sleep 1.5
echo "duplicate window passed"
publish 1001 order-1001
count

# Clean up: deleting the stream deletes its messages too.
nats stream rm -f ORDERS
