#!/usr/bin/env bash
# `nats service` (also spelled `nats micro`) is the services framework from
# a terminal. Services with endpoints of your own are written with a client
# library (the other languages show one), but every service, in any
# language, answers the same discovery requests, and natscli reads them:
# `nats service list`, `ping`, `info` and `stats`. To have something to
# discover, this script runs natscli's demo service, `nats service serve`,
# twice, calls it, and asks what is running.
set -euo pipefail

# Every `nats` command reads the server address from `NATS_URL`; set it
# here, with a fallback to a local server, so they all use the same one.
export NATS_URL="${NATS_URL:-nats://127.0.0.1:4222}"

# The service instances run in the background; this trap ends them when the
# script exits.
pids=()
trap 'kill "${pids[@]}" 2>/dev/null || true' EXIT

# `nats service serve text` starts one instance of a service named `text`,
# version 1.0.0, with one endpoint, `echo`, in a group named after the
# service: it listens on `text.echo` and replies with what it was sent.
# Every endpoint is a queue subscription (group `q` unless told otherwise),
# so starting a second instance spreads the requests over both. Their
# output, a log of requests with the time of day, is thrown away.
for _ in 1 2; do
  nats service serve text > /dev/null 2>&1 &
  pids+=("$!")
done

# `nats service list --json` asks every service instance to describe
# itself (a `$SRV.INFO` request) and prints the answers as a JSON list;
# `jq` counts the instances of `text`. natscli gathers answers until its
# `--timeout`; with none at all it fails with "no service instances
# found", which counts as 0. Ask every tenth of a second, for at most five
# seconds, until both are up.
instances() {
  nats service list text --json --timeout 0.5s 2>/dev/null | jq length || echo 0
}
for _ in {1..50}; do
  (( $(instances) == 2 )) && break
  sleep 0.1
done
echo "service text 1.0.0 started, $(instances) instances"

# `nats service request SERVICE ENDPOINT PAYLOAD` calls an endpoint by name:
# a plain NATS request to its subject, `text.echo`. `--raw` prints only the
# reply's payload, followed by blank lines that `sed` drops.
for text in "hello nats" "the quick brown fox"; do
  reply=$(nats service request text echo "$text" --raw | sed '/^$/d')
  echo "text.echo '$text' -> '$reply'"
done

# Every service answers three discovery requests on `$SRV.<verb>`,
# optionally narrowed by service name and instance ID: PING finds running
# instances, INFO describes their endpoints and STATS reports request
# counts and errors. natscli sends them and gathers every reply; with
# `--json` it prints them as they came, for `jq` to read. (A program can
# send the same requests: `nats request '$SRV.PING.text' ''` gets one
# instance's answer.)
#
# `nats service ping` collects answers until its `--timeout` (here one
# second) and prints one line per instance, `text <id> rtt=<time>`; count
# them.
echo "PING: $(nats service ping text --timeout 1s | grep -c '^text ') instances of text answered"

# INFO: the service's description and its endpoints, with their subjects
# and queue groups. Both instances describe the same service; read the
# first.
nats service info text --json | jq -r '"INFO: \(.info.name) - \(.info.description)",
  (.info.endpoints[] | "  endpoint \(.name) on \(.subject) (queue group \(.queue_group))")'

# STATS: each instance counts the requests and errors of each endpoint.
# Which instance got which request is up to the server, so add them up.
nats service stats text --json | jq -r '"STATS:",
  "  echo: \([.[].endpoints[0].num_requests] | add) request(s), \([.[].endpoints[0].num_errors] | add) error(s), over \(length) instances"'

# The trap stops both instances when the script ends; a stopped instance
# no longer answers discovery requests.
