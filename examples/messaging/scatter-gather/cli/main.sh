#!/usr/bin/env bash
# `nats request` stops at the first reply unless told otherwise: with
# `--replies N` it gathers N replies, and with `--replies 0` every reply
# that arrives before its `--timeout`. That is scatter-gather from a
# terminal. This script starts four shops that quote a price, gathers
# their quotes until a deadline and until a count, then asks for a product
# nobody sells.
set -euo pipefail

# Every `nats` command reads the server address from `NATS_URL`; set it
# here, with a fallback to a local server, so they all use the same one.
export NATS_URL="${NATS_URL:-nats://127.0.0.1:4222}"

# The shops run in the background; this trap ends them when the script
# exits.
pids=()
trap 'kill "${pids[@]}" 2>/dev/null || true' EXIT

# Four shops answer on `quote.coffee`, each a `nats reply` with a
# `--command` that waits a while and prints the shop's name and price
# (natscli runs the command without a shell, so `sh -c` provides one).
# `slow-brew` is so slow that it will miss the requester's deadline.
#
# `nats reply` always subscribes in a queue group, and members of one
# group share the requests. Giving each shop a group of its own (its name)
# makes every shop receive every request, as plain subscriptions would.
#
# Each shop logs `Listening on ...` on stderr once the server has
# confirmed its subscription; the script reads that line on the shop's
# file descriptor (stdout, the requests' payloads, is thrown away).
shops=("cafe-corner 0.05 3.40" "daily-grind 0.10 2.90" "bean-barn 0.20 3.10" "slow-brew 1.00 2.50")
for shop in "${shops[@]}"; do
  read -r name delay price <<<"$shop"
  exec {fd}< <(nats reply quote.coffee --queue "$name" \
    --command "sh -c 'sleep $delay; printf \"$name $price\"'" 2>&1 >/dev/null)
  pids+=("$!")
  while read -r line <&"$fd"; do
    [[ $line == *"Listening on"* ]] && break
  done
done

# First round: `--replies 0` keeps reading replies until `--timeout` has
# passed since the request went out, here half a second. `--raw` prints
# each reply's payload, and a blank line after it that `sed` drops.
# Three shops make it; `slow-brew`
# does not, and `nats request` does not wait for it: it unsubscribes from
# its reply subject, and the late quote finds nobody listening. Replies
# arrive in whatever order the shops finish, so sort them.
quotes=$(nats request --raw --replies 0 --timeout 0.5s quote.coffee "" | sed '/^$/d' | sort)
echo "gathered $(wc -l <<<"$quotes") quotes before the deadline:"
while read -r name price; do
  echo "  $name: $price"
done <<<"$quotes"
read -r name price < <(sort -k2 -n <<<"$quotes")
echo "cheapest: $name at $price"

# Second round: `--replies 2` stops as soon as two replies are in. This
# trades completeness for latency, for example when any two answers are
# enough to go on. The two fastest shops answer first.
quotes=$(nats request --raw --replies 2 --timeout 0.5s quote.coffee "" | sed '/^$/d' | cut -d' ' -f1 | sort)
echo "gathered the first 2 quotes: $(paste -sd, - <<<"$quotes" | sed 's/,/, /g')"

# Third round: no shop sells tea. Instead of waiting out the deadline,
# `nats request` learns at once that nobody is listening: the server
# answers the reply subject with a "no responders" status. natscli logs
# it on stderr, after the time of day, prints no reply and exits with
# status 0, so the script checks the log.
out=$(nats request --raw --replies 0 --timeout 0.5s quote.tea "" 2>&1)
if [[ $out == *"No responders are available"* ]]; then
  echo "nobody answers quote.tea: no responders"
fi
echo "gathered $(grep -vc "No responders" <<<"$out" || true) tea quotes"
