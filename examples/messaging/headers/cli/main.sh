#!/usr/bin/env bash
# natscli sends headers with `-H Name:value` on `nats pub`, `nats request`
# and `nats reply`, and shows them in what `nats sub` prints. This script
# publishes with headers and reads them back, passes a trace ID through a
# request and its reply, and sends one header name with two values.
set -euo pipefail

# Every `nats` command reads the server address from `NATS_URL`; set it
# here, with a fallback to a local server, so they all use the same one.
export NATS_URL="${NATS_URL:-nats://127.0.0.1:4222}"

# The background processes are ended by this trap when the script exits.
pids=()
trap 'kill "${pids[@]}" 2>/dev/null || true' EXIT

# `nats sub` prints nothing once its subscription is in place, so the
# script asks the server: `nats trace SUBJECT` routes a trace message
# without delivering it and lists, by connection name, every subscription
# that would have received it. Ask every tenth of a second, for at most
# five seconds.
wait_for_listener() {
  local name=$1 subject=$2
  for _ in {1..50}; do
    [[ $(nats trace "$subject") == *"Client \"$name\""* ]] && return 0
    sleep 0.1
  done
  echo "$name is not listening on $subject" >&2
  return 1
}

# `nats sub` prints headers as `Name: value` lines, in no fixed order (the
# Go client keeps them in a map). For output a script can use, `--dump=-`
# writes each message as one JSON object ended by a NUL byte: `Header`
# maps each name to a list of values (JSON sorts the names) and `Data` is
# the payload in base64. `jq`, the usual companion of natscli's JSON
# output, picks the fields apart. The subscriber stops after three
# messages; `read -d ''` reads up to the NUL, one message at a time.
exec 3< <(nats sub --dump=- --count 3 --connection-name orders orders.new 2>/dev/null)
pids+=("$!")
wait_for_listener orders orders.new

# Each `-H` adds one header. Here they say how to decode the payload and
# which order it is about, so a consumer can route or log the message
# without parsing the body. natscli trims the spaces around the value.
nats pub --quiet orders.new '{"item": "coffee", "quantity": 2}' \
  -H "Content-Type: application/json" -H "Order-Id: 42"

# Names arrive exactly as sent and are looked up case-sensitively, so agree
# on one spelling (`Order-Id`, not `order-id`) across your services.
read -r -d '' -t 5 msg <&3
echo "received $(jq -r .Subject <<<"$msg") with headers:"
jq -r '.Header | to_entries[] | "  \(.key): \(.value | join(", "))"' <<<"$msg"
echo "payload: $(jq -r '.Data | @base64d' <<<"$msg")"

# A message published without `-H` has no headers at all: in the dump its
# `Header` is `null`, not an empty object.
nats pub --quiet orders.new '{}'
read -r -d '' -t 5 msg <&3
echo "received without headers: \"Header\": $(jq -c .Header <<<"$msg")"

# Headers travel on requests and replies too. A common use is a trace ID
# that every service copies along, so one request can be followed through
# the logs of many services. `nats reply -H` can only add fixed headers,
# so this pricing service is built from the two halves of request-reply:
# `nats sub` hands it each request (the dump's `Reply` is the requester's
# private reply subject), and `nats pub` answers on that subject with the
# request's `Trace-Id` and a header of its own. The service runs in the
# background, reading its subscriber on file descriptor 4.
exec 4< <(nats sub --dump=- --count 1 --connection-name pricing price.coffee 2>/dev/null)
pids+=("$!")
pricing() {
  local request trace
  read -r -d '' -t 5 request
  trace=$(jq -r '.Header["Trace-Id"][0]' <<<"$request")
  echo "service saw Trace-Id: $trace"
  nats pub --quiet "$(jq -r .Reply <<<"$request")" 3.50 \
    -H "Trace-Id: $trace" -H "Served-By: pricing-1"
}
pricing <&4 &
pids+=("$!")
wait_for_listener pricing price.coffee

# `nats request -H` sends the request with the trace ID. With `--raw` it
# prints only the reply's payload; without it, it logs the reply's headers
# on stderr, each after the time of day. The script keeps that log in a
# file, cuts the time off and sorts the header lines.
log=$(mktemp)
reply=$(nats request --timeout 2s price.coffee "" -H "Trace-Id: trace-7f3a" 2>"$log")
echo "reply: $reply"
headers=$(cut -d' ' -f2- "$log" | grep -E '^[A-Za-z-]+: ' | sort | paste -sd, - | sed 's/,/, /g')
echo "reply headers: $headers"
rm -f "$log"

# The protocol allows a header name to appear more than once: each `-H`
# with the same name adds another value, and the dump lists them in the
# order they were sent. Clients that keep headers in a plain dictionary
# (nats-py, for one) keep only the last value of a repeated name.
nats pub --quiet orders.new '{}' -H "Tags: fragile" -H "Tags: gift"
read -r -d '' -t 5 msg <&3
jq -r '.Header.Tags | "Tags has \(length) values: \(join(", "))"' <<<"$msg"

# The subscriber had its three messages and the service its one request:
# both exit by themselves. Wait for them and close their descriptors.
wait "${pids[@]}"
exec 3<&- 4<&-
