# A bucket can forget its values after a while: a TTL for the whole
# bucket, or for one key. What a watcher hears when a value expires
# depends on one more setting, the limit markers of nats-server 2.11 and
# later. This program needs nats-py's key-value API, two of its errors,
# and its `TimeoutError` for a watcher with nothing to say.
import asyncio
import os
from contextlib import suppress

import nats
from nats.errors import TimeoutError
from nats.js.errors import KeyNotFoundError, NotFoundError


async def main():
    servers = os.environ.get("NATS_URL", "nats://127.0.0.1:4222").split(",")
    nc = await nats.connect(servers)
    js = nc.jetstream()

    # Start clean: delete the buckets if an interrupted run left them.
    for bucket in ["quiet", "marked"]:
        with suppress(NotFoundError):
            await js.delete_key_value(bucket)

    # Two buckets of sessions, both with `ttl=2`: every value is removed
    # 2 s after it was written (the bucket's stream gets `max_age`). Each
    # write starts its own clock, so a key that is written again lives on.
    # Only `marked` has `limit_marker_ttl=1`: when the server removes a
    # key's last value, it writes a marker in its place, kept for 1 s.
    quiet = await js.create_key_value(bucket="quiet", ttl=2)
    marked = await js.create_key_value(bucket="marked", ttl=2, limit_marker_ttl=1)
    print("buckets quiet and marked: ttl=2s; marked also has limit_marker_ttl=1s")

    # A watcher on each bucket. Both buckets are empty, so each watcher
    # first yields `None`: caught up, nothing to report yet.
    watchers = {"quiet": await quiet.watchall(), "marked": await marked.watchall()}
    for watcher in watchers.values():
        await watcher.updates(timeout=2)

    async def show(name):
        entry = await watchers[name].updates(timeout=4)
        if entry.operation == "PURGE":
            print(f"  [{name}] {entry.key} expired: the server purged it (rev {entry.revision})")
        else:
            print(f"  [{name}] {entry.key} = {entry.value.decode()!r} (rev {entry.revision})")

    # alice's session goes into both buckets. bob's goes into `marked`
    # only, created with its own TTL of 1 s: `create(..., msg_ttl=1)`
    # sets the key's `Nats-TTL`, shorter here than the bucket's.
    await quiet.put("session.alice", b"token-a")
    await marked.put("session.alice", b"token-a")
    await marked.create("session.bob", b"token-b", msg_ttl=1)
    await show("quiet")
    await show("marked")
    await show("marked")

    # When bob's TTL and then alice's bucket TTL run out, the `marked`
    # watcher hears about each: the marker arrives as an entry with
    # operation `PURGE`, like a purge by a client.
    await show("marked")
    await show("marked")

    # The `quiet` bucket removed alice's value just the same, and its
    # watcher heard nothing: without markers an expired value simply
    # disappears. A cache kept in sync by that watcher would keep serving
    # the stale session.
    try:
        await watchers["quiet"].updates(timeout=0.5)
    except TimeoutError:
        print("  [quiet] nothing, though session.alice is gone")

    # `get` finds neither. One nats-py 2.16 quirk: its watcher knows the
    # server's markers (header `Nats-Marker-Reason`), but its `get` does
    # not, and returns a marker as a value with no data. (For the same
    # reason its `create` treats a key with a marker as taken, until the
    # marker expires.) So this helper reads the stored message to tell.
    async def lookup(kv, bucket, key):
        try:
            entry = await kv.get(key)
        except KeyNotFoundError:
            return "not found"
        stored = await js.get_msg(f"KV_{bucket}", entry.revision)
        if "Nats-Marker-Reason" in (stored.headers or {}):
            return "not found"
        return repr(entry.value.decode())

    alice_quiet = await lookup(quiet, "quiet", "session.alice")
    alice_marked = await lookup(marked, "marked", "session.alice")
    print(f"get session.alice: quiet -> {alice_quiet}, marked -> {alice_marked}")

    # The markers have a TTL of their own, so they do not pile up like
    # the tombstones of deleted keys: a second later the bucket is empty.
    # We poll its status with a deadline.
    async with asyncio.timeout(5):
        while (await marked.status()).values > 0:
            await asyncio.sleep(0.1)
    print("a second later the markers are gone too: marked holds 0 values")

    # Clean up: stop the watchers, then delete the buckets.
    for watcher in watchers.values():
        await watcher.stop()
    for bucket in ["quiet", "marked"]:
        await js.delete_key_value(bucket)
    await nc.drain()


if __name__ == "__main__":
    asyncio.run(main())
