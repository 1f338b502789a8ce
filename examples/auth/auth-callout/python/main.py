# Auth callout hands the decision "who may connect, and with what
# permissions" to a service you write. The server still does the
# connection; for every client it sends the service what the client
# presented (user and password, a token, a JWT, its TLS certificate) and
# waits for a signed answer: a user JWT that says which account the client
# goes into and what it may do, or an error. Users can then live in your
# own database, LDAP or identity provider, not in the server's config.
import asyncio
import base64
import json
import os
import time

import nats
import nkeys
from nats.errors import Error as NatsError

# The service's own directory of users. A real one would ask a database or
# an identity provider, and store password hashes, never passwords.
DIRECTORY = {
    "alice": {"password": "alice-secret", "account": "APP", "allow": ["orders.>"]},
    "bob": {"password": "bob-secret", "account": "APP", "allow": ["orders.>"]},
}


# The request and the answer are NATS JWTs: three base64url parts, without
# padding, joined by dots. The header says how the token is signed
# (Ed25519, with nkeys); the claims are JSON; the signature is the
# issuer's nkey signing the first two parts, as text.
def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def claims_of(token):
    part = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))


def encode_jwt(claims, signer):
    header = b64url(json.dumps({"typ": "JWT", "alg": "ed25519-nkey"}).encode())
    claims = {**claims, "iss": signer.public_key.decode(), "iat": int(time.time())}
    body = b64url(json.dumps(claims).encode())
    signature = signer.sign(f"{header}.{body}".encode())
    return f"{header}.{body}.{b64url(signature)}"


# A flush is a round trip: the server answers its PING with a PONG once it
# has handled everything the client sent before. nats-py 2.16 writes that
# PING straight to the socket, though, ahead of commands still waiting in
# its write buffer (a SUB made a moment earlier, say). So flush twice: the
# first flush pushes the waiting commands out behind its PING, and the
# second one's PONG confirms the server has handled them.
async def round_trip(nc):
    await nc.flush()
    await nc.flush()


async def main():
    servers = os.environ.get("NATS_URL", "nats://127.0.0.1:4222").split(",")

    # The service signs with an account nkey. Its public key is the
    # `issuer` in server.conf; the seed (which starts with SA) is the
    # service's secret, here from the environment.
    issuer = nkeys.from_seed(bytearray(os.environ["NATS_SEED_ISSUER"].encode()))

    # The decision. The request's claims carry, under `nats`: the
    # `connect_opts` the client sent (user, pass, auth_token, jwt, name,
    # lang, version), `client_info` (its address, its connection id), the
    # `server_id`, and `user_nkey`: a user key the server made for this one
    # connection attempt, so that an answer cannot be replayed for another.
    def authorize(request):
        opts = request["connect_opts"]
        user = DIRECTORY.get(opts.get("user", ""))
        if user is None or user["password"] != opts.get("pass"):
            print(f"auth service: {opts.get('user')}, wrong password -> refused")
            return {"error": "wrong user or password"}

        # Let in: a user JWT for the server's key, signed by the issuer.
        # Outside operator mode its audience (`aud`) names the account the
        # client goes into; `name` is the user name the server shows for
        # the connection; `pub` and `sub` are its permissions. An `exp`
        # claim would end the session at that time.
        print(f"auth service: {opts['user']}, password correct -> account "
              f"{user['account']}, may use {', '.join(user['allow'])}")
        allow = {"allow": user["allow"]}
        user_jwt = encode_jwt({
            "sub": request["user_nkey"], "aud": user["account"], "name": opts["user"],
            "nats": {"type": "user", "version": 2, "pub": allow, "sub": allow,
                     "subs": -1, "data": -1, "payload": -1},
        }, issuer)
        return {"jwt": user_jwt}

    # The service is an ordinary subscriber on `$SYS.REQ.USER.AUTH` in
    # account AUTH. The request is a JWT signed by the server (its issuer
    # is the server's own key, starting with N); a service that must know
    # which servers it talks to checks that key and the signature. The
    # answer is a JWT of type `authorization_response`, about the
    # request's user key (`sub`) and for that server (`aud`), signed by
    # the issuer, carrying either the user JWT or the error.
    async def on_request(msg):
        request = claims_of(msg.data.decode())
        decision = authorize(request["nats"])
        response = encode_jwt({
            "sub": request["nats"]["user_nkey"], "aud": request["nats"]["server_id"]["id"],
            "nats": {"type": "authorization_response", "version": 2, **decision},
        }, issuer)
        await msg.respond(response.encode())

    service = await nats.connect(servers, user="auth", password="auth")
    await service.subscribe("$SYS.REQ.USER.AUTH", cb=on_request)
    await round_trip(service)
    print("auth service: listening on $SYS.REQ.USER.AUTH")

    # Clients connect as they always do. nats-py knows nothing of the
    # callout: it sends its user and password, and the server holds the
    # connection until the service has answered.
    violation = asyncio.Event()

    async def on_error(err):
        print(f"alice: error callback: {err}")
        violation.set()

    alice = await nats.connect(servers, user="alice", password="alice-secret", error_cb=on_error)
    print("alice: connected")

    # Alice's permissions are those the service granted: she may publish
    # and subscribe on `orders.>`.
    orders = await alice.subscribe("orders.>")
    await alice.publish("orders.new", b"one book")
    msg = await orders.next_msg(timeout=2)
    print(f"alice: received on {msg.subject}: {msg.data.decode()}")

    # Anything else is refused. The publish itself returns; the server
    # answers with a permissions violation, which nats-py reports to
    # `error_cb`, and the connection stays open.
    await alice.publish("admin.shutdown", b"")
    await asyncio.wait_for(violation.wait(), 5)

    # Bob gives a wrong password. The service says no, and the client is
    # told only "Authorization Violation": the reason stays in the
    # service (and in the server's log), not with a stranger.
    async def quiet(err):
        pass

    try:
        await nats.connect(servers, user="bob", password="guess", allow_reconnect=False,
                           error_cb=quiet)
    except NatsError as err:
        print(f"bob: refused, {err}")

    # The request carries the client's password in clear, inside account
    # AUTH. With the `xkey` option of `auth_callout`, the server encrypts
    # each request for the service (and the service may encrypt its
    # answer): a production service should use it.
    await alice.drain()
    await service.drain()


if __name__ == "__main__":
    asyncio.run(main())
