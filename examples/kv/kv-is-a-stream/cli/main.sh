#!/usr/bin/env bash
# A key-value bucket is a JetStream stream, and from a terminal both views
# are a command away: `nats kv` for the bucket, `nats stream` for the same
# data as stream `KV_<bucket>`. This script creates a bucket, puts values
# through it and one with a plain `nats pub`, deletes one key and purges
# another, then reads the stream message by message.
set -euo pipefail

# Every `nats` command reads the server address from `NATS_URL`; set it
# here, with a fallback to a local server, so they all use the same one.
export NATS_URL="${NATS_URL:-nats://127.0.0.1:4222}"

# Start clean: delete the bucket if an interrupted run left it (`-f` does
# not ask; "bucket not found" is fine here).
nats kv del profiles -f 2>/dev/null || true

# A bucket named `profiles`, keeping five revisions per key, is the stream
# `KV_profiles`, capturing `$KV.profiles.>`. `nats stream info --json`
# shows its configuration: `history` is the limit of messages per subject,
# and the bucket adds `discard=new`, `deny_delete` and `allow_rollup_hdrs`.
nats kv add profiles --history 5 > /dev/null
nats stream info KV_profiles --json | jq -r '.config |
  "bucket profiles is stream \(.name), subjects \(.subjects | join(", "))",
  "  max_msgs_per_subject=\(.max_msgs_per_subject) discard=\(.discard) deny_delete=\(.deny_delete) allow_rollup_hdrs=\(.allow_rollup_hdrs)"'

# A key is a subject, `$KV.profiles.<key>`, and a put is a publish on it.
# So a plain `nats pub` (quote the `$` from the shell) writes a key that
# `nats kv get` reads back; the key's revision is the message's stream
# sequence, shown in the header line `nats kv get` prints.
nats kv put profiles alice v1 > /dev/null
nats kv put profiles alice v2 > /dev/null
nats pub -J --quiet '$KV.profiles.bob' published
rev=$(nats kv get profiles bob | sed -n 's/.* revision: \([0-9]*\) .*/\1/p')
echo "publish \$KV.profiles.bob -> get bob = '$(nats kv get profiles bob --raw)' (rev $rev)"

# Two more revisions of carol. Then a delete and a purge (`-f`: without
# asking). A stream message cannot be edited, so both write a new, empty
# message: a delete with the header `KV-Operation: DEL`; a purge with
# `KV-Operation: PURGE` and `Nats-Rollup: sub`, which makes the server
# remove every earlier message of that subject.
nats kv put profiles carol c1 > /dev/null
nats kv put profiles carol c2 > /dev/null
nats kv del profiles alice -f
nats kv purge profiles carol -f

# Read the stream message by message with `nats stream get KV_profiles SEQ
# --json`: the subject, the data and the headers, each base64 encoded;
# the headers are the raw header block (`NATS/1.0`, then one `Name: value`
# line each), sorted here by name. A sequence the purge removed is "no
# message found".
echo "stream KV_profiles: $(nats stream state KV_profiles --json | jq .state.messages) messages"
for seq in {1..7}; do
  if ! msg=$(nats stream get KV_profiles "$seq" --json 2>/dev/null); then
    echo "  seq $seq: removed"
    continue
  fi
  subject=$(jq -r .subject <<<"$msg")
  data=$(jq -r '.data // "" | @base64d' <<<"$msg")
  headers=$(jq -r '.hdrs // "" | @base64d' <<<"$msg" | tr -d '\r' | { grep ': ' || true; } |
    sort | paste -sd, - | sed 's/,/, /g')
  if [[ -n $data ]]; then shown="'$data'"; else shown="(no data)"; fi
  echo "  seq $seq: $subject $shown${headers:+ $headers}"
done

# The bucket API reads those markers: `nats kv get` finds no alice, and
# `nats kv history` (a table; `awk` takes the operation and value columns)
# lists her values and then the delete, while carol's purge left only the
# purge marker. `nats kv ls` lists what is left.
if ! nats kv get profiles alice > /dev/null 2>&1; then
  echo "get alice -> not found"
fi
history() {
  nats kv history profiles "$1" |
    awk -F'│' '$4 ~ /PUT|DELETE|PURGE/ { gsub(/ /, "", $4); gsub(/ /, "", $7)
      printf "%s%s", sep, ($4 == "PUT" ? $7 : $4); sep = ", " } END { print "" }'
}
echo "history of alice: $(history alice)"
echo "history of carol: $(history carol)"
echo "keys: $(nats kv ls profiles | paste -sd, - | sed 's/,/, /g')"

# Clean up: deleting the bucket deletes its stream.
nats kv del profiles -f
