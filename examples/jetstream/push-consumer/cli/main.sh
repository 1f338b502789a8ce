#!/usr/bin/env bash
# A push consumer is the server publishing a stream's messages to a subject
# of your choice, its *deliver subject*, as fast as they can go. `nats
# consumer add --target SUBJECT` creates one, and then any subscriber to
# that subject, even a plain `nats sub`, receives the messages. Push
# consumers are the older design (natscli itself calls them deprecated
# when `nats sub --durable` binds to one); prefer pull consumers for new
# work. This script shows the deliver policies, then a durable consumer
# with acknowledgements resuming after its subscriber went away.
set -euo pipefail

# Every `nats` command reads the server address from `NATS_URL`; set it
# here, with a fallback to a local server, so they all use the same one.
export NATS_URL="${NATS_URL:-nats://127.0.0.1:4222}"

# The background subscribers are ended by this trap when the script exits.
pids=()
trap 'kill "${pids[@]}" 2>/dev/null || true' EXIT

# Start clean: delete the stream if an interrupted run left it (`rm -f`
# does not ask; "stream not found" is fine here). Then store five events;
# `--defaults` takes the default for every setting not given, and `nats
# pub -J` waits for the stream to acknowledge each message.
nats stream rm -f EVENTS 2>/dev/null || true
nats stream add EVENTS --subjects 'events.>' --defaults > /dev/null
nats pub -J --quiet 'events.{{Count}}' 'event {{Count}}' --count 5

# `receive LABEL CONSUMER [flags]` subscribes to the consumer's deliver
# subject, `deliver.CONSUMER`, and collects subjects until the consumer
# has nothing more. `--dump=-` prints each message as JSON ended by a NUL
# byte; its `Reply` is the subject that acknowledges it, and that subject
# ends with the number of messages still waiting after this one, so the
# loop stops at 0. Extra flags go to `nats sub` (`--ack` acknowledges each
# message). The subscriber then stays running until `stop` ends it.
receive() {
  local label=$1 consumer=$2 msg reply
  shift 2
  exec {fd}< <(nats sub --dump=- "$@" "deliver.$consumer" 2>/dev/null)
  sub=$!
  pids+=("$sub")
  subjects=()
  while read -r -d '' -t 5 msg <&"$fd"; do
    subjects+=("$(jq -r .Subject <<<"$msg")")
    reply=$(jq -r .Reply <<<"$msg")
    [[ ${reply##*.} == 0 ]] && break
  done
  printf '%-20s %s\n' "$label" "${subjects[*]}"
}
stop() {
  kill "$sub"
  exec {fd}<&-
}

# `push NAME POLICY [flags]` creates a push consumer named NAME that
# delivers to `deliver.NAME`, starting where `--deliver POLICY` says. These
# are named and removed with `nats consumer rm -f` once read; an unnamed
# one (`--ephemeral`) would be removed by the server some time after its
# last subscriber left.
push() {
  local name=$1 policy=$2
  shift 2
  nats consumer add EVENTS "$name" --target "deliver.$name" --deliver "$policy" "$@" \
    --defaults > /dev/null
}

# The deliver policy picks where a new consumer starts. `all` starts at the
# beginning of the stream. The consumer holds delivery back until someone
# subscribes to its deliver subject, so nothing is lost in between.
push all all --ack none
receive "deliver all:" all
stop
nats consumer rm -f EVENTS all

# `last` starts with the last message in the stream.
push last last --ack none
receive "deliver last:" last
stop
nats consumer rm -f EVENTS last

# `new` skips everything already stored and delivers only what is
# published after the consumer was created.
push new new --ack none
nats pub -J --quiet events.6 "event 6"
receive "deliver new:" new
stop
nats consumer rm -f EVENTS new

# A number starts at that stream sequence (`by_start_sequence`).
push seq3 3 --ack none
receive "start at seq 3:" seq3
stop
nats consumer rm -f EVENTS seq3

# A durable consumer that wants every message acknowledged (`--ack
# explicit`), read by `nats sub --ack`, which acknowledges each message
# after printing it. The server remembers the position, and what is still
# unacknowledged, for as long as the consumer exists.
#
# `nats sub --ack` sends each acknowledgement without waiting for the
# server to record it. Before the subscriber is stopped, wait until the
# consumer reports none outstanding (asking `nats consumer info --json`
# every tenth of a second, for at most five seconds); otherwise a last
# ack still on its way would be lost, and that message delivered again.
wait_acked() {
  for _ in {1..50}; do
    (( $(nats consumer info EVENTS audit --json | jq .num_ack_pending) == 0 )) && return 0
    sleep 0.1
  done
  echo "audit still has acknowledgements pending" >&2
  return 1
}
push audit all --ack explicit
receive "durable audit:" audit --ack
wait_acked
stop

# While no one is subscribed, the server holds delivery back. Two more
# events are published; subscribing to the deliver subject again resumes
# after the last message delivered and acknowledged, and sends only the
# new ones.
nats pub -J --quiet events.7 "event 7"
nats pub -J --quiet events.8 "event 8"
receive "audit, resubscribed:" audit --ack
wait_acked
stop
nats consumer info EVENTS audit --json |
  jq -r '"audit consumer info: delivered=\(.delivered.stream_seq) ack_floor=\(.ack_floor.stream_seq) num_pending=\(.num_pending)"'

# Clean up: deleting the stream deletes the durable consumer too.
nats stream rm -f EVENTS
