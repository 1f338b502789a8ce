# Watching a key-value bucket turns it from a place you poll into a feed
# of changes. This needs only nats-py; its `TimeoutError` tells us when a
# watcher has nothing new, and `NotFoundError` is what deleting a bucket
# that does not exist raises.
import asyncio
import os
from contextlib import suppress

import nats
from nats.errors import TimeoutError
from nats.js.errors import NotFoundError


async def main():
    servers = os.environ.get("NATS_URL", "nats://127.0.0.1:4222").split(",")
    nc = await nats.connect(servers)
    js = nc.jetstream()

    # A bucket holding the state of a smart home, with some values
    # already in it before anybody watches. (Start clean: delete the bucket
    # first if an interrupted run left it.)
    with suppress(NotFoundError):
        await js.delete_key_value("home")
    kv = await js.create_key_value(bucket="home")
    await kv.put("lights.kitchen", b"off")
    await kv.put("lights.hall", b"on")
    await kv.put("thermostat", b"20")

    # Two watchers: one on every key, one on the pattern `lights.*`. Key
    # patterns use subject wildcards, since every key is a subject in
    # the bucket's stream.
    watch_all = await kv.watchall()
    watch_lights = await kv.watch("lights.*")

    # Each update is an entry with the key, value and revision. A delete
    # arrives as an entry with operation `DEL` and no value. A watcher
    # also yields `None` once, to say it has delivered everything that
    # was in the bucket when it started.
    async def show(name, watcher):
        entry = await watcher.updates(timeout=2)
        if entry is None:
            print(f"  [{name}] caught up, now live")
        elif entry.operation == "DEL":
            print(f"  [{name}] {entry.key} deleted (rev {entry.revision})")
        else:
            print(f"  [{name}] {entry.key} = {entry.value.decode()!r} (rev {entry.revision})")

    # A new watcher starts with the current value of every matching key,
    # then the `None` marker. The lights watcher never hears about the
    # thermostat.
    print("initial values:")
    for _ in range(4):
        await show("all", watch_all)
    for _ in range(3):
        await show("lights", watch_lights)

    # From now on, every change is pushed to the watchers whose pattern
    # matches it, as soon as it is stored.
    print("put lights.kitchen = 'on'")
    await kv.put("lights.kitchen", b"on")
    await show("all", watch_all)
    await show("lights", watch_lights)

    print("put thermostat = '21'")
    await kv.put("thermostat", b"21")
    await show("all", watch_all)

    print("delete lights.hall")
    await kv.delete("lights.hall")
    await show("all", watch_all)
    await show("lights", watch_lights)

    # The thermostat change never reached the lights watcher: after the
    # delete it has nothing left to report.
    try:
        await watch_lights.updates(timeout=0.5)
    except TimeoutError:
        print("  [lights] no further updates")

    # Stop the watchers to remove their consumers. Then clean up: deleting
    # the bucket deletes every key.
    await watch_all.stop()
    await watch_lights.stop()
    await js.delete_key_value("home")
    await nc.drain()


if __name__ == "__main__":
    asyncio.run(main())
