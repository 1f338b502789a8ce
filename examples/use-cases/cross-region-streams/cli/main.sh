#!/usr/bin/env bash
# Each region writes to a *regional* stream placed in its own cluster, and
# keeps a *global* stream that sources every regional one: writes stay
# local and fast, and every region sees all the data. All of it is set up
# with `nats stream add` flags. This script runs against the clusters
# `east`, `west` and `central`, each region's commands going to its own
# servers, and carries on when the recorder stops the whole west region.
set -euo pipefail

# Every `nats` command reads the server list from `NATS_URL`; each region's
# commands here pick their region's first server with `--server` (`-s`),
# from the variables `NATS_URL_EAST_1` and so on that the runner sets.
export NATS_URL="${NATS_URL:-nats://127.0.0.1:4222}"
regions=(east west central)
declare -A url
for r in "${regions[@]}"; do
  var="NATS_URL_${r^^}_1"
  url[$r]=${!var:-nats://127.0.0.1:4222}
done

# The west client runs in the background; this trap ends it when the
# script exits.
pids=()
trap 'kill "${pids[@]}" 2>/dev/null || true' EXIT

# Start clean: delete the six streams if an interrupted run left them, the
# global ones first (`rm -f` does not ask; "stream not found" is fine
# here).
for prefix in GLOBAL ORDERS; do
  for r in "${regions[@]}"; do
    nats stream rm -f -s "${url[east]}" "${prefix}_${r^^}" 2>/dev/null || true
  done
done

# The regional streams: `ORDERS_EAST` takes `orders.east.>`, with three
# replicas in the east cluster (`--cluster east`), and so on. Any region
# could create them; the meta group places each where it belongs.
for r in "${regions[@]}"; do
  nats stream add -s "${url[east]}" "ORDERS_${r^^}" --subjects "orders.$r.>" --replicas 3 \
    --cluster "$r" --defaults > /dev/null
done

# The global streams: one per region, in that region, with no subjects of
# its own and a `--source` for every regional stream. Since no stream is
# written from two regions, there is nothing to reconcile: the servers copy
# in the background across the gateways, and a source that was cut off
# resumes from the last message it copied.
for r in "${regions[@]}"; do
  nats stream add -s "${url[east]}" "GLOBAL_${r^^}" --replicas 3 --cluster "$r" \
    --source ORDERS_EAST --source ORDERS_WEST --source ORDERS_CENTRAL --defaults > /dev/null
done

# A client in the west that stays connected: a `nats sub` on its region's
# orders. natscli logs on stderr when it connects (`Subscribing on ...`)
# and when its connection drops (`>>> Disconnected due to: ...`); the
# script reads that log on file descriptor 3.
exec 3< <(nats sub -s "${url[west]}" 'orders.west.>' 2>&1 >/dev/null)
pids+=("$!")
while read -r line <&3; do
  [[ $line == *"Subscribing on"* ]] && break
done

# Each region takes an order into its regional stream, publishing to its
# own servers. A new stream first elects its leader, and until then a
# publish gets no answer, so each is tried again every tenth of a second,
# for at most ten seconds. `nats pub -J` logs the acknowledgement, `Stored
# in Stream: ORDERS_EAST Sequence: 1`, after the time of day.
take_order() {
  local r=$1 n=$2 ack
  for _ in {1..100}; do
    ack=$(nats pub -J -s "${url[$r]}" "orders.$r.$n" "an order" 2>&1) && break
    sleep 0.1
  done
  ack=${ack##*Stored in Stream: }
  echo "$r client: orders.$r.$n -> stored in ${ack%% *}"
}
for r in "${regions[@]}"; do
  take_order "$r" 1
done

# `global_view REGION N` waits until the region's global stream holds N
# orders (polling `nats stream state --json`, for at most fifteen seconds),
# then reads them back by sequence (`nats stream get --json`) and counts
# where each came from, by the region token of its subject.
global_view() {
  local r=$1 expected=$2 stream="GLOBAL_${1^^}" seq origin
  for _ in {1..150}; do
    (( $(nats stream state -s "${url[$r]}" "$stream" --json | jq .state.messages) >= expected )) && break
    sleep 0.1
  done
  declare -A from=([east]=0 [west]=0 [central]=0)
  for (( seq = 1; seq <= expected; seq++ )); do
    origin=$(nats stream get -s "${url[$r]}" "$stream" "$seq" --json | jq -r '.subject | split(".")[1]')
    from[$origin]=$(( from[$origin] + 1 ))
  done
  echo "$stream: $expected orders (east ${from[east]}, west ${from[west]}, central ${from[central]})"
}
for r in "${regions[@]}"; do
  global_view "$r" 3
done

# The recorder stops all three west servers when this line is printed. The
# west client's connection drops, and natscli logs it (it would go on
# trying to reconnect, to a region that is gone).
echo "stopping region west"
while read -r -t 15 line <&3; do
  if [[ $line == *"Disconnected"* ]]; then
    echo "west client: disconnected, its region is gone"
    break
  fi
done

# East and central keep taking orders and sharing them. West's first
# order, copied before the loss, is still in their global streams.
for r in east central; do
  take_order "$r" 2
done
for r in east central; do
  global_view "$r" 5
done

# Clean up: delete all six streams, through the east. The meta group,
# six of nine servers strong, can remove the west's streams too. If its
# leader was in the west, the six elect a new one first, which takes a few
# seconds: until then a request times out or is answered "JetStream system
# temporarily unavailable", so each removal is tried again, for up to 30
# seconds. A stream that is already gone counts as removed ("stream not
# found"): a try that timed out may still have gone through.
remove_stream() {
  local give_up=$((SECONDS + 30)) out
  until out=$(nats stream rm -f -s "${url[east]}" "$1" 2>&1); do
    [[ $out == *"stream not found"* ]] && return 0
    if ((SECONDS > give_up)); then
      echo "$out" >&2
      return 1
    fi
    sleep 0.25
  done
}
for prefix in GLOBAL ORDERS; do
  for r in "${regions[@]}"; do
    remove_stream "${prefix}_${r^^}"
  done
done
