# A key-value bucket can keep several revisions of each key, and every
# write can be made conditional on the revision the writer last saw.
# `KeyWrongLastSequenceError` is how nats-py reports a failed condition;
# `NotFoundError` is what deleting a bucket that does not exist raises.
import asyncio
import os
from contextlib import suppress

import nats
from nats.js.errors import KeyWrongLastSequenceError, NotFoundError


async def main():
    servers = os.environ.get("NATS_URL", "nats://127.0.0.1:4222").split(",")
    nc = await nats.connect(servers)
    js = nc.jetstream()

    # Start clean: delete the bucket if an interrupted run left it.
    with suppress(NotFoundError):
        await js.delete_key_value("inventory")

    # `history=5` keeps the last five values of every key instead of just
    # the latest one (the maximum is 64).
    kv = await js.create_key_value(bucket="inventory", history=5)

    # Record the stock of widgets as it changes: seven writes to one key.
    for stock in [10, 9, 8, 12, 11, 10, 9]:
        await kv.put("widgets", str(stock).encode())

    # `history` returns the revisions the bucket still holds, oldest
    # first. Only the last five of the seven writes remain; older ones
    # were dropped as new ones came in.
    entries = await kv.history("widgets")
    print(
        "history of widgets: " + ", ".join(f"rev {e.revision}={e.value.decode()}" for e in entries)
    )

    # Any revision still held can be read directly.
    old = await kv.get("widgets", revision=4)
    print(f"widgets at revision 4: {old.value.decode()}")

    # Now two clerks sell widgets at the same time. Both read the current
    # entry, and both see revision 7 with a stock of 9.
    clerk_a = await kv.get("widgets")
    clerk_b = await kv.get("widgets")
    print(f"clerk A and clerk B both read stock {clerk_a.value.decode()} at rev {clerk_a.revision}")

    # `update` writes only if the key's latest revision is still the one
    # given in `last`. Clerk A is first: the condition holds and the new
    # value gets revision 8.
    rev = await kv.update("widgets", b"8", last=clerk_a.revision)
    print(f"clerk A sells 1: update(last={clerk_a.revision}) -> rev {rev}")

    # Clerk B's write is based on a value that no longer exists. A plain
    # `put` would silently overwrite A's sale; `update` is rejected, so no
    # sale is lost.
    try:
        await kv.update("widgets", b"8", last=clerk_b.revision)
    except KeyWrongLastSequenceError as err:
        print(f"clerk B sells 1: update(last={clerk_b.revision}) -> rejected: {err.description}")

    # The fix is the usual optimistic-concurrency loop: read again, redo
    # the change on the fresh value, and try again.
    fresh = await kv.get("widgets")
    stock = int(fresh.value) - 1
    rev = await kv.update("widgets", str(stock).encode(), last=fresh.revision)
    print(f"clerk B retries on rev {fresh.revision}: stock {stock} -> rev {rev}")

    # `create` is the same check against "no value yet": it writes only
    # if the key does not exist, which makes it a simple way to claim a
    # name or take a lock. The second attempt fails.
    rev = await kv.create("gadgets", b"100")
    print(f"create gadgets -> rev {rev}")
    try:
        await kv.create("gadgets", b"50")
    except KeyWrongLastSequenceError:
        print("create gadgets again -> rejected: key already exists")

    # A lock taken with a plain `create` never expires: if its holder
    # crashes, the key stays and nobody can take the lock again. Give it a
    # TTL instead: `msg_ttl` (seconds, at least 1; nats-server 2.11 or
    # later) makes the server remove the key by itself once the time is
    # up, unless the holder releases it first with `delete`. nats-py 2.16
    # has no TTL on `update`, so a holder cannot extend its lock; choose a
    # TTL longer than the work it protects.
    await kv.create("lock.report", b"worker-1", msg_ttl=1)
    print("worker-1 takes lock.report with create(msg_ttl=1)")
    try:
        await kv.create("lock.report", b"worker-2")
    except KeyWrongLastSequenceError:
        print("worker-2 create lock.report -> rejected while worker-1 holds it")

    # worker-1 then "crashes" and never releases the lock. worker-2 keeps
    # trying, with a deadline, and gets the lock once the TTL has expired.
    async with asyncio.timeout(5):
        while True:
            try:
                await kv.create("lock.report", b"worker-2")
                break
            except KeyWrongLastSequenceError:
                await asyncio.sleep(0.1)
    holder = await kv.get("lock.report")
    print(f"after the TTL: lock.report held by {holder.value.decode()}")

    # Clean up: deleting the bucket deletes every key and revision.
    await js.delete_key_value("inventory")
    await nc.drain()


if __name__ == "__main__":
    asyncio.run(main())
