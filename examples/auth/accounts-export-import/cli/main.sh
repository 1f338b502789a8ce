#!/usr/bin/env bash
# The user a `nats` command connects as decides its account, and with it
# the subjects it can see. This script plays both sides of server.conf:
# the shop (account SHOP), which exports an inventory service and its order
# events, and a partner (account PARTNER), which imports both under a
# `shop.` name.
set -euo pipefail

# Every `nats` command reads the server address from `NATS_URL`; set it
# here, with a fallback to a local server, so they all use the same one.
export NATS_URL="${NATS_URL:-nats://127.0.0.1:4222}"

# The background subscribers are ended by this trap when the script exits.
pids=()
trap 'kill "${pids[@]}" 2>/dev/null || true' EXIT

# The two users, as `nats` flags: `shop` belongs to SHOP and `partner` to
# PARTNER.
shop=(--user shop --password shop-secret)
partner=(--user partner --password partner-secret)

# `nats sub` prints nothing once it has subscribed, so the script asks the
# server: `nats trace SUBJECT`, run as a user of the same account, routes a
# trace message without delivering it and names every connection that
# would receive it. Ask every tenth of a second, for at most five seconds.
wait_for_listener() {
  local name=$1 subject=$2
  shift 2
  for _ in {1..50}; do
    [[ $(nats trace "$@" "$subject") == *"Client \"$name\""* ]] && return 0
    sleep 0.1
  done
  echo "$name is not listening on $subject" >&2
  return 1
}

# The shop's inventory service answers on `inventory.check`. It is built
# from `nats sub` and `nats pub`, so it can show the reply subject each
# request came with: `--dump=-` prints the request as JSON (ended by a NUL
# byte), with its `Reply`. For a request that crossed accounts the server
# substitutes a reply subject of its own, starting with `_R_.`, so the
# requester's inbox never leaks into the shop's account. The service runs
# in the background, reading its subscriber on file descriptor 3.
exec 3< <(nats sub "${shop[@]}" --dump=- --count 1 --connection-name inventory \
  inventory.check 2>/dev/null)
pids+=("$!")
inventory() {
  local request item reply
  read -r -d '' -t 5 request
  item=$(jq -r '.Data | @base64d' <<<"$request")
  reply=$(jq -r .Reply <<<"$request")
  echo "shop: inventory.check '$item', reply subject starts with '${reply:0:4}'"
  nats pub "${shop[@]}" --quiet "$reply" "$item: 12 in stock"
}
inventory <&3 &
pids+=("$!")
wait_for_listener inventory inventory.check "${shop[@]}"

# The partner calls the service under the name it chose when importing it.
# The server forwards the request into SHOP's account and routes the answer
# back to the partner's private inbox.
reply=$(nats request "${partner[@]}" --raw shop.inventory.check widget)
echo "partner: request shop.inventory.check -> $reply"

# `inventory.check` in PARTNER's own namespace is a different subject from
# the shop's, and nobody in PARTNER listens on it: the server answers "no
# responders" at once. `nats request` logs that on stderr and exits with
# status 0, so the script checks the log.
out=$(nats request "${partner[@]}" --raw inventory.check widget 2>&1)
if [[ $out == *"No responders are available"* ]]; then
  echo "partner: request inventory.check -> no responders (not in this account)"
fi

# Now the stream. One `nats sub` as the partner listens three ways: on the
# imported subjects (`shop.orders.>`), on the shop's original subject name
# (`orders.>`, which in PARTNER's namespace is unrelated), and on
# `audit.>`, which the shop never exported. It prints each message as
# JSON, as above, on file descriptor 4.
listens=("shop.orders.>" "orders.>" "audit.>")
exec 4< <(nats sub "${partner[@]}" --dump=- --connection-name partner "${listens[@]}" 2>/dev/null)
pids+=("$!")
for pattern in "${listens[@]}"; do
  wait_for_listener partner "${pattern/>/x}" "${partner[@]}"
done

# The shop publishes an order event and an audit event, then
# `orders.done`, a marker on the exported subjects. Each `nats pub` waits
# until the server has its message, so the marker arrives after anything
# the first two could have delivered: when the partner sees it, nothing
# else is on its way.
nats pub "${shop[@]}" --quiet orders.created "order 1: 1 widget"
nats pub "${shop[@]}" --quiet audit.login "admin logged in"
nats pub "${shop[@]}" --quiet orders.done ""
echo "shop: published orders.created and audit.login"

# Read up to the marker, noting what arrived, by the pattern it matched.
# Only the exported stream arrives, renamed with the partner's prefix.
declare -A got
while read -r -d '' -t 5 msg <&4; do
  subject=$(jq -r .Subject <<<"$msg")
  [[ $subject == shop.orders.done ]] && break
  for pattern in "${listens[@]}"; do
    [[ $subject == ${pattern/>/*} ]] && got[$pattern]="$subject: $(jq -r '.Data | @base64d' <<<"$msg")"
  done
done
for pattern in "${listens[@]}"; do
  if [[ -n ${got[$pattern]:-} ]]; then
    echo "partner: on $pattern received ${got[$pattern]}"
  else
    echo "partner: on $pattern nothing"
  fi
done
