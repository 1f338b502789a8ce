#!/usr/bin/env bash
# Acknowledging a JetStream message is itself a message: the payload
# `+ACK`, published to the subject the message came with as its reply
# subject. From a terminal that makes the difference between a plain ack
# and a confirmed one ("double ack", or ack-ack) easy to see: `nats pub`
# sends the ack and is done, `nats request` sends it and waits for the
# server to answer. This script acks one message each way, then deletes
# the consumer and tries again.
set -euo pipefail

# Every `nats` command reads the server address from `NATS_URL`; set it
# here, with a fallback to a local server, so they all use the same one.
export NATS_URL="${NATS_URL:-nats://127.0.0.1:4222}"

# The background subscriber is ended by this trap when the script exits.
pids=()
trap 'kill "${pids[@]}" 2>/dev/null || true' EXIT

# Start clean: delete the stream if an interrupted run left it (`rm -f`
# does not ask; "stream not found" is fine here). Then four tasks, and a
# durable pull consumer that requires an explicit ack for each message.
nats stream rm -f TASKS 2>/dev/null || true
nats stream add TASKS --subjects 'tasks.>' --defaults > /dev/null
nats pub -J --quiet 'tasks.{{Count}}' 'task {{Count}}' --count 4
nats consumer add TASKS worker --pull --ack explicit --deliver all --defaults > /dev/null

# The consumer's bookkeeping, from `nats consumer info --json` through
# `jq`: the last stream sequence delivered, how many delivered messages
# still await an ack, the sequence below which everything is acked (the
# ack floor), and how many messages wait to be delivered.
show() {
  nats consumer info TASKS worker --json | jq -r --arg name "$1" '"\($name): delivered=\(.delivered.stream_seq) ack_pending=\(.num_ack_pending) ack_floor=\(.ack_floor.stream_seq) pending=\(.num_pending)"'
}

# To have the ack subjects in hand, the script fetches the way a client
# library does: it publishes a pull request for two messages to
# `$JS.API.CONSUMER.MSG.NEXT.TASKS.worker`, with a reply subject it
# listens on. `nats sub --dump=-` prints each message that arrives as JSON
# ended by a NUL byte, with its `Subject` and its `Reply`, the ack subject
# (`$JS.ACK.TASKS.worker...`). `nats trace` shows when that subscription
# is in place: it names the connections a message would reach, without
# delivering one.
exec 3< <(nats sub --dump=- --connection-name worker '_INBOX.ackack' 2>/dev/null)
pids+=("$!")
for _ in {1..50}; do
  [[ $(nats trace _INBOX.ackack) == *'Client "worker"'* ]] && break
  sleep 0.1
done
fetch2() {
  local msg
  nats pub --quiet --reply _INBOX.ackack '$JS.API.CONSUMER.MSG.NEXT.TASKS.worker' '{"batch": 2}'
  subjects=() acks=()
  for _ in 1 2; do
    read -r -d '' -t 5 msg <&3
    subjects+=("$(jq -r .Subject <<<"$msg")")
    acks+=("$(jq -r .Reply <<<"$msg")")
  done
}

# Fetch two messages. Both now count as delivered and unacknowledged.
fetch2
show "after fetching 2"

# `nats pub` publishes the ack and exits once the server has received it,
# but the server answers nothing: whether the consumer recorded the ack,
# the publisher never learns. Usually that is fine; if the ack is lost
# (a network blip, a server restart), the message is delivered again after
# the ack wait.
nats pub --quiet "${acks[0]}" "+ACK"
echo "nats pub     ${subjects[0]}: sent, no reply expected"

# `nats request` sends the same ack with a reply subject of its own, and
# the server answers once the ack is recorded: the double ack. Use it when
# processing a message twice would be costly. (The ack sent by `nats pub`
# just before came in first, so it is recorded too.)
nats request --raw "${acks[1]}" "+ACK" > /dev/null
echo "nats request ${subjects[1]}: confirmed by the server"
show "after both acks"

# The difference shows when the ack cannot land. Fetch the last two
# messages, then delete the consumer, as if it had been removed or its
# server lost while we were working.
fetch2
nats consumer rm -f TASKS worker
echo "consumer deleted"

# The plain ack "succeeds": it was published, and nobody tells the sender
# it went nowhere. The confirmed ack fails at once: the server answers the
# request with a "no responders" status, since no consumer is there to
# answer. `nats request` logs that on stderr and still exits with status
# 0, so the script checks the log.
nats pub --quiet "${acks[0]}" "+ACK"
echo "nats pub     ${subjects[0]}: sent, no error raised"
out=$(nats request --raw "${acks[1]}" "+ACK" 2>&1)
if [[ $out == *"No responders are available"* ]]; then
  echo "nats request ${subjects[1]}: failed, no consumer answered the ack"
fi

# Clean up: deleting the stream deletes its messages too.
nats stream rm -f TASKS
