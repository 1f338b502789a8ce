#!/usr/bin/env bash
# A *work-queue* stream hands each message to exactly one consumer and
# deletes it once that consumer acknowledges it. From a terminal: `nats
# stream add --retention work`, a filtered pull consumer per kind of job,
# and `nats consumer next` as the worker.
set -euo pipefail

# Every `nats` command reads the server address from `NATS_URL`; set it
# here, with a fallback to a local server, so they all use the same one.
export NATS_URL="${NATS_URL:-nats://127.0.0.1:4222}"

# Start clean: delete the stream if an interrupted run left it (`rm -f`
# does not ask; "stream not found" is fine here).
nats stream rm -f JOBS 2>/dev/null || true

# After each step, print a summary of the stream, picked out of `nats
# stream state --json` by `jq`: how many jobs it still holds and the range
# of sequence numbers they span.
show() {
  local messages first last
  read -r messages first last < <(nats stream state JOBS --json |
    jq -r '.state | "\(.messages) \(.first_seq) \(.last_seq)"')
  printf '%-26s messages=%s first_seq=%s last_seq=%s\n' "$1" "$messages" "$first" "$last"
}

# `nats consumer next` acknowledges what it fetches and flushes the ack to
# the server, but does not wait for the server to act on it. Before
# reading the stream state, wait until the consumer reports no
# acknowledgement outstanding (asking every tenth of a second, for at most
# five seconds).
wait_acked() {
  for _ in {1..50}; do
    (( $(nats consumer info JOBS "$1" --json | jq .num_ack_pending) <= ${2:-0} )) && return 0
    sleep 0.1
  done
  echo "$1 still has acknowledgements pending" >&2
  return 1
}

# The worker: `nats consumer next JOBS NAME --count N` fetches N messages
# from the pull consumer, one at a time, and acknowledges each. It prints a
# line about each delivery, `[time] subj: jobs.email.1 / tries: 1 / ...`,
# then the payload after a blank line; `awk` turns that into one line per
# job, leaving out the time of day. Extra flags (`--no-ack`) are passed on.
work() {
  local consumer=$1
  shift
  nats consumer next JOBS "$consumer" "$@" |
    awk -v who="$consumer" '/ subj: / { subject = $3; tries = $6; getline; getline
      print who " worker did " subject ": " $0 (tries > 1 ? " (delivery " tries ")" : "") }'
}

# Create the stream with work-queue retention (`work`). It behaves like a
# durable job queue: producers publish jobs, and a job stays in the stream
# until a worker acknowledges it, then it is gone for good. `--defaults`
# takes the default for everything else instead of asking.
nats stream add JOBS --subjects 'jobs.>' --retention work --defaults > /dev/null

# Queue six jobs of two kinds. Unlike an interest stream, a work queue keeps
# messages while no consumer exists yet: the jobs wait for a worker to show
# up. `nats pub -J` waits for the stream to acknowledge each one.
for i in 1 2 3; do
  nats pub -J --quiet "jobs.email.$i" "send email $i"
  nats pub -J --quiet "jobs.resize.$i" "resize image $i"
done
show "6 jobs queued:"

# A consumer filtered on `jobs.email.>` takes the email jobs. Each
# acknowledgement deletes the job from the stream.
nats consumer add JOBS email --pull --filter 'jobs.email.>' --ack explicit \
  --deliver all --defaults > /dev/null
work email --count 3
wait_acked email
show "email jobs acked:"

# Each message may belong to only one consumer, so the server refuses a
# second consumer whose filter overlaps an existing one. `jobs.>` would
# also match the email jobs: `nats consumer add` fails with status 1 and
# prints the server's reason after `nats: error: Consumer creation failed:`
# (and its error code in brackets).
if out=$(nats consumer add JOBS everything --pull --filter 'jobs.>' --ack explicit \
    --deliver all --defaults 2>&1); then
  echo "consumer 'everything' on jobs.> was created" >&2
  exit 1
fi
reason=${out##*failed: }
echo "consumer 'everything' on jobs.> rejected: ${reason% (*}"

# A filter that does not overlap is fine. This consumer's ack wait
# (`--wait 1s`) is one second instead of the default 30: a job delivered
# and not acknowledged within that time is delivered again. The resize
# worker does two jobs, then fetches the third with `--no-ack`, as if it
# crashed halfway: a message that was delivered and not acknowledged stays
# in the stream. (A program can also act sooner: ask for redelivery with a
# nak, ask for more time, or give up on the job; `nats consumer next` has
# `--nak` and `--term` for two of those.)
nats consumer add JOBS resize --pull --filter 'jobs.resize.>' --ack explicit \
  --deliver all --wait 1s --defaults > /dev/null
work resize --count 2
nats consumer next JOBS resize --no-ack > /dev/null
echo "resize worker got jobs.resize.3 and did not acknowledge it"
wait_acked resize 1
show "2 of 3 resize jobs acked:"

# One second later the server delivers the third job again (the line says
# `delivery 2`); `nats consumer next` waits for it, up to its five-second
# timeout, and this time acknowledges it, which empties the queue.
work resize
wait_acked resize
show "all jobs acked:"

# Clean up: deleting the stream deletes its consumers too.
nats stream rm -f JOBS
