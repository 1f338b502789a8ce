#!/usr/bin/env bash
# A super-cluster joins whole clusters with gateways. Queue groups prefer
# a member in the requester's own cluster and fall back to other clusters,
# which gives services geo-affinity and failover. This script runs
# against the clusters `east` and `west` (three servers each), with `nats
# reply` responders in a queue group on either side and `nats request` in
# the east, then places a stream in the west from the east.
set -euo pipefail

# Every `nats` command reads the server list from `NATS_URL`, which lists
# the east servers here. The runner also gives every server a URL of its
# own, `NATS_URL_EAST_1` ... `NATS_URL_WEST_3`; each falls back to a local
# server.
export NATS_URL="${NATS_URL:-nats://127.0.0.1:4222}"
east=${NATS_URL_EAST_1:-nats://127.0.0.1:4222}
west=${NATS_URL_WEST_2:-nats://127.0.0.1:4222}

# The responders run in the background; this trap ends them when the
# script exits.
pids=()
trap 'kill "${pids[@]}" 2>/dev/null || true' EXIT

# A responder is an ordinary queue subscriber: `nats reply --queue
# weather-service`, with its answer naming the cluster of the server it
# connects to (natscli cannot ask which cluster it landed in, so the
# script tells it). It logs `Listening on ...` once its own server has the
# subscription, and the script waits for that line. Extra flags go to
# `nats reply`.
start_responder() {
  local cluster=$1 server=$2 line
  shift 2
  exec {fd}< <(nats reply -s "$server" weather --queue weather-service \
    "answered by a responder in $cluster" "$@" 2>&1 >/dev/null)
  pids+=("$!")
  while read -r line <&"$fd"; do
    [[ $line == *"Listening on"* ]] && break
  done
}

# News of a subscription takes a moment to travel through routes and
# gateways; until it reaches the east client's server, a request there
# finds "no responders" (which `nats request` logs on stderr, exiting with
# status 0). So `ask` tries again every tenth of a second, for at most five
# seconds.
ask() {
  local reply
  for _ in {1..50}; do
    reply=$(nats request -s "$east" --raw weather "" 2>/dev/null) && [[ -n $reply ]] && break
    sleep 0.1
  done
  echo "$reply"
}

# 1. The only responder is in the west. The east client's request crosses
# the gateway, and the answer comes back the same way.
start_responder west "$west"
echo "only a west responder: east client's request -> $(ask)"

# 2. A responder joins the same queue group in the east, on the east
# client's own server. The east servers now have a member nearby, so the
# requests stay in the east cluster, with no gateway hop. This responder
# stops by itself after three requests (`--count 3`): it unsubscribes,
# drains and exits, and once it has exited the server no longer counts it.
start_responder east "$east" --count 3
east_responder=${pids[-1]}
for i in 1 2 3; do
  echo "responders in both: east client's request $i -> $(ask)"
done
wait "$east_responder" || true

# 3. With the east responder gone, the queue group still has a member in
# the west, so requests fail over across the gateway.
echo "east responder gone: east client's request -> $(ask)"

# JetStream spans the super-cluster too. `--cluster west` places a stream
# in the west; the east client creates it there, and `nats stream info
# --json` names the cluster that holds it. (Start clean: delete it first if
# an interrupted run left it; "stream not found" is fine here.)
nats stream rm -f -s "$east" WEST_EVENTS 2>/dev/null || true
nats stream add -s "$east" WEST_EVENTS --subjects 'west.events.>' --cluster west --defaults > /dev/null
echo "stream WEST_EVENTS created from the east, placed in cluster $(nats stream info -s "$east" WEST_EVENTS --json | jq -r .cluster.name)"

# A warning about this layout. Every stream and consumer is created,
# changed and deleted through JetStream's meta group: one Raft group of
# all six servers, in both clusters, which acts only with a majority, four
# of six. If one region goes down, the other has three: no majority.
# Streams in the surviving region keep storing and delivering messages,
# but creating or deleting any stream or consumer fails everywhere until
# the lost region returns. With JetStream, run three regions, or two and a
# small third cluster whose only job is to vote.
#
# Clean up: delete the stream.
nats stream rm -f -s "$east" WEST_EVENTS
