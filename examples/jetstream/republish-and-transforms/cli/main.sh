#!/usr/bin/env bash
# Three stream settings that change where messages go and how they are
# read, all set with `nats stream add` flags: a subject transform
# (`--transform-source`, `--transform-destination`) rewrites the subject
# of each message as the stream stores it, republish
# (`--republish-source`, `--republish-destination`) copies each stored
# message to core NATS subscribers, and `--allow-direct` lets any server
# holding the stream answer single-message reads (direct get).
set -euo pipefail

# Every `nats` command reads the server address from `NATS_URL`; set it
# here, with a fallback to a local server, so they all use the same one.
export NATS_URL="${NATS_URL:-nats://127.0.0.1:4222}"

# The background subscribers are ended by this trap when the script exits.
pids=()
trap 'kill "${pids[@]}" 2>/dev/null || true' EXIT

# Start clean: delete the stream if an interrupted run left it (`rm -f`
# does not ask; "stream not found" is fine here).
nats stream rm -f ORDERS 2>/dev/null || true

# Republish sends a copy of each stored message to another subject. That
# subject must lie outside the stream's own subjects, or every copy would
# be stored and copied again; the server refuses the loop, and `nats
# stream add` exits with status 1 and its reason.
if ! out=$(nats stream add ORDERS --subjects 'orders.*.*' --republish-source 'orders.>' \
    --republish-destination 'orders.live.>' --defaults 2>&1); then
  reason=${out##*error: could not create Stream: }
  echo "republish into the stream's own subjects: refused: ${reason% (*}"
fi

# The shop publishes `orders.<id>.<event>`. The stream stores them as
# `orders.<event>.<id>`: `{{wildcard(2)}}` is the second `*` of the source
# pattern. Now a consumer or a lookup can filter on the event
# (`orders.shipped.*`), and the publishers did not change. The republish
# source matches the stored, transformed subject; here every order is
# copied to `live.orders.<event>.<id>`.
nats stream add ORDERS --subjects 'orders.*.*' \
  --transform-source 'orders.*.*' --transform-destination 'orders.{{wildcard(2)}}.{{wildcard(1)}}' \
  --republish-source 'orders.>' --republish-destination 'live.orders.>' \
  --allow-direct --defaults > /dev/null

# `nats sub` prints nothing once it has subscribed; `wait_for_listener NAME
# SUBJECT` asks the server instead: `nats trace` routes a trace message
# without delivering it and names each connection it would reach.
wait_for_listener() {
  for _ in {1..50}; do
    [[ $(nats trace "$2") == *"Client \"$1\""* ]] && return 0
    sleep 0.1
  done
  return 1
}

# A dashboard follows the orders with a plain `nats sub`: no consumer, no
# acknowledgements, nothing kept on the server for it. It sees only what
# is published while it is subscribed. `--dump=-` prints each copy as JSON
# ended by a NUL byte, headers included.
exec 3< <(nats sub --dump=- --connection-name dashboard 'live.orders.>' 2>/dev/null)
pids+=("$!")
wait_for_listener dashboard live.orders.x.y

# `nats pub -J` logs the stream's acknowledgement on stderr, `Stored in
# Stream: ORDERS Sequence: 1`, after the time of day.
for entry in "orders.17.created 2 coffees" "orders.17.shipped by bike" "orders.18.created 1 tea"; do
  read -r subject data <<<"$entry"
  ack=$(nats pub -J "$subject" "$data" 2>&1)
  echo "published $subject -> stored as seq ${ack##*Sequence: }"
done
echo "stored subjects: $(nats stream subjects ORDERS --json | jq -r 'keys | sort | join(", ")')"

# Each copy arrives on the republish subject, with headers saying where it
# came from: the stream, the stored subject and its sequence.
for _ in 1 2 3; do
  read -r -d '' -t 5 msg <&3
  read -r subject stream stored seq < <(jq -r '[.Subject, .Header["Nats-Stream"][0],
    .Header["Nats-Subject"][0], .Header["Nats-Sequence"][0]] | join(" ")' <<<"$msg")
  echo "  $subject: '$(jq -r '.Data | @base64d' <<<"$msg")' (from $stream $stored, seq $seq)"
done

# Direct get reads a message by sequence, or the last one on a subject,
# with a plain request on `$JS.API.DIRECT.GET.<stream>`. Every server
# holding a copy of the stream answers it (replicas, and mirrors with
# `--allow-mirror-direct`), so reads scale out and do not queue behind the
# leader's API; key-value lookups use it. (`nats stream get` asks the
# leader instead.) The answer is the message itself, with its stored
# subject and sequence in headers, or a 404 status when there is none. To
# see the headers, the script sends the request with `nats pub --reply`
# and reads the answer on a `nats sub --dump=-` of its own.
exec 4< <(nats sub --dump=- --connection-name reader _INBOX.direct 2>/dev/null)
pids+=("$!")
wait_for_listener reader _INBOX.direct
direct_get() {
  local msg
  nats pub --quiet --reply _INBOX.direct '$JS.API.DIRECT.GET.ORDERS' "$1"
  read -r -d '' -t 5 msg <&4
  if [[ $(jq -r '.Header.Status[0] // empty' <<<"$msg") == 404 ]]; then
    echo "not found"
  else
    read -r subject seq < <(jq -r '[.Header["Nats-Subject"][0], .Header["Nats-Sequence"][0]]
      | join(" ")' <<<"$msg")
    echo "$subject '$(jq -r '.Data | @base64d' <<<"$msg")' (seq $seq)"
  fi
}

# A wildcard asks for the last message matching it.
echo "direct get, last orders.created.*: $(direct_get '{"last_by_subj": "orders.created.*"}')"
echo "direct get, seq 2: $(direct_get '{"seq": 2}' | sed 's/ (seq .*//')"
echo "direct get, last orders.returned.17: $(direct_get '{"last_by_subj": "orders.returned.17"}')"

# Clean up.
nats stream rm -f ORDERS
