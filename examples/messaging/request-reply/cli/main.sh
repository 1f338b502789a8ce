#!/usr/bin/env bash
# natscli has a command for each side of request-reply: `nats reply` runs
# a small service that answers requests, and `nats request` sends one and
# prints the answer. This script starts the service in the background, as
# if in a second terminal, asks it three questions, and then asks again
# once it has stopped.
set -euo pipefail

# Every `nats` command reads the server address from `NATS_URL`; set it
# here, with a fallback to a local server, so they all use the same one.
export NATS_URL="${NATS_URL:-nats://127.0.0.1:4222}"

# Should the script stop early, the trap ends the service.
pids=()
trap 'kill "${pids[@]}" 2>/dev/null || true' EXIT

# Start the service. `nats reply 'greet.*'` subscribes to the wildcard,
# which matches `greet.joe`, `greet.sue` and any other two-token subject
# starting with `greet`. For each request it runs the `--command` and
# sends back what the command printed. In the command, `{{1}}` stands for
# token 1 of the request's subject (tokens count from 0), so `greet.joe`
# runs `printf 'hello, %s' joe`. `--count 3` makes the service stop after
# three requests. `nats reply` always subscribes in a queue group (named
# `NATS-RPLY-22` unless you pass `--queue`), so several copies of it
# started side by side would share the requests between them.
#
# `nats reply` prints each request's payload on stdout, thrown away here,
# and logs what it does on stderr, which the script reads on file
# descriptor 3 (`2>&1 >/dev/null` sends stderr into the pipe, then stdout
# to /dev/null).
exec 3< <(nats reply 'greet.*' --count 3 --command "printf 'hello, %s' {{1}}" 2>&1 >/dev/null)
pids+=("$!")

# natscli logs `Listening on "greet.*"` once the server has confirmed the
# subscription, so waiting for that line means requests can no longer
# arrive before the service does.
while read -r line <&3; do
  [[ $line == *"Listening on"* ]] && break
done

# `nats request` publishes the request with a fresh reply subject, waits
# for the first answer and prints it; `--raw` prints the payload alone,
# without the log lines around it, and `--timeout 1s` bounds the wait if
# the service is slow. The empty last argument is the request's payload:
# the name travels in the subject.
for name in joe sue bob; do
  reply=$(nats request --raw --timeout 1s "greet.$name" "")
  echo "request greet.$name -> reply: $reply"
done

# After its third reply the service unsubscribes, drains and exits: from
# now on nobody listens on `greet.*`. Read the rest of its log so it can
# finish writing, then wait for it. natscli v0.5.0 ends `nats reply` with
# exit status 1 even when it stops because `--count` was reached, so that
# status is expected here.
cat <&3 >/dev/null
wait "${pids[@]}" || true
exec 3<&-

# With no subscriber, the server does not let the request wait for its
# timeout: it answers at once with a "no responders" status. `nats
# request` then prints no reply; it logs "No responders are available" on
# stderr, after the time of day, and still exits with status 0, so the
# script checks the message itself (and drops the time).
out=$(nats request --raw --timeout 1s greet.joe "" 2>&1)
case $out in
  *"No responders are available"*)
    echo "request greet.joe -> error: ${out#* }" ;;
  *)
    echo "request greet.joe -> unexpected: $out" >&2
    exit 1 ;;
esac
