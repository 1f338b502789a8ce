# The object store keeps files and blobs of any size in JetStream, cut
# into chunks. We use nats-py's object store API, a temporary folder for
# the files, and the error raised for a missing object.
import asyncio
import os
import tempfile
from pathlib import Path

import nats
from nats.js.api import ObjectMeta
from nats.js.errors import ObjectNotFoundError


async def main():
    servers = os.environ.get("NATS_URL", "nats://127.0.0.1:4222").split(",")
    nc = await nats.connect(servers)
    js = nc.jetstream()

    # A bucket is backed by a stream called `OBJ_assets`. Other programs
    # open it with `js.object_store("assets")`.
    store = await js.create_object_store("assets")

    # `put` accepts bytes or a string for small objects. The info it
    # returns describes what was stored: the size, the number of chunks
    # and a SHA-256 digest of the content.
    info = await store.put("motd.txt", b"Welcome to NATS!\n")
    print(f"put {info.name}: {info.size} bytes in {info.chunks} chunk")

    with tempfile.TemporaryDirectory() as tmp:
        # For files, pass an open file instead: nats-py reads it in 128 KiB
        # chunks and publishes each chunk as a message, so even very large
        # files never have to fit in memory. Our file is a 312 KiB report,
        # generated so its content (and digest) is the same on every run.
        source = Path(tmp, "report.csv")
        source.write_bytes(b"".join(f"{i:08d},{i * i:016d}\n".encode() for i in range(12 * 1024)))
        meta = ObjectMeta(description="monthly report")
        with source.open("rb") as f:
            info = await store.put("reports/2024-05.csv", f, meta=meta)
        print(f"put {info.name}: {info.size} bytes in {info.chunks} chunks")

        # `get_info` reads only the metadata, not the content.
        info = await store.get_info("reports/2024-05.csv")
        print(
            f"info {info.name}: size={info.size} chunks={info.chunks} "
            f"description={info.description!r}"
        )
        print(f"  digest {info.digest}")

        # `get` reassembles the object from its chunks and checks the
        # digest on the way. With `writeinto` it streams into a file;
        # without, the content comes back in memory.
        target = Path(tmp, "downloaded.csv")
        with target.open("wb") as f:
            await store.get("reports/2024-05.csv", writeinto=f)
        same = target.read_bytes() == source.read_bytes()
        print(f"get reports/2024-05.csv into a file: identical to the original: {same}")

    result = await store.get("motd.txt")
    print(f"get motd.txt: {result.data.decode()!r}")

    # `list` returns the info of every object in the bucket.
    for info in sorted(await store.list(), key=lambda i: i.name):
        print(f"list: {info.name} ({info.size} bytes)")

    # `delete` purges the object's chunks and leaves a marker saying it
    # is gone, so a later lookup fails with `ObjectNotFoundError`.
    await store.delete("motd.txt")
    try:
        await store.get("motd.txt")
    except ObjectNotFoundError:
        print("get motd.txt after delete: not found")
    names = [info.name for info in await store.list(ignore_deletes=True)]
    print(f"list after delete: {names}")

    await nc.drain()


if __name__ == "__main__":
    asyncio.run(main())
