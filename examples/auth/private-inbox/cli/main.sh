#!/usr/bin/env bash
# `nats request` receives its reply on an *inbox*, a subject starting with
# `_INBOX.` and a random token, which its user must be allowed to
# subscribe to. The global flag `--inbox-prefix` (or a context's inbox
# prefix) makes natscli use `<prefix>.<random>` instead, so a user can be
# allowed its own inboxes only. This script runs against the server in
# server.conf: a bank service, alice and bob with private prefixes, and
# eve, who may subscribe to all of `_INBOX.>`.
set -euo pipefail

# Every `nats` command reads the server address from `NATS_URL`; set it
# here, with a fallback to a local server, so they all use the same one.
export NATS_URL="${NATS_URL:-nats://127.0.0.1:4222}"

# The bank and eve run in the background; this trap ends them when the
# script exits.
pids=()
trap 'kill "${pids[@]}" 2>/dev/null || true' EXIT

# `as USER` gives the flags that log in as that user (each password is the
# user's name followed by `-secret`).
as() {
  echo --user "$1" --password "$1-secret"
}

# The bank answers balance requests on `bank.balance`. `nats reply` takes
# the answer as a Go template: `{{.Request}}` is the request's payload,
# the customer's name, and `eq` picks the balance. It may publish nothing
# but the one reply each request allows (`allow_responses`). It logs
# `Listening on ...` once the server has its subscription; the script
# waits for that line on file descriptor 3.
exec 3< <(nats reply $(as bank) bank.balance \
  '{{.Request}}: {{if eq .Request "alice"}}120{{else}}75{{end}} EUR' 2>&1 >/dev/null)
pids+=("$!")
while read -r line <&3; do
  [[ $line == *"Listening on"* ]] && break
done

# eve has the permission found in many configs, `_INBOX.>`: any inbox at
# all. She subscribes to all of them, printing each message as JSON ended
# by a NUL byte (`--dump=-`) on file descriptor 4.
#
# `nats sub` prints nothing once it has subscribed, and eve may publish to
# `bank.>` only, so the usual check, a `nats trace` of her subject, is
# refused too. What she may do is ask the bank herself: once her listener
# is in place, it hears her own reply as well. So she asks until it does,
# once a second, for at most ten tries.
exec 4< <(nats sub $(as eve) --dump=- '_INBOX.>' 2>/dev/null)
pids+=("$!")
for _ in {1..10}; do
  nats request $(as eve) --raw bank.balance eve > /dev/null
  read -r -d '' -t 1 msg <&4 && break
done

# alice asks for her balance with `--inbox-prefix _INBOX.alice`, the prefix
# her permissions allow, and gets her answer. But eve reads it too: alice's
# inbox is under `_INBOX.>`. (Her listener may still get a late copy of
# her own replies; the script reads on to the first one on alice's
# prefix.)
echo "alice: request bank.balance -> '$(nats request $(as alice) --inbox-prefix _INBOX.alice --raw bank.balance alice)'"
while read -r -d '' -t 5 leaked <&4; do
  subject=$(jq -r .Subject <<<"$leaked")
  [[ $subject == _INBOX.alice.* ]] && break
done
echo "eve, allowed _INBOX.>, overheard on $(cut -d. -f1-2 <<<"$subject").*.*: '$(jq -r '.Data | @base64d' <<<"$leaked")'"

# bob's permissions allow `_INBOX.bob.>` only. When he tries to listen to
# all inboxes, or to alice's, the server refuses the subscription and
# `nats sub` exits with the permissions violation.
echo "bob tries to listen to other inboxes:"
for pattern in '_INBOX.>' '_INBOX.alice.>'; do
  out=$(nats sub $(as bob) "$pattern" 2>&1 || true)
  echo "  bob: error: $(grep -o 'nats: permissions violation.*' <<<"$out" | tail -1)"
done

# Without the prefix, bob's own request fails: its reply inbox,
# `_INBOX.<random>.<random>`, is outside his permissions. The server
# refuses that subscription (natscli logs it, after the time of day, as
# an unexpected error), the bank's answer has nowhere to go, and `nats
# request` gives up after its `--timeout`, printing no reply and exiting
# with status 0. The script prints the error with the random tokens
# replaced.
echo "bob requests without inbox_prefix:"
out=$(nats request $(as bob) --timeout 1s --raw bank.balance bob 2>&1)
error=$(grep -o 'nats: permissions violation.*' <<<"$out" | sed -E 's/_INBOX\.[A-Za-z0-9]+\.[A-Za-z0-9]+/_INBOX.<random>.<random>/')
echo "  bob: error: $error"
[[ -z $(grep -v 'permissions violation' <<<"$out" | sed '/^$/d') ]] &&
  echo "  bob: request bank.balance -> timed out"

# With his prefix, it works.
echo "bob with inbox_prefix _INBOX.bob: request bank.balance -> '$(nats request $(as bob) --inbox-prefix _INBOX.bob --raw bank.balance bob)'"

# The trap stops the bank and eve's listener.
