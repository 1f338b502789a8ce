#!/usr/bin/env bash
# In operator mode the server trusts one operator key, and a user proves
# who it is with a *creds file*: its JWT, signed by its account, which is
# signed by the operator, and its private key. Every `nats` command takes
# one with `--creds FILE` (or the variable `NATS_CREDS`). This script reads
# alice's creds file, decodes her JWT, connects alice and bob and has them
# talk, then shows two forged creds refused.
set -euo pipefail

# Every `nats` command reads the server address from `NATS_URL`; set it
# here, with a fallback to a local server, so they all use the same one.
export NATS_URL="${NATS_URL:-nats://127.0.0.1:4222}"

# The recorder mints an operator, the account APP and its users alice and
# bob for each run, the way `nsc` would, and names each user's creds file
# in `NATS_CREDS_APP_<USER>`; against a server of your own, make them with
# `nsc` and set these two variables. Forged files go to a temporary
# folder; the trap removes it and ends bob's service.
alice=${NATS_CREDS_APP_ALICE:?the creds file of alice}
bob=${NATS_CREDS_APP_BOB:?the creds file of bob}
tmp=$(mktemp -d)
pids=()
trap 'kill "${pids[@]}" 2>/dev/null || true; rm -rf "$tmp"' EXIT

# A creds file holds two blocks between `-----BEGIN` and `------END`
# lines: the user JWT, then the user's nkey seed (its private key,
# starting with `SU`). `block NAME FILE` prints the line inside one.
block() {
  sed -n "/BEGIN $1/,/END $1/{/-----/d;p}" "$2"
}
jwt=$(block "NATS USER JWT" "$alice")
seed=$(block "USER NKEY SEED" "$alice")
echo "creds file: a JWT of $(tr . '\n' <<<"$jwt" | wc -l) parts and a seed of kind ${seed:0:2}"

# A JWT is three base64url parts, joined by dots: a header, the claims and
# a signature. `decode N` turns part N into JSON for `jq` (base64url uses
# `-` and `_` where base64 has `+` and `/`).
decode() {
  jq -R "split(\".\")[$1] | gsub(\"-\"; \"+\") | gsub(\"_\"; \"/\") | @base64d | fromjson" <<<"$jwt"
}
decode 0 | jq -r '"header: typ \(.typ), alg \(.alg)"'

# The claims say who the user is (`name`, and `sub`, its public key),
# who vouches for it (`iss`, the account's public key, which signed the
# JWT) and, under `nats`, what it may do: publish and subscribe
# permissions, limits. Public keys start with a letter saying what they
# are: `U` for a user, `A` for an account, `O` for the operator.
decode 1 | jq -r '"claims: \(keys | join(", "))",
  "  type \(.nats.type), name \(.name), sub \(.sub[0:1])..., iss \(.iss[0:1])..."'

# `nats account info --creds` connects as alice and shows whom the server
# took her for: her user and her account, each with its public key in
# brackets.
nats account info --creds "$alice" | awk -F': ' '
  /^ *User:/ { split($2, u, " ") } /^ *Account:/ { split($2, a, " ") }
  END { print "alice connected: user " u[1] " of account " a[1] }'

# bob answers on `greet` (`nats reply --creds`, for one request); it logs
# `Listening on ...` once the server has his subscription, and the script
# waits for that line. Both users are in APP, so they share its subjects.
exec 3< <(nats reply --creds "$bob" greet 'hello {{.Request}}, from bob' --count 1 2>&1 >/dev/null)
pids+=("$!")
while read -r line <&3; do
  [[ $line == *"Listening on"* ]] && break
done
echo "alice asked bob: $(nats request --creds "$alice" --raw greet alice)"
cat <&3 > /dev/null

# Forged creds are refused. On connect, the server sends a random nonce
# and the client signs it with the seed; the server checks that signature
# against the public key in the JWT (`sub`), and the JWT's own signature
# against the account. `creds JWT SEED FILE` writes a creds file.
creds() {
  printf -- '-----BEGIN NATS USER JWT-----\n%s\n------END NATS USER JWT------\n\n-----BEGIN USER NKEY SEED-----\n%s\n------END USER NKEY SEED------\n' \
    "$1" "$2" > "$3"
}
refused() {
  local out
  out=$(nats pub --creds "$1" greet forged 2>&1) && { echo "accepted"; return; }
  echo "refused, ${out#nats: error: }"
}

# First, alice's JWT with another key (`nats auth nkey gen user` makes a
# new user seed): the nonce's signature does not match the JWT.
creds "$jwt" "$(nats auth nkey gen user)" "$tmp/other-seed.creds"
echo "alice's JWT, another seed: $(refused "$tmp/other-seed.creds")"

# Then alice's own seed with an edited JWT: the claims say `admin` now,
# but the account's signature no longer matches them.
edited=$(decode 1 | jq -c '.name = "admin"' | base64 -w0 | tr '+/' '-_' | tr -d '=')
creds "$(cut -d. -f1 <<<"$jwt").$edited.$(cut -d. -f3 <<<"$jwt")" "$seed" "$tmp/edited.creds"
echo "alice's JWT edited: $(refused "$tmp/edited.creds")"
