#!/usr/bin/env bash
# A leaf node is a nats-server that extends another server, the hub,
# through one outbound connection. To a `nats` command it is just a
# server: this script runs commands against the hub and the leaf (picked
# with `--server`, `-s`), sends requests and messages across the link both
# ways, and uses the hub's JetStream from the leaf by naming its domain.
set -euo pipefail

# Every `nats` command reads the server list from `NATS_URL`. The runner of
# this example gives the hub's and the leaf's own URLs as `NATS_URL_HUB`
# and `NATS_URL_LEAF`; each falls back to a local server.
export NATS_URL="${NATS_URL:-nats://127.0.0.1:4222}"
hub=${NATS_URL_HUB:-nats://127.0.0.1:4222}
leaf=${NATS_URL_LEAF:-nats://127.0.0.1:4223}

# The responders and subscribers run in the background; this trap ends
# them when the script exits.
pids=()
trap 'kill "${pids[@]}" 2>/dev/null || true' EXIT

# One responder on each side, for the subjects named after that side:
# `hub.orders.>` on the hub, `leaf.line1.>` on the leaf. Each answers with
# its side's name and the request's subject (natscli runs the `--command`
# without a shell, so `sh -c` provides one to read
# `NATS_REQUEST_SUBJECT`). Each logs `Listening on ...` once its own
# server has the subscription; the script waits for that line.
respond() {
  local server=$1 name=$2 subject=$3 line
  exec {fd}< <(nats reply -s "$server" "$subject" --count 1 \
    --command "sh -c 'printf \"$name answered %s\" \"\$NATS_REQUEST_SUBJECT\"'" 2>&1 >/dev/null)
  pids+=("$!")
  while read -r line <&"$fd"; do
    [[ $line == *"Listening on"* ]] && break
  done
}
respond "$hub" hub 'hub.orders.>'
respond "$leaf" leaf 'leaf.line1.>'

# The leaf connection carries subscription interest both ways, so the leaf
# forwards `hub.>` requests to the hub and the hub forwards `leaf.>`
# requests to the leaf. That news crosses the link asynchronously; a
# request sent in the first moments may find "no responders" (which `nats
# request` logs on stderr, exiting with status 0), so the first request in
# each direction tries again, every tenth of a second, for at most five
# seconds.
request() {
  local server=$1 subject=$2 reply
  for _ in {1..50}; do
    reply=$(nats request -s "$server" --raw "$subject" "" 2>/dev/null) && [[ -n $reply ]] && break
    sleep 0.1
  done
  echo "$reply"
}
echo "leaf client: request hub.orders.count -> $(request "$leaf" hub.orders.count)"
echo "hub client: request leaf.line1.status -> $(request "$hub" leaf.line1.status)"

# Plain publish-subscribe flows both ways as well: an alert from the leaf
# reaches a subscriber on the hub, a command from the hub reaches one on
# the leaf. Before publishing, the script checks that the interest has
# crossed: `nats trace`, run on the publishing side, routes a trace
# message without delivering it and names each connection that would
# receive it, on the other side of the leaf connection too.
listen() {
  local server=$1 name=$2 subject=$3 from=$4 sample=$5
  exec {fd}< <(nats sub -s "$server" --dump=- --count 1 --connection-name "$name" "$subject" 2>/dev/null)
  pids+=("$!")
  for _ in {1..50}; do
    [[ $(nats trace -s "$from" "$sample") == *"Client \"$name\""* ]] && break
    sleep 0.1
  done
}
received() {
  local msg
  read -r -d '' -t 5 msg <&"$fd"
  jq -r '"\(.Subject): \(.Data | @base64d)"' <<<"$msg"
}
listen "$hub" hub-alerts 'hub.alerts.>' "$leaf" hub.alerts.temperature
nats pub -s "$leaf" --quiet hub.alerts.temperature "line 1 at 81C"
echo "hub client received $(received)"

listen "$leaf" leaf-commands 'leaf.commands.>' "$hub" leaf.commands.line1
nats pub -s "$hub" --quiet leaf.commands.line1 "slow down"
echo "leaf client received $(received)"

# JetStream stays separate: the hub and the leaf each run their own, in
# the JetStream domains `hub` and `leaf`. A command connected to the leaf
# uses the leaf's; `--js-domain hub` reaches the hub's through the leaf
# connection. Here the leaf side creates a stream on the hub and stores an
# event in it; `nats pub -J` logs the acknowledgement on stderr, with the
# domain after the sequence: `Sequence: 1 Domain: "hub"`. (Start
# clean: delete the stream first if an interrupted run left it; "stream
# not found" is fine here.)
nats stream rm -f -s "$leaf" --js-domain hub EVENTS 2>/dev/null || true
nats stream add -s "$leaf" --js-domain hub EVENTS --subjects 'events.>' --defaults > /dev/null
ack=$(nats pub -J -s "$leaf" --js-domain hub events.shift "shift 2 started" 2>&1)
seq=${ack##*Sequence: }
echo "leaf client: stored events.shift in domain hub -> stream EVENTS, seq ${seq%% *}"

# Seen from each side: the hub has the stream; the leaf's own JetStream has
# no streams at all (`nats stream ls --json` prints `null`).
echo "hub client: stream EVENTS has $(nats stream state -s "$hub" EVENTS --json | jq .state.messages) message(s)"
echo "leaf client: streams in domain leaf: $(nats stream ls -s "$leaf" --json | jq length)"

# Clean up, through the leaf connection again: delete the hub's stream.
nats stream rm -f -s "$leaf" --js-domain hub EVENTS
