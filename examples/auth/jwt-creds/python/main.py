# In operator mode, the server's config names no users at all. It trusts an
# operator key; the operator signs account JWTs, and each account signs
# the JWTs of its own users. A user connects with a creds file holding its
# JWT and its private key, and the server checks the chain of signatures
# back to the operator. Adding a user is signing a JWT: no server is
# touched.
import asyncio
import base64
import json
import os
from collections import UserString

import nats
import nkeys
from nats.errors import Error as NatsError


# A JWT is three base64url parts joined by dots: a header, the claims, and
# a signature of the first two. Reading the claims needs no key (they are
# signed, not encrypted); the server checks the signature.
def decode(part):
    return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))


def kinds(mapping):
    return ", ".join(f"{k} {type(v).__name__}" for k, v in sorted(mapping.items()))


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

    # The recorder writes a creds file for each user of the run and names
    # it in an environment variable: alice and bob of account APP. With
    # `nsc` you would make them with `nsc add user` and
    # `nsc generate creds`.
    alice_creds = os.environ["NATS_CREDS_APP_ALICE"]
    bob_creds = os.environ["NATS_CREDS_APP_BOB"]

    # A creds file is text: the user's JWT and, below it, the user's seed
    # (its private nkey), each between marker lines. It is a secret, like
    # a password: whoever holds it is this user.
    with open(alice_creds) as f:
        text = f.read()
    lines = text.splitlines()
    jwt = lines[lines.index("-----BEGIN NATS USER JWT-----") + 1]
    seed = lines[lines.index("-----BEGIN USER NKEY SEED-----") + 1]
    head, body, signature = jwt.split(".")
    print(f"creds file: a JWT of {len(jwt.split('.'))} parts and a seed of kind {seed[:2]}")

    # What alice's JWT carries. The header names the signature's
    # algorithm: Ed25519, with nkeys. In the claims, the subject (`sub`)
    # is alice's public nkey (it starts with U, for user) and the issuer
    # (`iss`) the public key of the account that signed the JWT (A, for
    # account); `iat` is when it was issued and `jti` its unique id.
    # Under `nats` are the claims NATS adds: the kind of JWT, and the
    # user's permissions and limits (empty, and -1 for no limit). A JWT
    # may also carry an expiry (`exp`); this one does not. The keys are
    # made afresh for each run, so only their first letters are printed.
    claims = decode(body)
    header = decode(head)
    print(f"header: typ {header['typ']}, alg {header['alg']}")
    print(f"claims: {kinds(claims)}")
    print(f"  nats: {kinds(claims['nats'])}")
    print(f"  type {claims['nats']['type']}, name {claims['name']}, "
          f"sub {claims['sub'][0]}..., iss {claims['iss'][0]}...")

    # `user_credentials` takes the path of a creds file. nats-py reads it
    # each time it connects (reconnects included), sends the JWT, and
    # signs the server's nonce with the seed, proving it holds the key the
    # JWT was issued to. The seed never leaves the client.
    alice = await nats.connect(servers, user_credentials=alice_creds)
    bob = await nats.connect(servers, user_credentials=bob_creds)

    # Every user may ask the server who it is, on `$SYS.REQ.USER.INFO`.
    # The account is the JWT's issuer; the server knows its name from the
    # account's own JWT.
    info = json.loads((await alice.request("$SYS.REQ.USER.INFO", b"", timeout=2)).data)["data"]
    print(f"alice connected: user {info['user_name']} of account {info['account_name']}")

    # Alice and bob share the account APP, so they share its subjects.
    async def greet(msg):
        await msg.respond(b"hello " + msg.data + b", from bob")

    await bob.subscribe("greet", cb=greet)
    await round_trip(bob)
    reply = await alice.request("greet", b"alice", timeout=2)
    print(f"alice asked bob: {reply.data.decode()}")

    # Two forged creds. Both are refused with "Authorization Violation",
    # which nats-py raises from `connect`; it also reports the error to
    # `error_cb` (quiet here) and, with `allow_reconnect=False`, does not
    # try again. `user_credentials` also takes the text of a creds file,
    # wrapped in a `UserString`, so these never touch the disk.
    async def quiet(err):
        pass

    async def try_creds(label, creds_text):
        try:
            nc = await nats.connect(servers, user_credentials=UserString(creds_text),
                                    allow_reconnect=False, error_cb=quiet)
            await nc.close()
            print(f"{label}: accepted")
        except NatsError as err:
            print(f"{label}: refused, {err}")

    # 1. Alice's JWT with a seed of someone else's: the signature of the
    # nonce does not match the JWT's subject. A stolen JWT alone is
    # useless.
    stranger = nkeys.encode_seed(os.urandom(32), nkeys.PREFIX_BYTE_USER).decode()
    await try_creds("alice's JWT, another seed", text.replace(seed, stranger))

    # 2. Alice's JWT with its claims edited (her name made "mallory") and
    # alice's real seed: the account's signature no longer matches the
    # claims. Nobody can change what a JWT grants without the account's
    # key.
    edited = base64.urlsafe_b64encode(json.dumps({**claims, "name": "mallory"}).encode())
    forged = f"{head}.{edited.rstrip(b'=').decode()}.{signature}"
    await try_creds("alice's JWT edited", text.replace(jwt, forged))

    # A warning about files: nats-py 2.16 looks for the JWT's marker line
    # and never stops looking, so a file without one (the wrong file, an
    # empty one) makes `connect` hang. Check a creds file before you use it.
    await alice.drain()
    await bob.drain()


if __name__ == "__main__":
    asyncio.run(main())
