#!/usr/bin/env bash
# Mirrors and sources let one stream be filled from others by the server
# itself. `nats stream add` declares them: `--mirror STREAM` for a mirror,
# `--source STREAM` (as often as needed) for sources, or a JSON config for
# what has no flag, such as a subject filter per source.
set -euo pipefail

# Every `nats` command reads the server address from `NATS_URL`; set it
# here, with a fallback to a local server, so they all use the same one.
export NATS_URL="${NATS_URL:-nats://127.0.0.1:4222}"

# Start clean: delete the five streams if an interrupted run left them,
# the copies before the streams they copy from (`rm -f` does not ask;
# "stream not found" is fine here).
streams=(PRIORITY ORDERS_ALL ORDERS_EU_BACKUP ORDERS_US ORDERS_EU)
for stream in "${streams[@]}"; do
  nats stream rm -f "$stream" 2>/dev/null || true
done

# Two origin streams, one per region, each taking orders on its own
# subjects. Each order is either `standard` or `priority`. `--defaults`
# takes the default for every setting not given, instead of asking; the
# report `nats stream add` prints goes to /dev/null. `nats pub -J` waits
# for the stream to store each order.
nats stream add ORDERS_EU --subjects 'orders.eu.>' --defaults > /dev/null
nats stream add ORDERS_US --subjects 'orders.us.>' --defaults > /dev/null
publish() {
  local region=$1 kind
  shift
  for kind in "$@"; do
    nats pub -J --quiet "orders.$region.$kind" "$region $kind order"
  done
}
publish eu standard priority standard
publish us priority standard standard priority
echo "published 3 orders to ORDERS_EU and 4 to ORDERS_US"

# A mirror is a read-only copy of exactly one stream: same messages, same
# sequence numbers. It has no subjects of its own, so nobody can publish
# into it. Mirrors serve as backups, or as read replicas placed closer to
# where the data is read.
nats stream add ORDERS_EU_BACKUP --mirror ORDERS_EU --defaults > /dev/null

# A stream with sources aggregates one or more streams, each message
# getting a new sequence in the aggregate. ORDERS_ALL combines both
# regions. PRIORITY takes only the priority orders from each, with a
# subject filter per source; the flags have no place for those filters,
# so it is created from a JSON configuration (`--config`, read here from
# the heredoc through `/dev/stdin`), the same document a program would
# send to the JetStream API.
nats stream add ORDERS_ALL --source ORDERS_EU --source ORDERS_US --defaults > /dev/null
nats stream add PRIORITY --config /dev/stdin > /dev/null <<'JSON'
{
  "name": "PRIORITY",
  "sources": [
    {"name": "ORDERS_EU", "filter_subject": "orders.eu.priority"},
    {"name": "ORDERS_US", "filter_subject": "orders.us.priority"}
  ]
}
JSON

# Copying happens in the background: the server runs an internal consumer
# for each mirror and source. So the script asks for each stream's message
# count (`nats stream state --json`, read with `jq`) every tenth of a
# second until the expected count arrives, for at most five seconds, and
# prints what it found.
wait_for() {
  local stream=$1 expected=$2 messages
  for _ in {1..50}; do
    messages=$(nats stream state "$stream" --json | jq .state.messages)
    (( messages >= expected )) && break
    sleep 0.1
  done
  echo "  $stream: $messages messages"
}
echo "message counts:"
wait_for ORDERS_EU_BACKUP 3
wait_for ORDERS_ALL 7
wait_for PRIORITY 3

# The mirror really is a copy: message 2 has the same subject and data in
# both streams. `nats stream get STREAM SEQ --json` fetches one message by
# its sequence, with the data in base64.
for stream in ORDERS_EU ORDERS_EU_BACKUP; do
  read -r subject data < <(nats stream get "$stream" 2 --json |
    jq -r '"\(.subject) \(.data | @base64d)"')
  printf "%-23s %s '%s'\n" "$stream seq 2:" "$subject" "$data"
done

# Mirrors and sources keep following their origins. Two new priority
# orders, one per region, flow into every stream that wants them.
publish eu priority
publish us priority
echo "published 1 more priority order to each region"
wait_for ORDERS_EU_BACKUP 4
wait_for ORDERS_ALL 9
wait_for PRIORITY 5

# Clean up: the copies first, then the streams they copy from.
for stream in "${streams[@]}"; do
  nats stream rm -f "$stream"
done
