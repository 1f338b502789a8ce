#!/usr/bin/env bash
# A worker answers each JetStream delivery with a message to the delivery's
# acknowledgement subject: `+ACK` (done), `-NAK` (again, at once or after a
# delay), `+WPI` (work in progress: more time) or `+TERM` (never again).
# `nats consumer next` can send some of these, but not a delayed nak or
# work in progress, and only while it runs; so this script pulls by hand,
# as a client library does, and answers with `nats pub`. It runs four jobs
# through a work queue, one per kind of answer, the last one never
# answered, until the server gives up on it and a dead-letter handler moves
# it away.
set -euo pipefail

# Every `nats` command reads the server address from `NATS_URL`; set it
# here, with a fallback to a local server, so they all use the same one.
export NATS_URL="${NATS_URL:-nats://127.0.0.1:4222}"

# The background subscribers and the dead-letter handler are ended by this
# trap when the script exits.
pids=()
trap 'kill "${pids[@]}" 2>/dev/null || true' EXIT

# Start clean: delete the streams if an interrupted run left them (`rm -f`
# does not ask; "stream not found" is fine here). `JOBS` is a work queue,
# as in [Work-queue Stream](../workqueue-stream/index.md). `DEAD` is a
# plain stream that keeps the jobs nobody could do: the dead-letter queue.
for stream in JOBS DEAD; do
  nats stream rm -f "$stream" 2>/dev/null || true
done
nats stream add JOBS --subjects 'jobs.>' --retention work --defaults > /dev/null
nats stream add DEAD --subjects 'dead.>' --defaults > /dev/null

# The consumer's redelivery policy, given as JSON (`--config`, read from
# the heredoc): `max_deliver` caps the attempts per message, and `backoff`
# (in nanoseconds) spaces out the redeliveries of a delivery left
# unanswered: the first retry waits 1 s, every later one 2 s (the last
# step repeats). With a backoff the server uses its first step as the ack
# wait; without one, every redelivery waits the ack wait, 30 s by default.
nats consumer add JOBS --config /dev/stdin > /dev/null <<'JSON'
{"durable_name": "worker", "ack_policy": "explicit", "max_deliver": 3,
 "backoff": [1000000000, 2000000000]}
JSON
echo "consumer worker: max_deliver=3, backoff=[1 s, 2 s]"

# The workers' replies come to `_INBOX.jobs.<worker>`. One `nats sub`
# listens to all of them and prints each message as JSON ended by a NUL
# byte (`--dump=-`), and `nats trace` shows when it is in place (it names
# the connections a message would reach, without delivering one).
exec 3< <(nats sub --dump=- --connection-name workers '_INBOX.jobs.>' 2>/dev/null)
pids+=("$!")
for _ in {1..50}; do
  [[ $(nats trace _INBOX.jobs.x) == *'Client "workers"'* ]] && break
  sleep 0.1
done

# `pull WORKER MS` asks the consumer for one message, waiting at most MS
# milliseconds: a pull request, published to
# `$JS.API.CONSUMER.MSG.NEXT.JOBS.worker` with the worker's reply subject
# (`expires` is in nanoseconds). `take` reads what comes back: a job, or a
# status saying there was none (408 when the request expired). For a job
# it sets `subject`, `ack` (its acknowledgement subject) and `delivery`,
# the attempt, which is the fifth token of the ack subject
# (`$JS.ACK.JOBS.worker.<delivery>.<stream seq>...`).
pull() {
  nats pub --quiet --reply "_INBOX.jobs.$1" '$JS.API.CONSUMER.MSG.NEXT.JOBS.worker' \
    "{\"batch\": 1, \"expires\": $(( $2 * 1000000 ))}"
}
take() {
  local msg
  read -r -d '' -t 10 msg <&3
  if [[ $(jq -r '.Header.Status[0] // empty' <<<"$msg") ]]; then
    return 1
  fi
  subject=$(jq -r .Subject <<<"$msg")
  data=$(jq -r '.Data | @base64d' <<<"$msg")
  ack=$(jq -r .Reply <<<"$msg")
  delivery=$(cut -d. -f5 <<<"$ack")
}

# 1. `-NAK` says "not now": the job goes back to the consumer at once, or,
# with a delay in nanoseconds, after that. Here the mail server the job
# needs is down, so the worker asks for it again in a second. A pull right
# away (waiting half a second) finds nothing; the next gets it back. An
# answer sent with `nats request` instead of `nats pub` waits for the
# server to confirm it: the "double ack", used here for the final `+ACK`.
# (A plain nak ignores the backoff; only an unanswered delivery waits for
# it.) The `--` tells `nats pub` that what follows are its subject and
# body, even the body starting with `-`.
nats pub -J --quiet jobs.1 "send invoice"
pull main 3000 && take
echo "$subject delivery $delivery: nak(delay=1), the mail server is down"
nats pub --quiet -- "$ack" '-NAK {"delay": 1000000000}'
pull main 500
take || echo "jobs.1 fetch right after: nothing, the delay holds it back"
pull main 3000 && take
echo "$subject delivery $delivery: ack"
nats request --raw "$ack" "+ACK" > /dev/null

