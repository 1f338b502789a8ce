#!/usr/bin/env bash
# A key-value bucket can keep several revisions of each key, and a write
# can be made conditional on the revision the writer last saw. natscli has
# a command for each: `nats kv history` and `nats kv get --revision` read
# the past, `nats kv update` writes only over a given revision, and `nats
# kv create` only where there is no value yet, optionally with a TTL.
set -euo pipefail

# Every `nats` command reads the server address from `NATS_URL`; set it
# here, with a fallback to a local server, so they all use the same one.
export NATS_URL="${NATS_URL:-nats://127.0.0.1:4222}"

# Start clean: delete the bucket if an interrupted run left it (`-f` does
# not ask; "bucket not found" is fine here).
nats kv del inventory -f 2>/dev/null || true

# `--history 5` keeps the last five values of every key instead of just
# the latest one (the maximum is 64). `--marker-ttl 1s` allows a TTL on
# single keys, used for the lock at the end (it needs nats-server 2.11 or
# later); it also sets how long the marker a key leaves when its TTL runs
# out is kept.
nats kv add inventory --history 5 --marker-ttl 1s > /dev/null

# Record the stock of widgets as it changes: seven writes to one key.
for stock in 10 9 8 12 11 10 9; do
  nats kv put inventory widgets "$stock" > /dev/null
done

# `nats kv history` draws a table of the revisions the bucket still holds,
# oldest first; `awk` takes the revision and value columns from its rows.
# Only the last five of the seven writes remain; older ones were dropped as
# new ones came in.
history=$(nats kv history inventory widgets |
  awk -F'│' '$4 ~ /PUT/ { gsub(/ /, ""); printf "%srev %s=%s", sep, $3, $7; sep = ", " }')
echo "history of widgets: $history"

# Any revision still held can be read directly; `--raw` prints the value
# alone.
echo "widgets at revision 4: $(nats kv get inventory widgets --revision 4 --raw)"

# `revision_of KEY` reads the key's current revision from the header line
# `nats kv get` prints: `inventory > widgets revision: 7 created @ <time>`.
revision_of() {
  nats kv get inventory "$1" | sed -n 's/.* revision: \([0-9]*\) .*/\1/p'
}

# Now two clerks sell widgets at the same time. Both read the current
# entry, and both see revision 7 with a stock of 9.
stock=$(nats kv get inventory widgets --raw)
seen=$(revision_of widgets)
echo "clerk A and clerk B both read stock $stock at rev $seen"

# `nats kv update BUCKET KEY VALUE REVISION` writes only if the key's
# latest revision is still REVISION. Clerk A is first: the condition holds,
# and the new value gets revision 8. (`nats kv update` prints the value it
# stored, not the revision, so the script reads that back.)
nats kv update inventory widgets 8 "$seen" > /dev/null
echo "clerk A sells 1: update(last=$seen) -> rev $(revision_of widgets)"

# Clerk B's write is based on a value that no longer exists. A plain `nats
# kv put` would silently overwrite A's sale; `nats kv update` is rejected:
# it exits with status 1 and the server's reason, `wrong last sequence: 8`
# (the revision the key is at now), inside a longer error line.
if ! out=$(nats kv update inventory widgets 8 "$seen" 2>&1); then
  reason=${out#*description=}
  echo "clerk B sells 1: update(last=$seen) -> rejected: ${reason%%: nats*}"
fi

# The fix is the usual optimistic-concurrency loop: read again, redo the
# change on the fresh value, and try again.
fresh=$(revision_of widgets)
stock=$(( $(nats kv get inventory widgets --raw) - 1 ))
nats kv update inventory widgets "$stock" "$fresh" > /dev/null
echo "clerk B retries on rev $fresh: stock $stock -> rev $(revision_of widgets)"

# `nats kv create` is the same check against "no value yet": it writes
# only if the key does not exist, which makes it a simple way to claim a
# name or take a lock. The second attempt fails with "key exists".
nats kv create inventory gadgets 100 > /dev/null
echo "create gadgets -> rev $(revision_of gadgets)"
if ! nats kv create inventory gadgets 50 > /dev/null 2>&1; then
  echo "create gadgets again -> rejected: key already exists"
fi

# A lock taken with a plain `create` never expires: if its holder crashes,
# the key stays and nobody can take the lock again. Give it a TTL instead:
# with `--ttl 1s` the server removes the key by itself once the second is
# up, unless the holder releases it first with `nats kv del`. Choose a TTL
# longer than the work the lock protects.
nats kv create inventory lock.report worker-1 --ttl 1s > /dev/null
echo "worker-1 takes lock.report with create --ttl 1s"
if ! nats kv create inventory lock.report worker-2 > /dev/null 2>&1; then
  echo "worker-2 create lock.report -> rejected while worker-1 holds it"
fi

# worker-1 then "crashes" and never releases the lock. worker-2 keeps
# trying every tenth of a second, for at most five seconds, and gets the
# lock once the TTL has expired.
for _ in {1..50}; do
  nats kv create inventory lock.report worker-2 > /dev/null 2>&1 && break
  sleep 0.1
done
echo "after the TTL: lock.report held by $(nats kv get inventory lock.report --raw)"

# Clean up: deleting the bucket deletes every key and revision.
nats kv del inventory -f
