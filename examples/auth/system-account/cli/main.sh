#!/usr/bin/env bash
# The `nats server` commands are clients of the system account: they send
# requests on `$SYS.REQ.>` subjects, which every server answers, so one
# login can look at every server of a deployment. This script logs in as
# `admin` of the account SYS (server.conf names it `system_account`),
# watches two application clients come and go, lists the servers and their
# connections, checks their health, and shows what an application user may
# ask.
set -euo pipefail

# Every `nats` command reads the server address from `NATS_URL`; set it
# here, with a fallback to a local server, so they all use the same one.
export NATS_URL="${NATS_URL:-nats://127.0.0.1:4222}"

# The monitor and the application clients run in the background; this
# trap ends them when the script exits.
pids=()
trap 'kill "${pids[@]}" 2>/dev/null || true' EXIT

# The two users, as `nats` flags: `admin` in SYS, `app` in APP.
admin=(--user admin --password admin-secret)
app=(--user app --password app-secret)

# Servers announce every client that connects to or disconnects from an
# account on `$SYS.ACCOUNT.<account>.CONNECT` and `.DISCONNECT`. The
# monitor subscribes to those of APP as `admin`; `--dump=-` prints each
# event as a JSON message (ended by a NUL byte) whose payload is the event,
# JSON again: its type and the client's account, user and name.
exec 3< <(nats sub "${admin[@]}" --dump=- --connection-name monitor \
  '$SYS.ACCOUNT.APP.CONNECT' '$SYS.ACCOUNT.APP.DISCONNECT' 2>/dev/null)
pids+=("$!")

# `nats trace` shows when the monitor's subscriptions are in place: run as
# `admin`, it routes a trace message in SYS without delivering it and
# names the connections that would receive it.
for _ in {1..50}; do
  [[ $(nats trace "${admin[@]}" '$SYS.ACCOUNT.APP.DISCONNECT') == *'Client "monitor"'* ]] && break
  sleep 0.1
done

# Every `nats` command is a connection of its own, so the monitor also sees
# the short-lived commands this script runs as `app`. `event NAME KIND`
# reads events, for at most five seconds each, until the one of the client
# NAME of that KIND, and prints it.
event() {
  local msg line
  while read -r -d '' -t 5 msg <&3; do
    line=$(jq -r '.Data | @base64d | fromjson
      | "event \(.type | split(".") | last): account \(.client.acc), user \(.client.user), \(.client.name)"' <<<"$msg")
    if [[ $line == "event $2: "*", $1" ]]; then
      echo "$line"
      return
    fi
  done
}

# Two application clients, each a `nats sub` that stays connected; the
# events above report them.
for name in orders billing; do
  nats sub "${app[@]}" --connection-name "$name" "$name.>" > /dev/null 2>&1 &
  pids+=("$!")
  event "$name" client_connect
done
billing=${pids[-1]}

# `nats server list N` sends `$SYS.REQ.SERVER.PING`, which every server
# answers with its identity and statistics, and waits for N answers;
# `--json` prints them for `jq`. Server IDs and timestamps change on every
# run, so the script prints the stable fields. The connections are the
# monitor, orders, billing and `nats server list` itself.
servers=$(nats server list 1 "${admin[@]}" --json)
echo "PING: $(jq length <<<"$servers") server(s) answered"
jq -r 'sort_by(.server.name)[] | "  \(.server.name): version \(.server.ver), \(.statsz.connections) connections, \(.statsz.active_accounts) active accounts"' <<<"$servers"

# `nats server request connections` asks every server for its connection
# list (the CONNZ endpoint, the same data the HTTP monitoring port serves),
# with each connection's account and user, and prints the answers as JSON.
# This command's own connection is named `connz`.
nats server request connections 1 "${admin[@]}" --connection-name connz |
  jq -r '"CONNZ from \(.server.name):", (.data.connections[] | "  \(.name): account \(.account), user \(.authorized_user)")'

# Any monitoring endpoint can be asked for directly with `nats request`:
# `$SYS.REQ.SERVER.PING.HEALTHZ` reaches every server, and each answers
# with its health (with one server, the first answer is all of them).
nats request "${admin[@]}" --raw '$SYS.REQ.SERVER.PING.HEALTHZ' '' |
  jq -r '"HEALTHZ from \(.server.name): \(.data.status)"'

# What can an application account ask? Every account gets three system
# requests imported by the server, each answered about that account only:
# `$SYS.REQ.SERVER.PING.CONNZ` and `$SYS.REQ.ACCOUNT.PING.CONNZ` list its
# own connections, and `$SYS.REQ.ACCOUNT.PING.STATZ` gives its own message
# and connection counts. Even with `auth`, the answer shows APP only: the
# monitor in SYS is not in it. The asking command is a connection of APP
# too, here named `asker`.
names=$(nats request "${app[@]}" --connection-name asker --raw '$SYS.REQ.ACCOUNT.PING.CONNZ' \
  '{"auth": true}' | jq -r '[.data.connections[].name] | sort | join(", ")')
echo "app (account APP): \$SYS.REQ.ACCOUNT.PING.CONNZ -> $names"

# Everything else under `$SYS` is out of reach. The server-wide PING,
# VARZ, HEALTHZ, the events: in APP those are ordinary subjects that nobody
# serves, so a request finds no responders. `nats request` logs that on
# stderr and exits with status 0, so the script checks the log.
out=$(nats request "${app[@]}" --raw '$SYS.REQ.SERVER.PING' '' 2>&1)
if [[ $out == *"No responders are available"* ]]; then
  echo "app (account APP): \$SYS.REQ.SERVER.PING -> no responders"
fi

# Stopping a client produces a DISCONNECT event.
kill "$billing"
event billing client_disconnect
