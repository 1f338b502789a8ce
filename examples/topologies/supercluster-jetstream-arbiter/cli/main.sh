#!/usr/bin/env bash
# JetStream's meta group, which creates and deletes every stream and
# consumer, spans every server of a super-cluster and acts only with a
# majority. With three regions, losing one still leaves a majority. This
# script runs against the clusters `east`, `west` and `central` (three
# servers each): it keeps a stream in the west and a mirror of it in the
# east, and carries on when the recorder stops the whole west region.
set -euo pipefail

# Every `nats` command reads the server list from `NATS_URL`, the east
# servers here. The runner also gives each server a variable of its own,
# `NATS_URL_EAST_1` ... `NATS_URL_CENTRAL_3`; counting them counts the
# servers, all of them in the meta group.
export NATS_URL="${NATS_URL:-nats://127.0.0.1:4222}"
servers=$(compgen -v | grep -cE '^NATS_URL_(EAST|WEST|CENTRAL)_' || true)
echo "meta group: $servers servers, a majority is $(( servers / 2 + 1 ))"

# Start clean: delete the streams if an interrupted run left them, the
# mirror before its origin (`rm -f` does not ask; "stream not found" is
# fine here).
for stream in AUDIT ORDERS_MIRROR ORDERS; do
  nats stream rm -f "$stream" 2>/dev/null || true
done

# ORDERS keeps three replicas in the west (`--cluster west --replicas 3`).
# A new stream first elects a leader among its replicas; until it has one,
# a publish gets no answer from the stream. So the first publish is tried
# again, every tenth of a second, for at most ten seconds. `nats pub -J`
# waits for the stream's acknowledgement and fails without one.
nats stream add ORDERS --subjects 'orders.>' --replicas 3 --cluster west --defaults > /dev/null
for _ in {1..100}; do
  nats pub -J --quiet orders.1 "order 1" 2>/dev/null && break
  sleep 0.1
done
for n in 2 3; do
  nats pub -J --quiet "orders.$n" "order $n"
done

# A mirror of it keeps three replicas in the east. The mirror copies in
# the background, so the script polls its message count (`nats stream
# state --json`) until the three orders are there, for at most ten
# seconds.
nats stream add ORDERS_MIRROR --mirror ORDERS --replicas 3 --cluster east --defaults > /dev/null
for _ in {1..100}; do
  (( $(nats stream state ORDERS_MIRROR --json | jq .state.messages) >= 3 )) && break
  sleep 0.1
done
echo "ORDERS in west: 3 orders; ORDERS_MIRROR in east: 3 orders"

# The recorder stops all three west servers when this line is printed, as
# if the region were lost.
echo "stopping region west"

# Every replica of ORDERS was in the west. Once the servers notice, a
# request about the stream gets no answer: the script asks every tenth of
# a second, each time waiting at most two seconds (`--timeout 2s`), until
# `nats stream info` fails, for at most thirty seconds.
for _ in {1..300}; do
  nats stream info ORDERS --timeout 2s > /dev/null 2>&1 || break
  sleep 0.1
done
echo "ORDERS (west): stream info fails, every replica is down"

# A publish to its subjects gets no acknowledgement: nobody stores it.
# With every replica gone, so is the stream's interest in `orders.>`, and
# the server answers the publish at once with "no responders".
if ! out=$(nats pub -J --timeout 2s orders.4 "order 4" 2>&1); then
  echo "publish to orders.4 -> ${out##*error: }"
fi

# The mirror in the east still has every order, and reads go on:
# `nats stream get ORDERS_MIRROR SEQ --json` fetches one message by its
# sequence, with the data in base64.
stored=()
for seq in 1 2 3; do
  stored+=("$(nats stream get ORDERS_MIRROR "$seq" --json | jq -r '.data | @base64d')")
done
echo "ORDERS_MIRROR (east): $(IFS=,; sed 's/,/, /g' <<<"${stored[*]}")"

# Creating a stream needs the meta group. Six of its nine servers are left,
# more than half, so once the group has noticed the loss (and elected a
# new leader, if the old one was in the west) it works again: the script
# tries every quarter of a second, for at most thirty seconds.
for _ in {1..120}; do
  if nats stream add AUDIT --subjects 'audit.>' --replicas 3 --cluster east --defaults \
      --timeout 2s > /dev/null 2>&1; then
    echo "new stream AUDIT in east: created, the meta group has 6 of 9"
    break
  fi
  sleep 0.25
done

# With only two regions, losing one would leave three of six servers: no
# majority, and no stream or consumer could be created or deleted anywhere
# until the region came back. That is why a third region, even a small
# one that only votes, is worth running.
#
# Clean up: delete the streams. The meta group can remove ORDERS even
# with all its replicas gone.
for stream in AUDIT ORDERS_MIRROR ORDERS; do
  nats stream rm -f "$stream"
done
