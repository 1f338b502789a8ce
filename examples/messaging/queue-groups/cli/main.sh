#!/usr/bin/env bash
# `nats sub --queue NAME` joins a queue group: every subscriber started with
# the same subject and group name shares the messages instead of each
# getting a copy. This script starts three workers in the group `workers`
# and one plain subscriber, publishes 30 jobs, counts who got what, then
# stops two workers and publishes again.
set -euo pipefail

# Every `nats` command reads the server address from `NATS_URL`; set it
# here, with a fallback to a local server, so they all use the same one.
export NATS_URL="${NATS_URL:-nats://127.0.0.1:4222}"

# The background subscribers are ended by this trap when the script exits.
pids=()
trap 'kill "${pids[@]}" 2>/dev/null || true' EXIT

# How many members the group `workers` has on `jobs`, as the server sees
# it. `nats sub` prints nothing once it has subscribed, so the script asks
# the server. Every account may send `$SYS.REQ.ACCOUNT.PING.CONNZ` a
# request: the server answers with the account's own connections and,
# with `subscriptions_detail`, each subscription's subject and queue
# group. `jq` (the usual companion of natscli's JSON output) counts them.
members() {
  nats request --raw '$SYS.REQ.ACCOUNT.PING.CONNZ' '{"subscriptions_detail": true}' |
    jq '[.data.connections[].subscriptions_list_detail[]?
         | select(.subject == "jobs" and .qgroup == "workers")] | length'
}

# Wait until the group has the given number of members: ask every tenth of
# a second, for at most five seconds.
wait_for_members() {
  for _ in {1..50}; do
    (( $(members) == $1 )) && return 0
    sleep 0.1
  done
  echo "the group never had $1 members" >&2
  return 1
}

# The three workers. Each is its own process, as each worker of a real
# service would be; `--raw` prints each job alone on a line. Their output
# is read on file descriptors bash picks (`{fd}`), kept by worker name.
declare -A fd_of pid_of
for name in worker-1 worker-2 worker-3; do
  exec {fd}< <(nats sub --raw --queue workers --connection-name "$name" jobs 2>/dev/null)
  pid_of[$name]=$!
  fd_of[$name]=$fd
  pids+=("$!")
done

# A plain subscription on the same subject is not affected by the group:
# it still receives every message. Typical uses are auditing or metrics
# next to the workers. `nats trace jobs` routes a trace message without
# delivering it and names each subscription that would get it, so the
# script waits until it names the monitor and the group has three members.
exec {monitor}< <(nats sub --raw --connection-name monitor jobs 2>/dev/null)
pids+=("$!")
for _ in {1..50}; do
  [[ $(nats trace jobs) == *'Client "monitor"'* ]] && break
  sleep 0.1
done
wait_for_members 3

# One `nats pub` sends all 30 jobs: with `--send-on newline` and no body
# argument it reads its standard input and publishes each line as one
# message.
printf 'job-%d\n' {1..30} | nats pub --quiet --send-on newline jobs
echo "published 30 jobs"

# The monitor gets all 30. Read them, then read whatever each worker
# received, going round the workers until the group's jobs add up to 30
# (or five seconds pass).
seen=()
for _ in {1..30}; do
  read -r -t 5 job <&"$monitor"
  seen+=("$job")
done
declare -A count
jobs=()
deadline=$((SECONDS + 5))
while (( ${#jobs[@]} < 30 && SECONDS < deadline )); do
  for name in worker-1 worker-2 worker-3; do
    while read -r -t 0.05 job <&"${fd_of[$name]}"; do
      jobs+=("$job")
      count[$name]=$(( ${count[$name]:-0} + 1 ))
    done
  done
done

# Each job reached exactly one member: none is missing and none was
# handled twice. How many each worker got varies from run to run (the
# server picks a member at random), but every worker got a share and the
# shares add up. (With 30 jobs, the chance that one of three members gets
# none is about 1 in 60,000.)
unique=$(printf '%s\n' "${jobs[@]}" | sort -u | wc -l)
echo "queue group handled ${#jobs[@]} jobs, $(( ${#jobs[@]} - unique )) of them twice"
echo "workers that got a share: ${#count[@]} of 3"
total=0
for name in "${!count[@]}"; do total=$(( total + count[$name] )); done
echo "jobs per worker vary from run to run, but add up to $total"

# The monitor, outside the group, got its own copy of every job. The
# server delivers each message once to every queue group and once to
# every plain subscription.
echo "monitor (no queue group) saw $(printf '%s\n' "${seen[@]}" | sort -u | wc -l) jobs"

# Now two workers shut down. Ending a `nats sub` closes its connection, and
# the server drops that connection's membership of the group. Wait until
# the server counts one member, so no job goes to a worker that is gone.
for name in worker-2 worker-3; do
  kill "${pid_of[$name]}"
  echo "$name stopped"
done
wait_for_members 1

# With one member left, the group keeps working: worker-1 gets every new
# job. Nothing had to be reconfigured; the server just has fewer members
# to choose from.
printf 'job-%d\n' {31..40} | nats pub --quiet --send-on newline jobs
echo "published 10 more jobs"
handled=0
while (( handled < 10 )) && read -r -t 5 job <&"${fd_of[worker-1]}"; do
  handled=$((handled + 1))
done
echo "worker-1 handled $handled of them"
