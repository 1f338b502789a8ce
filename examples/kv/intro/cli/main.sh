#!/usr/bin/env bash
# `nats kv` is the key-value store from a terminal: `add` creates a bucket,
# `put`, `get` and `del` work on keys, `ls` lists them and `info` describes
# the bucket. This script goes through the everyday operations on a bucket
# of application settings.
set -euo pipefail

# Every `nats` command reads the server address from `NATS_URL`; set it
# here, with a fallback to a local server, so they all use the same one.
export NATS_URL="${NATS_URL:-nats://127.0.0.1:4222}"

# Start clean: delete the bucket if an interrupted run left it. `nats kv
# del BUCKET -f` deletes a whole bucket without asking; for a bucket that
# does not exist it fails with "bucket not found", which is fine here.
nats kv del settings -f 2>/dev/null || true

# Create a bucket for an application's settings. Behind the scenes this is
# a stream named `KV_settings`, keeping the latest value of every key.
# `nats kv add` prints the bucket's configuration, with the time it was
# created; that goes to /dev/null.
nats kv add settings > /dev/null
echo "created bucket 'settings'"

# `nats kv get` prints a header line, `settings > theme revision: 1
# created @ <time>`, a blank line and the value. `revision_of` picks the
# revision out of that header: the number that grows with every change in
# the bucket.
revision_of() {
  nats kv get settings "$1" | sed -n 's/.* revision: \([0-9]*\) .*/\1/p'
}

# `nats kv put` stores a value and prints it back. It does not print the
# new revision, so the script reads it with `nats kv get`. Keys may contain
# dots, which makes them hierarchical like subjects.
for entry in "theme dark" "language en" "ui.font.size 14"; do
  read -r key value <<<"$entry"
  nats kv put settings "$key" "$value" > /dev/null
  echo "put $key = '$value' -> revision $(revision_of "$key")"
done

# `nats kv get --raw` prints the value alone.
echo "get theme -> '$(nats kv get settings theme --raw)' (revision $(revision_of theme))"

# Putting a key again replaces its value; the revision moves on.
nats kv put settings theme light > /dev/null
echo "put theme = 'light' -> revision $(revision_of theme); get theme -> '$(nats kv get settings theme --raw)'"

# `nats kv ls BUCKET` lists the keys that currently have a value, one per
# line, in the order they were last written; `sort` makes the order
# stable.
keys() {
  echo "keys: $(nats kv ls settings | sort | paste -sd, - | sed 's/,/, /g')"
}
keys

# `nats kv del BUCKET KEY -f` removes a key. It writes a small delete
# marker rather than erasing the past, so watchers learn about the
# deletion. Reading the key now fails with "key not found" (exit status
# 1), and it is gone from the key list.
nats kv del settings language -f
if ! nats kv get settings language > /dev/null 2>&1; then
  echo "get language -> not found (deleted)"
fi
keys

# `nats kv info` describes the bucket, one `Name: value` line per setting.
# `Values Stored` counts the stored entries, delete markers included, and
# `History Kept` is how many values each key keeps (one by default; see the
# history example).
nats kv info settings | awk -F': ' '
  /Bucket Name:/   { bucket = $2 }
  /Values Stored:/ { values = $2 }
  /History Kept:/  { history = $2 }
  END { print "status: bucket=" bucket " values=" values " history=" history }'

# Clean up: deleting the bucket deletes its stream and every key.
nats kv del settings -f
