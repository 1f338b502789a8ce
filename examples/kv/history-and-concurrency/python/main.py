# A key-value bucket can keep several revisions of each key, and every
# write can be made conditional on the revision the writer last saw.
# `KeyWrongLastSequenceError` is how nats-py reports a failed condition.
import asyncio
import os

import nats
from nats.js.errors import KeyWrongLastSequenceError


async def main():
    servers = os.environ.get("NATS_URL", "nats://127.0.0.1:4222").split(",")
    nc = await nats.connect(servers)
    js = nc.jetstream()

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

    await nc.drain()


if __name__ == "__main__":
    asyncio.run(main())
