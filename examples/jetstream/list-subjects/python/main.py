# A stream knows every subject it holds messages for and how many
# messages each one has. Asking for that list only needs the JetStream
# context of nats-py; `NotFoundError` is what deleting a stream that does
# not exist raises.
import asyncio
import os
from contextlib import suppress

import nats
from nats.js.errors import NotFoundError


async def main():
    servers = os.environ.get("NATS_URL", "nats://127.0.0.1:4222").split(",")
    nc = await nats.connect(servers)
    js = nc.jetstream()

    # Start clean: delete the stream if an interrupted run left it.
    with suppress(NotFoundError):
        await js.delete_stream("SENSORS")

    # A stream of sensor readings, one subject per region and metric. The
    # stream captures `sensors.>`, so the subjects are created simply by
    # publishing to them; nothing declares them ahead of time.
    await js.add_stream(name="SENSORS", subjects=["sensors.>"])
    readings = {
        "sensors.eu.temp": 3,
        "sensors.eu.humidity": 2,
        "sensors.us.temp": 4,
        "sensors.us.pressure": 1,
    }
    for subject, count in readings.items():
        for i in range(count):
            await js.publish(subject, f"reading {i + 1}".encode())
    print(f"published {sum(readings.values())} readings on {len(readings)} subjects")

    # Plain stream info reports totals only. Listing subjects can be
    # expensive on a stream with millions of them, so the server leaves
    # the list out unless the request asks for it.
    info = await js.stream_info("SENSORS")
    print(f"stream info: {info.state.messages} messages, subjects={info.state.subjects}")

    # Passing `subjects_filter` asks for the subjects matching a filter,
    # each with its number of messages. The filter `>` matches them all.
    # The result is a dict; we sort it so the output is stable. A server
    # answer holds at most 100,000 subjects and pages a longer list, but
    # nats-py 2.16's `stream_info` reads only the first page: on a very
    # large stream, narrow the request with a filter.
    async def list_subjects(subject_filter):
        info = await js.stream_info("SENSORS", subjects_filter=subject_filter)
        subjects = info.state.subjects or {}
        print(f"filter {subject_filter!r}: {len(subjects)} subject(s)")
        for subject, count in sorted(subjects.items()):
            print(f"  {subject}: {count}")

    await list_subjects(">")

    # Filters use the usual NATS wildcards: `*` matches one token, `>`
    # the rest of the subject. So we can ask for one region, or for one
    # metric across all regions, or check a single subject.
    await list_subjects("sensors.eu.*")
    await list_subjects("sensors.*.temp")
    await list_subjects("sensors.us.pressure")

    # The list always reflects what the stream holds right now. Purge the
    # pressure readings and that subject is gone; a filter that matches
    # nothing returns no subjects at all.
    await js.purge_stream("SENSORS", subject="sensors.us.pressure")
    print("purged sensors.us.pressure")
    await list_subjects("sensors.us.*")
    await list_subjects("sensors.asia.>")

    # Clean up: deleting the stream deletes its messages too.
    await js.delete_stream("SENSORS")
    await nc.drain()


if __name__ == "__main__":
    asyncio.run(main())
