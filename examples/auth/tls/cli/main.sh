#!/usr/bin/env bash
# natscli takes its TLS files from flags or from the variables `NATS_CA`,
# `NATS_CERT` and `NATS_KEY`; this example's runner sets exactly those,
# pointing at a throwaway authority and certificates made for the run.
# The server (server.conf) requires TLS and, with `verify: true`, a client
# certificate too: mutual TLS. This script connects and makes a request,
# then shows the two common failures.
set -euo pipefail

# Every `nats` command reads the server address from `NATS_URL`; set it
# here, with a fallback to a local server, so they all use the same one.
export NATS_URL="${NATS_URL:-nats://127.0.0.1:4222}"

# The echo service runs in the background; this trap ends it if the script
# stops early.
pids=()
trap 'kill "${pids[@]}" 2>/dev/null || true' EXIT

# With the three variables set, every `nats` command connects over mutual
# TLS without a single flag: `--tlsca` is the authority whose signature it
# accepts on the server's certificate (a private CA here, so the system's
# trust store would not do), and `--tlscert` and `--tlskey` are its own
# certificate and key for the server to check. The URL can stay
# `nats://`: the server's first message says TLS is required, and the
# client upgrades the connection before it sends anything else.
#
# That first message, the server's INFO, travels in plain text. A server
# whose `tls` block sets `handshake_first: true` expects the TLS handshake
# on the first byte instead, as an HTTPS server does; natscli then needs
# `--tlsfirst`.
#
# The echo service answers one request with `echo: ` and the payload (the
# body template `{{.Request}}`). It logs `Listening on ...` on stderr once
# the server has confirmed its subscription, which means the TLS
# connection is up; the script waits for that line on file descriptor 3.
exec 3< <(nats reply echo 'echo: {{.Request}}' --count 1 2>&1 >/dev/null)
pids+=("$!")
while read -r line <&3; do
  [[ $line == *"Listening on"* ]] && break
done
echo "connected with a client certificate"
echo "request echo -> $(nats request --raw echo "over TLS")"

# Without a client certificate (`env -u` runs the command without the two
# variables), the client still trusts the server, but the server answers
# the handshake with a "certificate required" alert and hangs up. Under
# TLS 1.3 the alert can come just after the handshake, so the error the
# command prints varies (the alert, or a reset connection); it exits with
# status 1 either way.
if ! env -u NATS_CERT -u NATS_KEY nats pub echo "no certificate" > /dev/null 2>&1; then
  echo "connect without a client certificate -> refused by the server"
fi

# No TLS settings at all. The client still upgrades to TLS, as the server
# requires, but with only the system's authorities to trust, so now the
# *client* refuses: nothing it trusts signed the server's certificate. Go's
# TLS library, under natscli, words it `x509: certificate signed by unknown
# authority`.
if ! out=$(env -u NATS_CA -u NATS_CERT -u NATS_KEY nats pub echo "no TLS settings" 2>&1); then
  echo "connect with default TLS settings -> $(grep -o 'x509: .*' <<<"$out" | head -1)"
fi

# The service stopped after its one request; read the rest of its log so
# it can finish, and wait for it (`nats reply` exits with status 1 when
# `--count` is reached, which is expected here).
cat <&3 > /dev/null
wait "${pids[@]}" || true
