#!/usr/bin/env bash
# With nkeys, a `nats` command authenticates with a seed file instead of a
# password: `--nkey FILE`, or the variable `NATS_NKEY`. On connect the
# server sends a random nonce, natscli signs it with the seed, and the
# server checks the signature against the public key in its config
# (server.conf). `nats auth nkey` makes and inspects the keys.
set -euo pipefail

# Every `nats` command reads the server address from `NATS_URL`; set it
# here, with a fallback to a local server, so they all use the same one.
export NATS_URL="${NATS_URL:-nats://127.0.0.1:4222}"

# The service runs in the background and a stranger's seed is written to a
# temporary folder; this trap ends the one and removes the other.
tmp=$(mktemp -d)
pids=()
trap 'kill "${pids[@]}" 2>/dev/null || true; rm -rf "$tmp"' EXIT

# `user.nk`, next to this script, holds the user's *seed*: the private
# key, encoded so it starts with `SU` (seed, user). It is committed only so
# the example runs as is. A real seed is a secret, like a password: never
# commit it; give it to the command through a secret store or a mounted
# file, readable by its owner only.
#
# `nats auth nkey show` derives the public key from the seed. It starts
# with `U`, and it is exactly what server.conf lists under `nkey`.
seed_file="$(dirname "$0")/user.nk"
echo "public key from user.nk: $(nats auth nkey show "$seed_file")"

# The service: `nats reply` authenticated with `--nkey`, answering each
# request on `greet` with `hello, ` and the request's payload (the body
# template `{{.Request}}`), and stopping after one. Its log on stderr says
# `Listening on ...` once the server has confirmed the subscription; the
# script waits for that line on file descriptor 3.
exec 3< <(nats reply --nkey "$seed_file" greet 'hello, {{.Request}}' --count 1 2>&1 >/dev/null)
pids+=("$!")
while read -r line <&3; do
  [[ $line == *"Listening on"* ]] && break
done
echo "service: connected with --nkey (a seed file)"

# The client authenticates as the same user, through the variable
# `NATS_NKEY` this time: every `nats` command reads it, so a shell can set
# it once.
reply=$(NATS_NKEY=$seed_file nats request --raw greet nkeys)
echo "client: connected with NATS_NKEY, request greet -> $reply"

# A key pair the server has never heard of is refused, however valid its
# signature. `nats auth nkey gen user` makes a new user seed (`--output`
# writes it to a file); the connection fails with "Authorization
# Violation" and the command exits with status 1.
nats auth nkey gen user --output "$tmp/stranger.nk"
if ! out=$(nats pub --nkey "$tmp/stranger.nk" greet stranger 2>&1); then
  echo "connect with an unknown nkey -> ${out#nats: error: }"
fi

# The service stopped after its one request; read the rest of its log so
# it can finish, and wait for it (`nats reply` exits with status 1 when
# `--count` is reached, which is expected here).
cat <&3 > /dev/null
wait "${pids[@]}" || true
