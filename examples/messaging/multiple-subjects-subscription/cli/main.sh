#!/usr/bin/env bash
# `nats sub` takes several subjects at once: `nats sub orders.created
# payments.received shipments.sent` makes one subscription per subject, on
# one connection, and prints the messages of all three as they come. This
# script reads that single merged stream in one loop, which tracks two
# orders through three subjects and stops once every order has been
# created, paid and shipped.
set -euo pipefail

# Every `nats` command reads the server address from `NATS_URL`; set it
# here, with a fallback to a local server, so they all use the same one.
export NATS_URL="${NATS_URL:-nats://127.0.0.1:4222}"

# The background subscriber is ended by this trap when the script exits.
pids=()
trap 'kill "${pids[@]}" 2>/dev/null || true' EXIT

# `nats sub` prints nothing once its subscriptions are in place, so the
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

# The tracker subscribes to the three subjects and stops after six
# messages. `--dump=-` writes each message as a JSON object ended by a NUL
# byte, with its `Subject` and its payload (`Data`, in base64); the loop
# below reads one object at a time (`read -d ''`) and takes it apart with
# `jq`.
subjects=(orders.created payments.received shipments.sent)
declare -A step_of=([orders.created]=created [payments.received]=paid [shipments.sent]=shipped)
exec 3< <(nats sub --dump=- --count 6 --connection-name tracker "${subjects[@]}" 2>/dev/null)
pids+=("$!")
for subject in "${subjects[@]}"; do
  wait_for_listener tracker "$subject"
done

# Another service (here, six `nats pub` run back to back) publishes the
# events of two orders, all at once. Each `nats pub` waits until the server
# has its message, so the server receives the six in this order.
#
# What NATS guarantees: the messages a publisher sends reach each
# subscription in the order they were sent. Nothing more: there is no
# order between different publishers, and none between subscriptions. The
# Go client under natscli hands each subscription's messages to its own
# goroutine, so the merged stream can mix the three subjects in an order
# nobody chose: a payment can come out ahead of the creation of its order,
# although it was published later.
events=("orders.created order-1" "orders.created order-2"
        "payments.received order-2" "payments.received order-1"
        "shipments.sent order-2" "shipments.sent order-1")
for event in "${events[@]}"; do
  read -r subject order <<<"$event"
  nats pub --quiet "$subject" "$order"
done
echo "published ${#events[@]} events on ${#subjects[@]} subjects at once"

# The single place where every message is handled. Because the merged order
# is not the publishing order, the loop records which steps each order has
# passed (`passed`), not just the last message seen; the status is the
# furthest step. It also keeps, per subject, the orders in the sequence
# they came (`per_subject`), which is the order NATS does guarantee.
declare -A passed per_subject
orders=()
handled=0
while read -r -d '' -t 5 msg <&3; do
  subject=$(jq -r .Subject <<<"$msg")
  order=$(jq -r '.Data | @base64d' <<<"$msg")
  handled=$((handled + 1))
  [[ " ${orders[*]} " == *" $order "* ]] || orders+=("$order")
  passed["$order ${step_of[$subject]}"]=1
  per_subject[$subject]+="${per_subject[$subject]:+, }$order"

  # A condition that depends on several subjects at once is easy here:
  # stop once every order heard of has passed all three steps.
  complete=yes
  for o in "${orders[@]}"; do
    for step in created paid shipped; do
      [[ -n ${passed["$o $step"]:-} ]] || complete=no
    done
  done
  if [[ $complete == yes ]]; then
    echo "every order created, paid and shipped after $handled messages, stopping"
    break
  fi
done

for subject in "${subjects[@]}"; do
  printf '%-18s in publishing order: %s\n' "$subject" "${per_subject[$subject]}"
done
status=()
for o in $(printf '%s\n' "${orders[@]}" | sort); do
  for step in created paid shipped; do
    [[ -n ${passed["$o $step"]:-} ]] && last=$step
  done
  status+=("$o=$last")
done
echo "final status: $(IFS=,; echo "${status[*]}" | sed 's/,/, /g')"
