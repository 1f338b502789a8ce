#!/usr/bin/env bash
# `nats object` puts files into an object store bucket and gets them back:
# the store cuts each file into chunks, one message each, and keeps a
# metadata message with its name, size and SHA-256 digest. This script
# watches a bucket while it stores a small file and a 2.5 MiB one (too big
# for a single message), downloads it, and deletes an object.
set -euo pipefail

# Every `nats` command reads the server address from `NATS_URL`; set it
# here, with a fallback to a local server, so they all use the same one.
export NATS_URL="${NATS_URL:-nats://127.0.0.1:4222}"

# The files live in a temporary folder, and the watcher runs in the
# background; this trap removes the one and ends the other when the
# script exits.
tmp=$(mktemp -d)
pids=()
trap 'kill "${pids[@]}" 2>/dev/null || true; rm -rf "$tmp"' EXIT

# A bucket is backed by a stream called `OBJ_assets`. (Start clean: delete
# the bucket first if an interrupted run left it; `nats object del BUCKET
# -f` does not ask, and "bucket not found" is fine here.) `nats object add`
# prints the bucket's configuration, which goes to /dev/null.
nats object del assets -f > /dev/null 2>&1 || true
nats object add assets > /dev/null

# `nats object watch` reports every change to the bucket's objects as it
# happens, one line each: `[<time>] PUT assets > motd.txt: 17 B bytes in 1
# chunks`, or `[<time>] DEL assets > motd.txt`. The script reads it on
# file descriptor 3, one line after each step, and prints it without the
# time, the bucket and the doubled unit (`17 B bytes`).
exec 3< <(nats object watch assets 2>/dev/null)
pids+=("$!")
show_update() {
  local line
  read -r -t 5 line <&3
  line=${line#*> }
  line=${line/ bytes in / in }
  if [[ $line == *:* ]]; then
    echo "  watch: $line"
  else
    echo "  watch: $line: deleted"
  fi
}

# `nats object put BUCKET FILE` stores a file (`--name` chooses the object's
# name, `--no-progress` drops the progress bar) and prints what was
# stored: a `Name: value` line each for the size, the number of chunks and
# the digest. `stored` keeps the size and chunk lines.
stored() {
  awk -F': ' '/ Size:/ { size = $2 } / Chunks:/ { chunks = $2 } END { print size " in " chunks " chunk" (chunks > 1 ? "s" : "") }'
}
printf 'Welcome to NATS!\n' > "$tmp/motd.txt"
echo "put motd.txt: $(nats object put assets "$tmp/motd.txt" --name motd.txt --no-progress | stored)"
show_update

# Why chunks: a NATS message may not exceed the server's `max_payload`,
# 1 MiB by default, which `nats account info` shows as `Maximum Payload`.
# The report is 2.5 MiB, generated so its content (and digest) is the same
# on every run. Sent as one message (`nats pub` reads the body from its
# standard input), it is refused before it leaves the client.
seq 0 99999 | awk '{ printf "%08d,%016.0f\n", $1, $1 * $1 }' > "$tmp/report.csv"
size=$(wc -c < "$tmp/report.csv")
echo "server max_payload: $(nats account info | awk -F': ' '/Maximum Payload:/ { print $2 }')"
if ! out=$(nats pub reports.raw < "$tmp/report.csv" 2>&1); then
  echo "publish $size bytes as one message -> ${out##*error: }"
fi

# The object store cuts it up: `nats object put` reads the file and
# publishes it in chunks (128 KiB by default, `--chunk-size` to change),
# so even very large files never have to fit in memory. `--description`
# adds a description to the object's metadata. The digest it prints is a
# SHA-256 of the content, the same `sha256sum` computes from the file.
put=$(nats object put assets "$tmp/report.csv" --name reports/2024-05.csv \
  --description "monthly report" --no-progress)
echo "put reports/2024-05.csv: $(stored <<<"$put")"
digest=$(awk '/ Digest:/ { print $3 }' <<<"$put")
echo "  digest SHA-256 $digest"
[[ $digest == "$(sha256sum < "$tmp/report.csv" | cut -d' ' -f1)" ]] &&
  echo "  the same as sha256sum of the file"
show_update

# `nats object get` reassembles the object from its chunks, checks the
# digest on the way, and writes it to a file (`-O` names it).
nats object get assets reports/2024-05.csv -O "$tmp/downloaded.csv" --no-progress > /dev/null
if cmp -s "$tmp/downloaded.csv" "$tmp/report.csv"; then
  echo "get reports/2024-05.csv into a file: identical to the original: true"
fi

# natscli v0.5.0 has no command that changes an object's metadata alone
# (a client library's `update_meta`): putting the file again with a new
# description would store all its chunks again.
#
# `nats object del BUCKET NAME -f` purges the object's chunks and leaves a
# marker saying it is gone, so a later `get` fails with "object not found",
# and the watcher sees the deletion. `nats object ls` draws a table of
# what is left; `awk` takes the names from its rows.
nats object del assets motd.txt -f > /dev/null
show_update
if ! nats object get assets motd.txt -O "$tmp/motd-again.txt" --no-progress > /dev/null 2>&1; then
  echo "get motd.txt after delete: not found"
fi
names=$(nats object ls assets | awk -F'│' 'NF > 3 && $2 !~ /Name/ { gsub(/ /, "", $2); print $2 }')
echo "list after delete: $(paste -sd, - <<<"$names" | sed 's/,/, /g')"

# Clean up: delete the bucket with its stream. The trap ends the watcher
# and removes the files.
nats object del assets -f > /dev/null
