#!/usr/bin/env bash
# A bucket's `--ttl` removes every value a fixed time after it was written,
# and since nats-server 2.11 a key can be created with a TTL of its own
# (`nats kv create --ttl`). Expiry is done by the server, quietly, unless
# the bucket has *limit markers* (`--marker-ttl`): then the server writes a
# marker where the last value of a key was, which watchers receive as a
# purge. This script watches two buckets, one with markers and one
# without, as their sessions expire.
set -euo pipefail

# Every `nats` command reads the server address from `NATS_URL`; set it
# here, with a fallback to a local server, so they all use the same one.
export NATS_URL="${NATS_URL:-nats://127.0.0.1:4222}"

# The watchers run in the background; this trap ends them when the script
# exits.
pids=()
trap 'kill "${pids[@]}" 2>/dev/null || true' EXIT

# Start clean: delete the buckets if an interrupted run left them (`-f`
# does not ask; "bucket not found" is fine here). Both keep values for 2
# seconds (`--ttl 2s`, the stream's maximum age). `marked` also has
# `--marker-ttl 1s`: a marker for each expired key, kept for one second,
# and TTLs on single keys allowed.
for bucket in quiet marked; do
  nats kv del "$bucket" -f 2>/dev/null || true
done
nats kv add quiet --ttl 2s > /dev/null
nats kv add marked --ttl 2s --marker-ttl 1s > /dev/null
echo "buckets quiet and marked: ttl=2s; marked also has limit_marker_ttl=1s"

# A watcher on each bucket, as a cache kept in sync would use, read on file
# descriptors 3 (quiet) and 4 (marked). Each prints one line per change:
# `[<time>] PUT marked > session.bob: token-b`, or `[<time>] PURGE marked >
# session.bob` for a purge. The buckets are empty, so there is nothing to
# catch up on.
exec 3< <(nats kv watch quiet 2>/dev/null)
pids+=("$!")
exec 4< <(nats kv watch marked 2>/dev/null)
pids+=("$!")
declare -A fd_of=([quiet]=3 [marked]=4)

# `show BUCKET` reads the watcher's next line, for at most four seconds,
# and prints it without the time of day.
show() {
  local line op key
  read -r -t 4 line <&"${fd_of[$1]}"
  line=${line#*] }
  op=${line%% *}
  key=${line#*> }
  if [[ $op == PURGE ]]; then
    echo "  [$1] $key expired: the server purged it"
  else
    echo "  [$1] ${key%%: *} = '${key#*: }'"
  fi
}

# A session for alice in each bucket, and one for bob in `marked` with a
# TTL of its own, 1 second (`nats kv create` writes only a new key).
# Each watcher reports the puts. Then the server expires bob after 1 s
# and alice after 2 s, and `marked`'s watcher hears of both: each marker
# is a purge.
nats kv put quiet session.alice token-a > /dev/null
nats kv put marked session.alice token-a > /dev/null
nats kv create marked session.bob token-b --ttl 1s > /dev/null
show quiet
show marked
show marked
show marked
show marked

# The `quiet` bucket's watcher is never told: its copy of alice's session
# would stay in a cache forever.
if ! read -r -t 0.5 line <&3; then
  echo "  [quiet] nothing, though session.alice is gone"
fi

# Either way, `nats kv get` no longer finds the key: it fails with "key not
# found" (for a marker as for a key that never existed).
lookup() {
  if nats kv get "$1" session.alice > /dev/null 2>&1; then echo "found"; else echo "not found"; fi
}
echo "get session.alice: quiet -> $(lookup quiet), marked -> $(lookup marked)"

# The markers expire in turn, after their own second: poll `nats kv info`
# (its `Values Stored` line) every tenth of a second until none is left,
# for at most five seconds.
for _ in {1..50}; do
  values=$(nats kv info marked | awk -F': ' '/Values Stored:/ { print $2 }')
  (( values == 0 )) && break
  sleep 0.1
done
echo "a second later the markers are gone too: marked holds $values values"

# Clean up: the trap stops the watchers; delete the buckets.
for bucket in quiet marked; do
  nats kv del "$bucket" -f
done
