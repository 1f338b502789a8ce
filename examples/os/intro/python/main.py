# The object store keeps files and blobs of any size in JetStream, cut
# into chunks. We use nats-py's object store API, a temporary folder for
# the files, and three errors: one for a message too big to publish, one
# for a missing object, and one for a bucket that is not there to delete.
import asyncio
import os
import tempfile
from contextlib import suppress
from pathlib import Path

import nats
from nats.errors import MaxPayloadError
from nats.js.api import ObjectMeta
from nats.js.errors import NotFoundError, ObjectNotFoundError


async def main():
    servers = os.environ.get("NATS_URL", "nats://127.0.0.1:4222").split(",")
    nc = await nats.connect(servers)
    js = nc.jetstream()

    # A bucket is backed by a stream called `OBJ_assets`. Other programs
    # open it with `js.object_store("assets")`. (Start clean: delete the
    # bucket first if an interrupted run left it.)
    with suppress(NotFoundError):
        await js.delete_object_store("assets")
    store = await js.create_object_store("assets")

    # A watcher reports every change to the bucket's objects: first the
    # objects already there (none yet), then a `None` marker, which we
    # skip, then each put, metadata update and delete as it happens. We
    # read one update after each step below.
    watcher = await store.watch()
    await watcher.updates(timeout=2)

    async def show_update():
        info = await watcher.updates(timeout=2)
        what = "deleted" if info.deleted else f"{info.size} bytes, {info.description!r}"
        print(f"  watch: {info.name}: {what}")

    # `put` accepts bytes or a string for small objects. The info it
    # returns describes what was stored: the size, the number of chunks
    # and a SHA-256 digest of the content.
    info = await store.put("motd.txt", b"Welcome to NATS!\n")
    print(f"put {info.name}: {info.size} bytes in {info.chunks} chunk")
    await show_update()

    with tempfile.TemporaryDirectory() as tmp:
        # Why chunks: a NATS message may not exceed the server's
        # `max_payload`, 1 MiB by default, which the client learns when it
        # connects. Our report is 2.5 MiB, generated so its content (and
        # digest) is the same on every run; as one message it is refused
        # before it leaves the client.
        source = Path(tmp, "report.csv")
        source.write_bytes(b"".join(f"{i:08d},{i * i:016d}\n".encode() for i in range(100_000)))
        print(f"server max_payload: {nc.max_payload} bytes")
        try:
            await nc.publish("reports.raw", source.read_bytes())
        except MaxPayloadError:
            print(f"publish {source.stat().st_size} bytes as one message -> MaxPayloadError")

        # The object store cuts it up. Passed an open file, nats-py reads it
        # in 128 KiB chunks and publishes each as a message, so even very
        # large files never have to fit in memory.
        meta = ObjectMeta(description="monthly report")
        with source.open("rb") as f:
            info = await store.put("reports/2024-05.csv", f, meta=meta)
        print(f"put {info.name}: {info.size} bytes in {info.chunks} chunks")
        print(f"  digest {info.digest}")
        await show_update()

        # `get` reassembles the object from its chunks and checks the
        # digest on the way. With `writeinto` it streams into a file;
        # without, the content comes back in memory.
        target = Path(tmp, "downloaded.csv")
        with target.open("wb") as f:
            await store.get("reports/2024-05.csv", writeinto=f)
        same = target.read_bytes() == source.read_bytes()
        print(f"get reports/2024-05.csv into a file: identical to the original: {same}")

    # `update_meta` rewrites the metadata message only (here the
    # description), leaving the chunks alone, and watchers see it.
    # (Renaming with it fails in nats-py 2.16 with `ObjectAlreadyExists`:
    # the client checks the old name where it should check the new one.)
    await store.update_meta("reports/2024-05.csv",
                            ObjectMeta(name="reports/2024-05.csv", description="final report"))
    info = await store.get_info("reports/2024-05.csv")
    print(f"update_meta: description={info.description!r}, still {info.chunks} chunks")
    await show_update()

    # `delete` purges the object's chunks and leaves a marker saying it
    # is gone, so a later lookup fails with `ObjectNotFoundError`, and
    # watchers see the deletion.
    await store.delete("motd.txt")
    await show_update()
    try:
        await store.get("motd.txt")
    except ObjectNotFoundError:
        print("get motd.txt after delete: not found")
    names = [info.name for info in await store.list(ignore_deletes=True)]
    print(f"list after delete: {names}")

    # Clean up: stop the watcher, and delete the bucket with its stream.
    await watcher.stop()
    await js.delete_object_store("assets")
    await nc.drain()


if __name__ == "__main__":
    asyncio.run(main())