# 2. `+WPI` says "still on it": each one restarts the ack wait. This job
# takes 2.5 s while the ack wait is 1 s, so the worker sends one every half
# second: one `nats pub` with `--count 5 --sleep 500ms` sends five, half a
# second apart, from a single process (starting a process for each could
# take longer than the ack wait on a busy machine). It runs in the
# background while a second worker pulls from the same consumer, and gets
# nothing: the job is not redelivered behind the first worker's back.
# (`+WPI` may be sent any number of times; `+ACK`, `-NAK` and `+TERM` end
# the delivery.)
nats pub -J --quiet jobs.2 "render video"
pull main 3000 && take
echo "$subject delivery $delivery: 2.5 s of work, in_progress every 0.5 s"
nats pub --quiet --count 5 --sleep 500ms -- "$ack" "+WPI" &
progress=$!
pull second 2000
wait "$progress"
if take; then
  echo "jobs.2 second worker meanwhile: got it: redelivered!"
else
  echo "jobs.2 second worker meanwhile: nothing"
fi
nats request --raw "$ack" "+ACK" > /dev/null
echo "jobs.2 ack: done in one delivery"

# 3. `+TERM` says "never again": the job can't succeed (its input is
# malformed), so the server must not redeliver it. On a work queue, a term
# removes the message like an ack does, so a worker that wants to keep the
# job copies it to the dead-letter queue first.
nats pub -J --quiet jobs.3 "{malformed"
pull main 3000 && take
nats pub -J --quiet "dead.$subject" "$data"
nats pub --quiet "$ack" "+TERM"
echo "$subject delivery $delivery: malformed, copied to dead.$subject, then term"

# 4. A job that crashes its worker is never answered at all. The server
# redelivers it when the ack wait runs out, on the backoff schedule, until
# `max_deliver` is reached. Then it gives up on the message and publishes
# an *advisory*, a JSON event on
# `$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES.<stream>.<consumer>`; the
# message itself stays in the stream.
#
# The dead-letter handler subscribes to the advisory (`nats sub`, on file
# descriptor 4, for one event) and runs in the background. It reads the
# job by its stream sequence (`nats stream get`), copies it to `DEAD` and
# deletes it from `JOBS` (`nats stream rmm`, `-f` so it does not ask). (A
# core subscription misses advisories while the handler is down; a stream
# whose subjects include the advisory subject keeps them until it is
# back.)
exec 4< <(nats sub --dump=- --count 1 --connection-name dead-letter \
  '$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES.JOBS.worker' 2>/dev/null)
pids+=("$!")
for _ in {1..50}; do
  [[ $(nats trace '$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES.JOBS.worker') == *'Client "dead-letter"'* ]] && break
  sleep 0.1
done
dead_letter() {
  local advisory event seq job subject
  read -r -d '' -t 20 advisory
  event=$(jq -r '.Data | @base64d' <<<"$advisory")
  seq=$(jq .stream_seq <<<"$event")
  job=$(nats stream get JOBS "$seq" --json)
  subject=$(jq -r .subject <<<"$job")
  echo "advisory: $subject (stream seq $seq) gave up after $(jq .deliveries <<<"$event") deliveries"
  nats pub -J --quiet "dead.$subject" "$(jq -r '.data | @base64d' <<<"$job")"
  nats stream rmm JOBS "$seq" -f > /dev/null
  echo "$subject copied to dead.$subject and deleted from JOBS"
}
dead_letter <&4 &
handler=$!
pids+=("$handler")

# The worker keeps pulling, as real workers do, and the deliveries come
# 1 s and then 2 s apart (`date +%s%N` times them, in nanoseconds). The
# fourth pull gets nothing: the server gives up once the last delivery's
# ack wait (the last backoff step, 2 s) has run out. It does so while a
# pull request is waiting: nats-server 2.15 sent no advisory for a pull
# consumer nobody was pulling from.
nats pub -J --quiet jobs.4 "resize a 0-byte image"
last=""
for _ in 1 2 3 4; do
  pull main 4000
  if ! take; then
    echo "jobs.4 next fetch: nothing, the server has given up on it"
    break
  fi
  now=$(date +%s%N)
  later=${last:+, $(( (now - last + 500000000) / 1000000000 )) s later}
  last=$now
  echo "$subject delivery $delivery$later: no ack (the worker crashed)"
done
wait "$handler"

# What is left: nothing in the work queue, two jobs in the dead-letter
# queue (`nats stream subjects --json` lists its subjects).
jobs=$(nats stream state JOBS --json | jq .state.messages)
dead=$(nats stream subjects DEAD --json | jq -r 'keys | sort | join(", ")')
echo "JOBS holds $jobs messages; DEAD holds $dead"

# Clean up: deleting the streams deletes the consumer too.
for stream in JOBS DEAD; do
  nats stream rm -f "$stream"
done
