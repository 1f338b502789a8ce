#!/usr/bin/env bash
# Deterministic partitioning is done by the server: a subject mapping in
# its config (see server.conf next to this example) rewrites
# `orders.<customer>` to `orders.<customer>.<partition>`. From a terminal
# nothing changes for the publisher; this script publishes orders with
# `nats pub -J`, looks up the subject each one was stored under, and reads
# each partition through its own filtered pull consumer.
set -euo pipefail

# Every `nats` command reads the server address from `NATS_URL`; set it
# here, with a fallback to a local server, so they all use the same one.
export NATS_URL="${NATS_URL:-nats://127.0.0.1:4222}"

# Start clean: delete the stream if an interrupted run left it (`rm -f`
# does not ask; "stream not found" is fine here).
nats stream rm -f ORDERS 2>/dev/null || true

# The server maps `orders.<customer>` to `orders.<customer>.<partition>`
# before anything else sees the message, so the stream captures the mapped
# form, `orders.*.*`. `--defaults` takes the default for every setting not
# given, instead of asking.
nats stream add ORDERS --subjects 'orders.*.*' --defaults > /dev/null

# Publishers know nothing about partitions: they publish to
# `orders.<customer>` as usual. `nats pub -J` logs the stream's
# acknowledgement on stderr (`Stored in Stream: ORDERS Sequence: 1`, after
# the time of day), and `nats stream get ORDERS SEQ --json` fetches that
# message back, with the subject it was stored under: the partition number
# has been added as the last token. (`nats server mapping SOURCE
# DESTINATION SUBJECT` tries a mapping out locally, without a server.)
orders=(alice ivan dave bob alice judy erin ivan alice dave)
declare -A count
for customer in "${orders[@]}"; do
  count[$customer]=$(( ${count[$customer]:-0} + 1 ))
  order="$customer#${count[$customer]}"
  ack=$(nats pub -J "orders.$customer" "$order" 2>&1)
  stored=$(nats stream get ORDERS "${ack##*Sequence: }" --json | jq -r .subject)
  printf '%-18s on %-13s -> stored as %s\n' "published $order" "orders.$customer" "$stored"
done

# That is what makes partitions useful. One consumer per partition, each
# filtered on `orders.*.<n>`, can be read in parallel while every
# customer's orders still go to one consumer, in the order they were
# published.
#
# Per-key order holds under two conditions. Only one worker may read each
# partition's consumer: two workers pulling from it would split a
# customer's orders between them. And a message must not come back after
# later ones: a nak or an expired ack wait redelivers it behind them. A
# consumer created with `--max-pending 1` keeps order even then, at the
# price of one message in flight per partition.
#
# Each worker here asks its consumer how many messages wait for it
# (`num_pending` in `nats consumer info --json`) and fetches that many
# with `nats consumer next`, which acknowledges each; `--raw` prints only
# the payloads.
for partition in 0 1 2; do
  nats consumer add ORDERS "worker-$partition" --pull --filter "orders.*.$partition" \
    --ack explicit --deliver all --defaults > /dev/null
  pending=$(nats consumer info ORDERS "worker-$partition" --json | jq .num_pending)
  got=$(nats consumer next ORDERS "worker-$partition" --count "$pending" --raw | paste -sd, - | sed 's/,/, /g')
  echo "partition $partition worker got: $got"
done

# Clean up: deleting the stream deletes the consumers too.
nats stream rm -f ORDERS
