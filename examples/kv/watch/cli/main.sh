#!/usr/bin/env bash
# `nats kv watch BUCKET [KEY]` prints the current value of every key it
# covers, then every change as it happens, puts and deletes alike, until it
# is stopped. The key may be a pattern with the subject wildcards `*` and
# `>`, since keys are subjects under the hood. This script runs one
# watcher on the whole bucket and one on `lights.*`, and shows which
# changes each of them sees.
set -euo pipefail

# Every `nats` command reads the server address from `NATS_URL`; set it
# here, with a fallback to a local server, so they all use the same one.
export NATS_URL="${NATS_URL:-nats://127.0.0.1:4222}"

# The watchers run in the background; this trap ends them when the script
# exits.
pids=()
trap 'kill "${pids[@]}" 2>/dev/null || true' EXIT

# A bucket holding the state of a smart home, with some values already in
# it before anybody watches. (Start clean: delete the bucket first if an
# interrupted run left it; `-f` does not ask, and "bucket not found" is
# fine here.)
nats kv del home -f 2>/dev/null || true
nats kv add home > /dev/null
nats kv put home lights.kitchen off > /dev/null
nats kv put home lights.hall on > /dev/null
nats kv put home thermostat 20 > /dev/null

# Two watchers: one on every key, one on the pattern `lights.*`. Each is
# read on its own file descriptor, 3 and 4.
exec 3< <(nats kv watch home 2>/dev/null)
pids+=("$!")
exec 4< <(nats kv watch home 'lights.*' 2>/dev/null)
pids+=("$!")

# A watcher prints one line per entry: `[<time>] PUT home > lights.kitchen:
# off`, or `[<time>] DELETE home > lights.hall` for a delete. `show NAME FD`
# reads the next line, within two seconds, and prints it without the time.
show() {
  local line op key
  read -r -t 2 line <&"$2"
  line=${line#*] }
  op=${line%% *}
  key=${line#*> }
  if [[ $op == DELETE ]]; then
    echo "  [$1] $key deleted"
  else
    echo "  [$1] ${key%%: *} = '${key#*: }'"
  fi
}

# A new watcher starts with the current value of every matching key: three
# for the whole bucket, two for the lights. The lights watcher never hears
# about the thermostat. (Under the hood a client library's watcher also
# gets a marker saying it has delivered everything that was in the bucket
# when it started; `nats kv watch` does not print it.)
echo "initial values:"
for _ in 1 2 3; do show all 3; done
for _ in 1 2; do show lights 4; done

# From now on, every change is pushed to the watchers whose pattern matches
# it, as soon as it is stored.
echo "put lights.kitchen = 'on'"
nats kv put home lights.kitchen on > /dev/null
show all 3
show lights 4

echo "put thermostat = '21'"
nats kv put home thermostat 21 > /dev/null
show all 3

# `nats kv del BUCKET KEY -f` deletes a key without asking; the watchers
# see the delete marker it writes.
echo "delete lights.hall"
nats kv del home lights.hall -f
show all 3
show lights 4

# The thermostat change never reached the lights watcher: after the delete
# it has nothing left to report.
if ! read -r -t 0.5 line <&4; then
  echo "  [lights] no further updates"
fi

# Clean up: deleting the bucket deletes every key. The trap stops the
# watchers, which removes their consumers.
nats kv del home -f
