#!/usr/bin/env bash
# With natscli, the `nats` command, publish-subscribe is two commands:
# `nats pub` sends a message and `nats sub` prints what arrives. At a
# keyboard you would run them in two terminals; this script runs the
# subscribers in the background instead, and reads what they print.
set -euo pipefail

# natscli takes the server address from `NATS_URL` on its own (it is the
# default of the global `--server` flag). Exporting it with a fallback to
# a local server makes every `nats` command below use the same one.
export NATS_URL="${NATS_URL:-nats://127.0.0.1:4222}"

# Each background subscriber is recorded here; when the script exits, for
# whatever reason, the trap stops any of them still running.
pids=()
trap 'kill "${pids[@]}" 2>/dev/null || true' EXIT

# Publish while nobody is subscribed. `nats pub` connects, sends one
# message, waits for the server to have it, and exits; `--quiet` drops the
# line it would otherwise log. The server finds no interest in
# `weather.oslo` and drops the message. The publisher is not told: core
# NATS delivers at most once, to whoever listens at that moment.
nats pub --quiet weather.oslo "12°C fog"
echo "published weather.oslo: 12°C fog (nobody subscribed yet)"

# `nats sub --raw` prints nothing when its subscription is in place, so
# the script asks the server instead. `nats trace weather.oslo` sends a
# trace message that is routed but never delivered, and lists every
# subscription that would have received it, by connection name. This
# function waits, up to five seconds, until the list names the given one.
wait_for_subscriber() {
  for _ in {1..50}; do
    [[ $(nats trace weather.oslo) == *"Client \"$1\""* ]] && return 0
    sleep 0.1
  done
  echo "subscriber $1 never subscribed" >&2
  return 1
}

# Start subscriber A. `--raw` makes `nats sub` print each payload alone
# on its own line, without its usual header, and `--count 2` makes it
# exit after the second message; `--connection-name A` is the name the
# trace shows. Its output is opened as file descriptor 3, so the script
# can read it one message at a time.
exec 3< <(nats sub --raw --count 2 --connection-name A weather.oslo)
pids+=("$!")
wait_for_subscriber A

# The fog report is not waiting for A: it was gone before A subscribed.
# `read -t 1` waits one second for a line and gives up. A only subscribes
# to `weather.oslo`, so that is the subject of anything it prints.
if read -r -t 1 data <&3; then
  echo "subscriber A received weather.oslo: $data"
else
  echo "subscriber A: nothing received"
fi

# A message published now reaches A.
nats pub --quiet weather.oslo "14°C rain"
echo "published weather.oslo: 14°C rain"
read -r -t 5 data <&3
echo "subscriber A received weather.oslo: $data"

# Subscriber B subscribes to the same subject, on file descriptor 4, and
# exits after one message. Again, wait until the server knows it.
exec 4< <(nats sub --raw --count 1 --connection-name B weather.oslo)
pids+=("$!")
wait_for_subscriber B

# One publish now reaches both subscribers, each with its own copy. This
# fan-out lets one event feed a dashboard, an alerting service and an
# archive at once, while the publisher knows none of them.
nats pub --quiet weather.oslo "16°C sun"
echo "published weather.oslo: 16°C sun"
read -r -t 5 data <&3
echo "subscriber A received weather.oslo: $data"
read -r -t 5 data <&4
echo "subscriber B received weather.oslo: $data"

# Both subscribers have had their count of messages, so they unsubscribe
# and exit by themselves: wait for them, then close their descriptors.
wait "${pids[@]}"
exec 3<&- 4<&-
