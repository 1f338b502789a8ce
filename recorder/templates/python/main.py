# Say in a sentence or two what this program shows and why it matters.
# Every comment block becomes a paragraph of the page, shown beside the
# code that follows it, so write for a reader who is learning NATS.
import asyncio
import os

import nats


async def main():
    # Connect to the servers the recorder started (or to a local server).
    servers = os.environ.get("NATS_URL", "nats://127.0.0.1:4222").split(",")
    nc = await nats.connect(servers)

    # Explain each step before its code. Print labelled, deterministic lines:
    # the output is shown on the page and replayed at half speed.
    print("connected")

    # Drain the connection so nothing in flight is lost, then say so.
    await nc.drain()
    print("done")


if __name__ == "__main__":
    asyncio.run(main())
