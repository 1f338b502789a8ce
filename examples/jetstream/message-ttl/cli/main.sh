#!/usr/bin/env bash
# Since nats-server 2.11 a message can carry its own time to live in the
# `Nats-TTL` header, and a stream can leave a *delete marker* behind when
# the last message of a subject expires. From a terminal: `nats pub -J -H
# "Nats-TTL: 1s"`, and `nats stream add` or `edit` with `--allow-msg-ttl`
# and `--subject-del-markers-ttl`. This script keeps the presence of three
# devices in a stream and watches two of them expire.
set -euo pipefail

# Every `nats` command reads the server address from `NATS_URL`; set it
# here, with a fallback to a local server, so they all use the same one.
export NATS_URL="${NATS_URL:-nats://127.0.0.1:4222}"

# The background reader is ended by this trap when the script exits.
pids=()
trap 'kill "${pids[@]}" 2>/dev/null || true' EXIT

# Start clean: delete the stream if an interrupted run left it (`rm -f`
# does not ask; "stream not found" is fine here).
nats stream rm -f PRESENCE 2>/dev/null || true

# Devices announce that they are online on `presence.<device>`, and the
# stream keeps the latest announcement of each. Per-message TTL is off by
# default: a message with a TTL is refused, not stored without one, and
# `nats pub -J` fails with the server's reason.
nats stream add PRESENCE --subjects 'presence.>' --max-msgs-per-subject 1 --defaults > /dev/null
if ! out=$(nats pub -J presence.sensor-1 online -H "Nats-TTL: 1s" 2>&1); then
  error=${out##*error: }
  echo "publish with a TTL -> ${error% (*}"
fi

# The stream is changed to allow it (`--allow-msg-ttl`), with a stream-wide
# maximum age of 3 s for messages without a TTL, and
# `--subject-del-markers-ttl`: when the last message of a subject expires,
# the server stores a marker in its place, kept for 1 s. (A maximum age
# this short needs a duplicate window no longer than it.) `-f` skips the
# confirmation `nats stream edit` would ask for.
nats stream edit PRESENCE -f --allow-msg-ttl --subject-del-markers-ttl 1s --max-age 3s \
  --dupe-window 1s > /dev/null
echo "PRESENCE: allow_msg_ttl, max_age=3s, subject_delete_marker_ttl=1s"

# Three announcements. sensor-1 is good for 1 s and must announce again to
# stay listed. sensor-2 sets no TTL, so the stream's maximum age applies.
# The gateway's TTL is `never`: it outlives the maximum age.
nats pub -J --quiet presence.sensor-1 online -H "Nats-TTL: 1s"
nats pub -J --quiet presence.sensor-2 online
nats pub -J --quiet presence.gateway online -H "Nats-TTL: never"

# A reader following the stream: `nats sub --stream PRESENCE --all` reads it
# from the first message through a consumer of its own, and stops after
# five messages. With `--dump=-` each message is JSON ended by a NUL byte:
# its subject, its headers and its payload, and in `Reply` its
# acknowledgement subject, whose sixth token is the stream sequence. The
# reader sees the three announcements, then, as the sensors expire, a
# delete marker for each: a message with no data on the same subject,
# whose `Nats-Marker-Reason` header says why (`MaxAge`, for a TTL or the
# stream's maximum age) and whose `Nats-TTL` is the marker's own lifetime.
exec 3< <(nats sub --stream PRESENCE --all --dump=- --count 5 'presence.>' 2>/dev/null)
pids+=("$!")
for _ in {1..5}; do
  read -r -d '' -t 10 msg <&3
  read -r seq subject reason ttl < <(jq -r '[(.Reply | split(".")[5]), .Subject,
    (.Header["Nats-Marker-Reason"][0] // "-"), (.Header["Nats-TTL"][0] // "-")] | join(" ")' <<<"$msg")
  if [[ $reason != - ]]; then
    echo "  seq $seq $subject: delete marker, reason $reason, kept $ttl"
  else
    echo "  seq $seq $subject: '$(jq -r '.Data | @base64d' <<<"$msg")'"
  fi
done

# The markers expire in turn. Poll the stream's subjects (`nats stream
# subjects --json`) every tenth of a second until only one is left, for at
# most five seconds: the gateway, which ignores the maximum age.
for _ in {1..50}; do
  subjects=$(nats stream subjects PRESENCE --json)
  (( $(jq length <<<"$subjects") == 1 )) && break
  sleep 0.1
done
echo "PRESENCE holds $(jq -r 'keys | join(", ")' <<<"$subjects")"

# Clean up.
nats stream rm -f PRESENCE
