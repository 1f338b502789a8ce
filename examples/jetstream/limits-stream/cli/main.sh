#!/usr/bin/env bash
# natscli manages streams with `nats stream`: `add` creates one from flags,
# `state` reports what it holds, `rm` deletes it. This script fills a
# stream with the default *limits* retention past each of its three limits
# in turn, printing the state each time, then shows the `new` discard
# policy rejecting a publish.
set -euo pipefail

# Every `nats` command reads the server address from `NATS_URL`; set it
# here, with a fallback to a local server, so they all use the same one.
export NATS_URL="${NATS_URL:-nats://127.0.0.1:4222}"

# Start clean: delete the streams if an interrupted run left them. `nats
# stream rm -f` deletes without asking; for a stream that does not exist
# it fails with "stream not found", which is fine here.
for stream in EVENTS ORDERS; do
  nats stream rm -f "$stream" 2>/dev/null || true
done

# Print the part of the stream state that tells the story: how many
# messages and bytes are stored, and the sequence numbers of the oldest and
# the newest one still kept. `nats stream state --json` prints the state as
# JSON, and `jq` (the usual companion of natscli's JSON output) picks out
# the four numbers.
show() {
  local label=$1 stream=${2:-EVENTS} messages bytes first last
  read -r messages bytes first last < <(nats stream state "$stream" --json |
    jq -r '.state | "\(.messages) \(.bytes) \(.first_seq) \(.last_seq)"')
  printf '%-22s messages=%-2s bytes=%-4s first_seq=%-2s last_seq=%s\n' \
    "$label" "$messages" "$bytes" "$first" "$last"
}

# Create a stream capturing `events.>` with three limits at once: at most 10
# messages, at most 1000 bytes, and nothing older than one second. Limits
# retention is the default, and so is the discard policy `old`: when a new
# message would break a limit, the oldest messages are removed to make
# room. `--defaults` takes the default for every setting not given as a
# flag, where `nats stream add` would otherwise ask for each one. The
# report it prints (the configuration, and the time it was created) goes
# to /dev/null.
nats stream add EVENTS --subjects 'events.>' --max-msgs 10 --max-bytes 1000 \
  --max-age 1s --defaults > /dev/null

# Publish 15 small messages. `nats pub -J` publishes to JetStream: it waits
# for the stream's acknowledgement and fails if there is none. With
# `--count 15` it publishes 15 times, and `{{Count}}` in the subject and
# the body becomes the message's number. Every one is accepted, but only
# the last 10 are kept: in the output, `first_seq` has moved on to 6 while
# `last_seq` is 15. Sequence numbers are never reused.
nats pub -J --quiet 'events.click.{{Count}}' 'click {{Count}}' --count 15
show "after 15 small msgs:"

# Now two larger messages of 400 bytes each. Stored size counts the
# subject, headers and payload plus some overhead, so the byte limit bites
# first: the stream drops old messages until the total fits under 1000
# bytes, leaving far fewer than 10 messages.
nats pub -J --quiet 'events.upload.{{Count}}' "$(printf 'x%.0s' {1..400})" --count 2
show "after 2 large msgs:"

# Finally the age limit. Wait a little longer than one second and every
# message has expired. The stream is empty, and `first_seq` points one past
# `last_seq`: the next message published will get sequence 18.
sleep 1.5
show "after 1.5 s:"

# The other discard policy, `new`, turns a limit into back-pressure: a full
# stream keeps what it has and rejects the new message instead, so the
# publisher gets an error in its acknowledgement. Without `--quiet`, `nats
# pub -J` logs the acknowledgement on stderr (`Stored in Stream: ORDERS
# Sequence: 3`, after the time of day); a rejection makes it exit with
# status 1 and the error `nats: error: maximum messages exceeded (10077)`,
# the server's description and its JetStream error code.
nats stream add ORDERS --subjects 'orders.>' --max-msgs 3 --discard new --defaults > /dev/null
for i in 1 2 3 4; do
  if out=$(nats pub -J "orders.$i" order 2>&1); then
    echo "orders.$i stored as seq ${out##*Sequence: }"
  else
    error=${out##*error: }
    echo "orders.$i rejected: ${error% (*}"
  fi
done
show "ORDERS:" ORDERS

# Clean up: deleting a stream deletes its messages too.
for stream in EVENTS ORDERS; do
  nats stream rm -f "$stream"
done
