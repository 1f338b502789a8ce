#!/usr/bin/env bash
# A push consumer with a *deliver group* publishes to its deliver subject
# for a core NATS queue group: `nats consumer add --target SUBJECT
# --deliver-group NAME` creates one, and every `nats sub --queue NAME
# SUBJECT` joins the group and gets a share. Push consumers are the older
# design (natscli calls them deprecated); new code that shares work should
# pull from one pull consumer. This script starts three workers, publishes
# orders, checks the totals, lets one worker go, and shows what a
# subscriber outside the group gets.
set -euo pipefail

# Every `nats` command reads the server address from `NATS_URL`; set it
# here, with a fallback to a local server, so they all use the same one.
export NATS_URL="${NATS_URL:-nats://127.0.0.1:4222}"

# The background subscribers are ended by this trap when the script exits.
pids=()
trap 'kill "${pids[@]}" 2>/dev/null || true' EXIT

# Start clean: delete the stream if an interrupted run left it (`rm -f`
# does not ask; "stream not found" is fine here). Then create a stream for
# orders; `--defaults` takes the default for every setting not given.
nats stream rm -f ORDERS 2>/dev/null || true
nats stream add ORDERS --subjects 'orders.>' --defaults > /dev/null

# The consumer `processors` delivers to `deliver.processors`, for the
# queue group `processors`, every message from the start of the stream,
# and wants each one acknowledged.
nats consumer add ORDERS processors --target deliver.processors --deliver-group processors \
  --deliver all --ack explicit --defaults > /dev/null

# How many members the group has on the deliver subject, as the server
# sees it: every account may ask `$SYS.REQ.ACCOUNT.PING.CONNZ` for its own
# connections, and with `subscriptions_detail` the answer lists each
# subscription's subject and queue group; `jq` counts them. Waiting on it
# (every tenth of a second, for at most five seconds) tells the script
# when the workers have joined or left.
members() {
  nats request --raw '$SYS.REQ.ACCOUNT.PING.CONNZ' '{"subscriptions_detail": true}' |
    jq '[.data.connections[].subscriptions_list_detail[]?
         | select(.subject == "deliver.processors" and .qgroup == "processors")] | length'
}
wait_for_members() {
  for _ in {1..50}; do
    (( $(members) == $1 )) && return 0
    sleep 0.1
  done
  echo "the group never had $1 members" >&2
  return 1
}

# Three workers join the group. `--ack` acknowledges each message after
# printing it; `--subjects-only` prints one line per message, `[#1]
# Received on "orders.7" with reply "$JS.ACK..."`. Each worker's output is
# read on a file descriptor bash picks, kept by worker name.
declare -A fd_of pid_of
for name in worker-1 worker-2 worker-3; do
  exec {fd}< <(nats sub --queue processors --ack --subjects-only "deliver.processors" 2>/dev/null)
  fd_of[$name]=$fd
  pid_of[$name]=$!
  pids+=("$!")
done
wait_for_members 3

# `collect TOTAL` reads what the workers received, going round them until
# TOTAL orders have been handled in all (or five seconds pass), counting
# per worker (`per_worker`) and per order (`per_order`).
declare -A per_worker per_order
handled=0
collect() {
  local deadline=$((SECONDS + 5)) name line subject
  while (( handled < $1 && SECONDS < deadline )); do
    for name in "${!fd_of[@]}"; do
      while read -r -t 0.05 line <&"${fd_of[$name]}"; do
        subject=${line#*\"}
        subject=${subject%%\"*}
        per_worker[$name]=$(( ${per_worker[$name]:-0} + 1 ))
        per_order[$subject]=$(( ${per_order[$subject]:-0} + 1 ))
        handled=$((handled + 1))
      done
    done
  done
}

# Publish 30 orders, each with `nats pub -J`, which waits for the stream
# to store it. Which worker gets which order is up to the server and
# changes from run to run, so print totals: every order handled exactly
# once, and every worker got a share.
for i in {1..30}; do
  nats pub -J --quiet "orders.$i" "order $i"
done
collect 30
twice=0
for order in "${!per_order[@]}"; do
  (( per_order[$order] > 1 )) && twice=$((twice + 1))
done
echo "handled $handled orders, ${#per_order[@]} distinct"
echo "orders handled more than once: $twice"
echo "workers that got a share: ${#per_worker[@]} of 3"

# Scaling down is just stopping a worker. Before worker-3 goes, wait until
# the consumer has every acknowledgement (`nats sub --ack` does not wait
# for the server to record them), so nothing it handled is delivered
# again. Then stop it and wait until the server counts two members.
# The two remaining workers take all 20 new orders.
for _ in {1..50}; do
  (( $(nats consumer info ORDERS processors --json | jq .num_ack_pending) == 0 )) && break
  sleep 0.1
done
kill "${pid_of[worker-3]}"
wait_for_members 2
worker3_before=${per_worker[worker-3]:-0}
for i in {31..50}; do
  nats pub -J --quiet "orders.$i" "order $i"
done
collect 50
echo "after worker-3 left: handled $handled orders, ${#per_order[@]} distinct"
echo "new orders taken by worker-3: $(( ${per_worker[worker-3]:-0} - worker3_before ))"

# The consumer itself is an ordinary durable consumer with a deliver
# group. Every stored order has been delivered, none is pending.
nats consumer info ORDERS processors --json | jq -r '"consumer \(.name): deliver_group=\(.config.deliver_group) delivered=\(.delivered.stream_seq) num_pending=\(.num_pending)"'

# The group is a convention the server applies to queue subscriptions
# only. A plain subscription to the deliver subject is not refused: it
# gets a copy of every message the consumer delivers (and could even
# acknowledge it). Client libraries refuse to bind a subscriber outside
# the group for that reason; with the CLI, keep to `--queue`.
exec {outsider}< <(nats sub --subjects-only --connection-name outsider deliver.processors 2>/dev/null)
pids+=("$!")
for _ in {1..50}; do
  [[ $(nats trace deliver.processors) == *'Client "outsider"'* ]] && break
  sleep 0.1
done
nats pub -J --quiet orders.51 "order 51"
read -r -t 5 line <&"$outsider"
subject=${line#*\"}
echo "outsider on deliver.processors got a copy of ${subject%%\"*}"

# Clean up: deleting the stream deletes the consumer too.
nats stream rm -f ORDERS
