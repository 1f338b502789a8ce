#!/usr/bin/env bash
# A pull consumer can be given limits that protect the server and share the
# work fairly between clients. `nats consumer add` sets each of them with a
# flag. To see what a client gets when it hits one, this script makes the
# pull requests itself: a pull request is a small JSON message published to
# `$JS.API.CONSUMER.MSG.NEXT.<stream>.<consumer>`, with a reply subject
# where the messages, or a status saying why there are none, arrive.
set -euo pipefail

# Every `nats` command reads the server address from `NATS_URL`; set it
# here, with a fallback to a local server, so they all use the same one.
export NATS_URL="${NATS_URL:-nats://127.0.0.1:4222}"

# The background subscriber is ended by this trap when the script exits.
pids=()
trap 'kill "${pids[@]}" 2>/dev/null || true' EXIT

# Start clean: delete the stream if an interrupted run left it (`rm -f`
# does not ask; "stream not found" is fine here), then store ten orders.
# `--defaults` takes the default for every setting not given, instead of
# asking.
nats stream rm -f ORDERS 2>/dev/null || true
nats stream add ORDERS --subjects 'orders.>' --defaults > /dev/null
nats pub -J --quiet 'orders.{{Count}}' 'order {{Count}}' --count 10

# Replies to every pull request come to a subject under `_INBOX.limits`,
# one per request. One `nats sub` listens to all of them and dumps each
# message as JSON ended by a NUL byte (`--dump=-`): its `Subject`, its
# `Reply` (for a stream message, the subject that acknowledges it) and its
# `Header`, where a status arrives as `Status` and `Description`. `nats
# trace` shows when the subscription is in place: it routes a trace
# message without delivering it and names the connections it would reach.
exec 3< <(nats sub --dump=- --connection-name puller '_INBOX.limits.>' 2>/dev/null)
pids+=("$!")
for _ in {1..50}; do
  [[ $(nats trace _INBOX.limits.x) == *'Client "puller"'* ]] && break
  sleep 0.1
done

# `pull CONSUMER NAME REQUEST` publishes a pull request with the reply
# subject `_INBOX.limits.NAME`; `nats pub` returns once the server has it.
pull() {
  nats pub --quiet --reply "_INBOX.limits.$2" "\$JS.API.CONSUMER.MSG.NEXT.ORDERS.$1" "$3"
}

# `outcome BATCH` reads replies until BATCH messages have arrived or a
# status ends the request, and sets `result` (what came back), `subjects`
# and `acks` (each message's subject and acknowledgement subject) and
# `replied_to` (the reply subject of a status).
outcome() {
  local msg status
  subjects=() acks=() result="" replied_to=""
  while (( ${#subjects[@]} < $1 )) && read -r -d '' -t 3 msg <&3; do
    status=$(jq -r '.Header.Status[0] // empty' <<<"$msg")
    if [[ -n $status ]]; then
      replied_to=$(jq -r .Subject <<<"$msg")
      result="got ${#subjects[@]}, then $status $(jq -r '.Header.Description[0]' <<<"$msg")"
      return
    fi
    subjects+=("$(jq -r .Subject <<<"$msg")")
    acks+=("$(jq -r .Reply <<<"$msg")")
  done
  result="got ${#subjects[@]}"
}
list() { local IFS=,; sed 's/,/, /g' <<<"$*"; }

# `--max-pending 3` (`max_ack_pending`): at most 3 messages delivered and
# not yet acknowledged. A request for 5 that expires after half a second
# (`expires` is in nanoseconds) gets 3, then the 408 status that ends an
# expired request; the next gets nothing at all.
echo "-- max_ack_pending=3"
nats consumer add ORDERS worker --pull --ack explicit --deliver all --max-pending 3 \
  --defaults > /dev/null
pull worker first '{"batch": 5, "expires": 500000000}'
outcome 5
echo "fetch(5): got ${#subjects[@]}: $(list "${subjects[@]}")"
held=("${acks[@]}")
pull worker second '{"batch": 5, "expires": 500000000}'
outcome 5
echo "fetch(5): timed out, ${#held[@]} messages are waiting for an ack"

# Acknowledge the three by sending to their acknowledgement subjects. An
# empty message there is an ack; sent with `nats request`, the server also
# answers once it has recorded it (a "double ack"), so the next request
# finds the slots free. Then 3 more arrive.
for ack in "${held[@]}"; do
  nats request --raw "$ack" "" > /dev/null
done
pull worker third '{"batch": 5, "expires": 500000000}'
outcome 5
echo "acked them, fetch(5): got ${#subjects[@]}: $(list "${subjects[@]}")"

# `--max-waiting 1`: one pull request may wait at the consumer. Both
# requests go out one after the other (each `nats pub` returns once the
# server has it), so the server sees them in that order: the first waits
# for new messages (`--deliver new`) and takes the only slot, the second
# is refused at once. The first ends when its `expires` runs out (408).
echo "-- max_waiting=1"
nats consumer add ORDERS idle --pull --ack explicit --deliver new --max-waiting 1 \
  --defaults > /dev/null
pull idle first '{"batch": 1, "expires": 500000000}'
pull idle second '{"batch": 1, "expires": 500000000}'
declare -A said
for _ in 1 2; do
  outcome 1
  said[${replied_to##*.}]=$result
done
echo "second request: ${said[second]}"
echo "first request:  ${said[first]}"

# A consumer can also bound each request: `--max-pull-batch` (`max_batch`),
# `--max-pull-bytes` (`max_bytes`) and `--max-pull-expire` (`max_expires`).
echo "-- max_batch=4, max_bytes=1000, max_expires=1s"
nats consumer add ORDERS batcher --pull --ack explicit --deliver all --max-pull-batch 4 \
  --max-pull-bytes 1000 --max-pull-expire 1s --defaults > /dev/null

# Requests over a limit are refused outright. A request within the byte
# limit but too small for the next message gets what fits (each counts its
# subject, reply subject, headers and payload), then a 409. The messages
# these requests get are left unacknowledged; they go with the stream.
requests=("batch=10|{\"batch\": 10}"
          "batch=4 max_bytes=5000|{\"batch\": 4, \"max_bytes\": 5000}"
          "batch=1 expires=5s|{\"batch\": 1, \"expires\": 5000000000}"
          "batch=4 max_bytes=200|{\"batch\": 4, \"max_bytes\": 200}"
          "batch=4|{\"batch\": 4}")
n=0
for entry in "${requests[@]}"; do
  label=${entry%%|*}
  request=${entry#*|}
  pull batcher "req$((++n))" "$request"
  outcome "$(jq .batch <<<"$request")"
  printf '%-23s %s\n' "$label:" "$result"
done

# Clean up: deleting the stream deletes its consumers too.
nats stream rm -f ORDERS
