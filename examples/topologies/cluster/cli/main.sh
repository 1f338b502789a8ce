#!/usr/bin/env bash
# A cluster is a set of nats-servers joined by routes: a `nats` command may
# connect to any node and still reach every client on the others, and a
# stream can keep a copy on several nodes. This script runs against a
# three-node cluster, `n1` to `n3`, and picks the node for each command
# with `--server` (`-s`).
set -euo pipefail

# Every `nats` command reads the server list from `NATS_URL`. The runner
# of this example also gives each node's own URL, `NATS_URL_N1` to
# `NATS_URL_N3`; each falls back to a local server.
export NATS_URL="${NATS_URL:-nats://127.0.0.1:4222}"
n1=${NATS_URL_N1:-nats://127.0.0.1:4222}
n2=${NATS_URL_N2:-nats://127.0.0.1:4222}
n3=${NATS_URL_N3:-nats://127.0.0.1:4222}

# The responder runs in the background; this trap ends it if the script
# stops early.
pids=()
trap 'kill "${pids[@]}" 2>/dev/null || true' EXIT

# Core NATS across the cluster: a responder on n3, a requester on n1. `nats
# reply` logs `Listening on ...` once n3 has its subscription. The routes
# then tell n1 about it, but asynchronously: for a moment n1 may not have
# heard yet, and answers "no responders" (which `nats request` logs on
# stderr, exiting with status 0). So the requester tries again, every
# tenth of a second, for at most five seconds.
exec 3< <(nats reply -s "$n3" greet 'hello from a client on n3, to {{.Request}}' --count 1 2>&1 >/dev/null)
pids+=("$!")
while read -r line <&3; do
  [[ $line == *"Listening on"* ]] && break
done
for _ in {1..50}; do
  reply=$(nats request -s "$n1" --raw greet "a client on n1" 2>/dev/null) && [[ -n $reply ]] && break
  sleep 0.1
done
echo "client on n1 sent a request, reply: $reply"
cat <&3 > /dev/null
wait "${pids[@]}" || true

# JetStream: `--replicas 3` keeps a copy of the stream on three nodes. One
# of them is the stream's leader, elected with Raft; the other two are
# replicas that follow it. (Start clean: delete the stream if an
# interrupted run left it; `-f` does not ask, and "stream not found" is
# fine here.)
nats stream rm -f -s "$n1" ORDERS 2>/dev/null || true
nats stream add -s "$n1" ORDERS --subjects 'orders.>' --replicas 3 --defaults > /dev/null

# `nats stream info --json` shows the placement under `cluster`: the
# leader's name, and each replica's name and whether it is `current`. The
# leader is whichever node won the election, so it changes from run to
# run; the script prints what does not: one leader, two replicas, and
# together all three nodes. The replicas may need a moment to catch up, so
# it asks every tenth of a second until all are current, for at most ten
# seconds.
cluster() {
  nats stream info -s "$1" ORDERS --json 2>/dev/null | jq -c .cluster
}
for _ in {1..100}; do
  placement=$(cluster "$n1")
  jq -e '.leader and (.replicas | length == 2) and all(.replicas[]; .current)' \
    <<<"$placement" > /dev/null && break
  sleep 0.1
done
echo "stream ORDERS: stored on $(jq -r '[.leader, .replicas[].name] | sort | join(",")' <<<"$placement")"
echo "stream ORDERS: 1 leader (one of those), $(jq '.replicas | length' <<<"$placement") replicas, all current"

# Publish through n1. The acknowledgement `nats pub -J` waits for comes
# only after a majority of the three copies has stored the message; it
# logs it on stderr, `Stored in Stream: ORDERS Sequence: 1`, after the
# time of day.
for i in 1 2 3; do
  ack=$(nats pub -J -s "$n1" "orders.$i" "order $i" 2>&1)
  echo "published orders.$i via n1 -> stream ORDERS, seq ${ack##*Sequence: }"
done

# Ask the leader to step down, as if its server were going away: `nats
# stream cluster step-down` makes the request (through n2 here) and the
# replicas elect a new leader among themselves. It reports the old and the
# new leader by name, which the script leaves out.
old_leader=$(jq -r .leader <<<"$placement")
if nats stream cluster step-down -s "$n2" ORDERS > /dev/null 2>&1; then
  echo "leader step-down requested: success=true"
fi

# While the election runs, the stream briefly has no leader and requests
# about it may fail; ask n3 again every tenth of a second, for at most ten
# seconds, until another node leads.
for _ in {1..100}; do
  leader=$(cluster "$n3" | jq -r '.leader // empty' 2>/dev/null || true)
  if [[ -n $leader && $leader != "$old_leader" ]]; then
    echo "stream ORDERS: a new leader was elected on another node"
    break
  fi
  sleep 0.1
done

# The data is all still there, on the new leader too, and a client on n3
# reads it through a pull consumer: `nats consumer next` fetches and
# acknowledges each message, printing a line with its subject
# (`[<time>] subj: orders.1 / tries: 1 / ...`) and then the payload, which
# `awk` puts together.
nats consumer add -s "$n3" ORDERS reader --pull --ack explicit --deliver all --defaults > /dev/null
nats consumer next -s "$n3" ORDERS reader --count 3 |
  awk '/ subj: / { subject = $3; getline; getline; print "client on n3 fetched " subject ": " $0 }'

# Clean up: deleting the stream removes all three copies and the consumer.
nats stream rm -f -s "$n3" ORDERS
