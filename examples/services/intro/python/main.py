# nats-py's `nats.micro` module turns request handlers into a proper
# service: named, versioned, discoverable and with built-in statistics.
# `ServiceError` lets a handler reply with an error code. Callers need
# nothing but core NATS requests, and `json` to read discovery replies.
import asyncio
import json
import os

import nats
from nats import micro
from nats.micro.request import ServiceError


async def main():
    servers = os.environ.get("NATS_URL", "nats://127.0.0.1:4222").split(",")
    nc = await nats.connect(servers)

    # A service has a name (shared by all its running instances), a
    # semantic version and an optional description. `add_service` starts
    # it right away: it already answers discovery requests.
    svc = await micro.add_service(
        nc, name="text", version="1.0.0", description="Small text utilities"
    )

    # Endpoints are async handlers that receive a request and respond to
    # it. Raising `ServiceError` sends an error reply, with the code and
    # description in the `Nats-Service-Error-Code` and `Nats-Service-Error`
    # headers, and counts the error in the endpoint's stats.
    async def upper(req):
        await req.respond(req.data.upper())

    async def words(req):
        if not req.data.strip():
            raise ServiceError("400", "empty input")
        await req.respond(str(len(req.data.split())).encode())

    # A group puts its endpoints under a common subject prefix, so these
    # two listen on `text.upper` and `text.words`. Every endpoint joins a
    # queue group (`q` unless told otherwise), so starting more instances
    # of the service spreads the requests over them.
    group = svc.add_group(name="text")
    await group.add_endpoint(name="upper", handler=upper)
    await group.add_endpoint(name="words", handler=words)
    print("service text 1.0.0 started")

    # Calling an endpoint is a plain NATS request. An error reply is an
    # ordinary reply whose headers carry the error.
    async def call(subject, text):
        reply = await nc.request(subject, text.encode(), timeout=1)
        headers = reply.headers or {}
        if "Nats-Service-Error-Code" in headers:
            result = f"error {headers['Nats-Service-Error-Code']}: {headers['Nats-Service-Error']}"
        else:
            result = repr(reply.data.decode())
        print(f"{subject} {text!r} -> {result}")

    await call("text.upper", "hello nats")
    await call("text.words", "the quick brown fox")
    await call("text.words", "   ")

    # Every service answers three discovery requests on `$SRV.<verb>`,
    # optionally narrowed by service name and instance ID:
    # `$SRV.PING` finds running instances, `$SRV.INFO` describes their
    # endpoints and `$SRV.STATS` reports request counts and errors. Any
    # client, in any language, can ask; the answers are JSON. (With many
    # instances you would gather all replies rather than take the first.)
    ping = json.loads((await nc.request("$SRV.PING", b"", timeout=1)).data)
    print(
        f"PING: {ping['name']} {ping['version']} "
        f"(instance id is this service's: {ping['id'] == svc.id})"
    )

    info = json.loads((await nc.request("$SRV.INFO.text", b"", timeout=1)).data)
    print(f"INFO: {info['name']} - {info['description']}")
    for ep in info["endpoints"]:
        print(f"  endpoint {ep['name']} on {ep['subject']} (queue group {ep['queue_group']})")

    stats = json.loads((await nc.request(f"$SRV.STATS.text.{svc.id}", b"", timeout=1)).data)
    print("STATS:")
    for ep in stats["endpoints"]:
        line = f"  {ep['name']}: {ep['num_requests']} request(s), {ep['num_errors']} error(s)"
        if ep["last_error"]:
            line += f", last error {ep['last_error']}"
        print(line)

    # Stopping the service removes its endpoints and discovery
    # subscriptions; then close the connection.
    await svc.stop()
    await nc.drain()


if __name__ == "__main__":
    asyncio.run(main())
