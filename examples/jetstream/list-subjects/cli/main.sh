#!/usr/bin/env bash
# `nats stream subjects STREAM [FILTER]` lists the subjects a stream holds
# messages for, with the number of messages on each. This script fills a
# stream with sensor readings, lists its subjects with and without
# wildcard filters, then purges one subject and lists again.
set -euo pipefail

# Every `nats` command reads the server address from `NATS_URL`; set it
# here, with a fallback to a local server, so they all use the same one.
export NATS_URL="${NATS_URL:-nats://127.0.0.1:4222}"

# Start clean: delete the stream if an interrupted run left it (`rm -f`
# does not ask; "stream not found" is fine here).
nats stream rm -f SENSORS 2>/dev/null || true

# A stream of sensor readings, one subject per region and metric. The
# stream captures `sensors.>`, so the subjects come into being simply by
# publishing to them; nothing declares them ahead of time. `--defaults`
# takes the default for every stream setting not given; `nats pub -J`
# waits for the stream to store each reading, and `--count N` publishes N
# of them, numbered by `{{Count}}`.
nats stream add SENSORS --subjects 'sensors.>' --defaults > /dev/null
readings=("sensors.eu.temp 3" "sensors.eu.humidity 2" "sensors.us.temp 4" "sensors.us.pressure 1")
for entry in "${readings[@]}"; do
  read -r subject count <<<"$entry"
  nats pub -J --quiet "$subject" 'reading {{Count}}' --count "$count"
done
echo "published 10 readings on ${#readings[@]} subjects"

# The stream's state reports totals only. Listing subjects can be expensive
# on a stream with millions of them, so the server leaves the list out
# unless a request asks for it: in `nats stream state --json`, read here
# with `jq`, `subjects` is null.
nats stream state SENSORS --json |
  jq -r '.state | "stream info: \(.messages) messages, subjects=\(.subjects)"'

# `nats stream subjects` asks for the list. It draws a table for a person;
# with `--json` it prints an object of subject to message count, which
# `jq` sorts so the output is stable. Without a filter it lists every
# subject (the filter `>`).
list() {
  local listed
  listed=$(nats stream subjects SENSORS "$1" --json)
  echo "filter '$1': $(jq length <<<"$listed") subject(s)"
  jq -r 'to_entries | sort_by(.key)[] | "  \(.key): \(.value)"' <<<"$listed"
}
list '>'

# Filters use the usual NATS wildcards: `*` matches one token, `>` the rest
# of the subject. So we can ask for one region, or for one metric across
# all regions, or check a single subject.
list 'sensors.eu.*'
list 'sensors.*.temp'
list 'sensors.us.pressure'

# The list always reflects what the stream holds right now. Purge the
# pressure readings (`nats stream purge --subject`, `-f` so it does not
# ask) and that subject is gone; a filter that matches nothing lists no
# subjects at all.
nats stream purge SENSORS --subject sensors.us.pressure -f > /dev/null
echo "purged sensors.us.pressure"
list 'sensors.us.*'
list 'sensors.asia.>'

# Clean up: deleting the stream deletes its messages too.
nats stream rm -f SENSORS
