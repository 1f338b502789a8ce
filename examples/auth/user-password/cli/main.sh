#!/usr/bin/env bash
# Every `nats` command connects as a user with `--user` and `--password`
# (or the variables `NATS_USER` and `NATS_PASSWORD`, or a URL of the form
# `nats://web:web-secret@host:4222`). This script runs against the server
# configured in server.conf, with two users and their permissions: a wrong
# password is refused, a request the permissions allow goes through, and
# three operations they forbid are reported.
set -euo pipefail

# Every `nats` command reads the server address from `NATS_URL`; set it
# here, with a fallback to a local server, so they all use the same one.
export NATS_URL="${NATS_URL:-nats://127.0.0.1:4222}"

# The order service runs in the background; this trap ends it if the
# script stops early.
pids=()
trap 'kill "${pids[@]}" 2>/dev/null || true' EXIT

# The two users, as `nats` flags. The name and password travel in the
# CONNECT message, so use TLS when the network is not trusted.
web=(--user web --password web-secret)
orders=(--user orders --password orders-secret)

# First, a wrong password. The server answers the CONNECT with
# "Authorization Violation" and closes the connection; the command exits
# with status 1 and prints `nats: error: nats: Authorization Violation`.
if ! out=$(nats pub --user web --password not-the-password orders.new "2 coffees" 2>&1); then
  echo "connect as web with a wrong password -> ${out#nats: error: }"
fi

# The order service, as the user `orders`: `nats reply` subscribes to
# `orders.>`, which its permissions allow, and answers each request with
# the body template `order accepted: {{.Request}}` (`{{.Request}}` is the
# request's payload). The user may publish nothing at all, except that
# `allow_responses` lets it answer each request it receives, once, on that
# request's reply subject. `--count 1` stops it after one request. It logs
# `Listening on ...` on stderr once the server has confirmed the
# subscription, and the script waits for that line on file descriptor 3.
exec 3< <(nats reply "${orders[@]}" 'orders.>' 'order accepted: {{.Request}}' --count 1 2>&1 >/dev/null)
pids+=("$!")
while read -r line <&3; do
  [[ $line == *"Listening on"* ]] && break
done
echo "orders: listening on orders.>"

# The web user may publish to `orders.>` and subscribe to `_INBOX.>`, which
# is exactly what a request needs: publish the question, receive the answer
# on a private inbox.
echo "web: request orders.new -> $(nats request "${web[@]}" --raw orders.new "2 coffees")"

# Publishing outside the permissions is not refused at once: the server
# drops the message and reports a permissions violation to the client
# afterwards, and the connection stays up. `nats pub` waits for the
# server's answer before it exits, so it sees the report, and fails with
# it. `fails USER COMMAND...` runs a command that should fail that way and
# prints its error after the user's name.
fails() {
  local user=$1 out
  shift
  if out=$("$@" 2>&1 >/dev/null); then
    echo "$user: unexpectedly allowed" >&2
    return 1
  fi
  echo "$user: error: $(grep -o 'nats: permissions violation.*' <<<"$out" | tail -1)"
}
fails web nats pub "${web[@]}" admin.shutdown now

# The same goes for subscribing: the order service may not listen on
# `payments.>`. `nats sub` checks for an error once the server has handled
# its subscription, and stops with it.
fails orders nats sub "${orders[@]}" 'payments.>' --count 1

# Even with `allow_responses`, the service cannot publish on its own.
fails orders nats pub "${orders[@]}" orders.shipped "order 1"

# The service stopped after its one request; read the rest of its log so
# it can finish, and wait for it (`nats reply` exits with status 1 when
# `--count` is reached, which is expected here).
cat <&3 > /dev/null
wait "${pids[@]}" || true
