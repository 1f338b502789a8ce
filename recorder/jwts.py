"""Operator mode for a run: an operator, its accounts and their users, as
NATS JWTs signed with nkeys, minted at record time (nothing secret is ever
committed). The server gets the operator JWT and the account JWTs through
placeholders of the example's config; each user gets a creds file.

A NATS JWT is `base64url(header).base64url(claims).base64url(signature)`;
the header names the `ed25519-nkey` algorithm, and the signature is the
issuer's nkey signing the first two parts. An operator signs itself and
its accounts; an account signs its users.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

SYSTEM = "SYS"
_NO_LIMIT = -1


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


@dataclass(frozen=True)
class Key:
    seed: str  # the secret
    public: str


def new_key(kind: str) -> Key:
    """A fresh nkey pair: kind is operator, account or user."""
    import nkeys

    prefix = {"operator": nkeys.PREFIX_BYTE_OPERATOR, "account": nkeys.PREFIX_BYTE_ACCOUNT,
              "user": nkeys.PREFIX_BYTE_USER}[kind]
    seed = nkeys.encode_seed(os.urandom(32), prefix)
    pair = nkeys.from_seed(bytearray(seed))
    return Key(seed.decode(), pair.public_key.decode())


def encode(claims: dict[str, Any], issuer: Key) -> str:
    """Sign claims as issuer. The id (jti) is the hash of the claims, so
    two different tokens never share one."""
    import nkeys

    claims = {**claims, "iss": issuer.public, "iat": int(time.time())}
    body = json.dumps(claims, sort_keys=True).encode()
    claims["jti"] = base64.b32encode(hashlib.sha256(body).digest()).decode().rstrip("=")
    head = _b64(json.dumps({"typ": "JWT", "alg": "ed25519-nkey"}).encode())
    payload = _b64(json.dumps(claims).encode())
    signature = nkeys.from_seed(bytearray(issuer.seed.encode())).sign(f"{head}.{payload}".encode())
    return f"{head}.{payload}.{_b64(signature)}"


def decode(token: str) -> dict[str, Any]:
    """The claims of a JWT (not verified: for tests and for showing)."""
    payload = token.split(".")[1]
    return dict(json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))))


def creds(user_jwt: str, user: Key) -> str:
    """A creds file: the user's JWT and its seed, in the form clients read."""
    return ("-----BEGIN NATS USER JWT-----\n" f"{user_jwt}\n" "------END NATS USER JWT------\n\n"
            "************************* IMPORTANT *************************\n"
            "NKEY Seed printed below can be used to sign and prove identity.\n"
            "NKEYs are sensitive and should be treated as secrets.\n\n"
            "-----BEGIN USER NKEY SEED-----\n" f"{user.seed}\n" "------END USER NKEY SEED------\n\n"
            "*************************************************************\n")


@dataclass
class Operator:
    """An operator with its system account and the accounts and users an
    example asked for, everything signed and ready for a server config."""

    key: Key = field(default_factory=lambda: new_key("operator"))
    accounts: dict[str, tuple[Key, str]] = field(default_factory=dict)  # name -> (key, JWT)
    users: dict[tuple[str, str], tuple[Key, str]] = field(default_factory=dict)

    def add_account(self, name: str, jetstream: bool = True) -> Key:
        key = new_key("account")
        limits: dict[str, Any] = {"subs": _NO_LIMIT, "data": _NO_LIMIT, "payload": _NO_LIMIT,
                                  "imports": _NO_LIMIT, "exports": _NO_LIMIT,
                                  "wildcards": True, "conn": _NO_LIMIT, "leaf": _NO_LIMIT}
        if jetstream:
            limits.update({"mem_storage": _NO_LIMIT, "disk_storage": _NO_LIMIT,
                           "streams": _NO_LIMIT, "consumer": _NO_LIMIT})
        claims = {"sub": key.public, "name": name,
                  "nats": {"type": "account", "version": 2, "limits": limits,
                           "default_permissions": {"pub": {}, "sub": {}}}}
        self.accounts[name] = (key, encode(claims, self.key))
        return key

    def add_user(self, account: str, name: str) -> Key:
        account_key = self.accounts[account][0]
        key = new_key("user")
        claims = {"sub": key.public, "name": name,
                  "nats": {"type": "user", "version": 2, "pub": {}, "sub": {},
                           "subs": _NO_LIMIT, "data": _NO_LIMIT, "payload": _NO_LIMIT}}
        self.users[(account, name)] = (key, encode(claims, account_key))
        return key

    def jwt(self) -> str:
        claims = {"sub": self.key.public, "name": "nbe",
                  "nats": {"type": "operator", "version": 2,
                           "system_account": self.accounts[SYSTEM][0].public}}
        return encode(claims, self.key)

    def placeholders(self) -> dict[str, str]:
        """What a config of this run may use."""
        preload = ", ".join(f"{key.public}: {token}" for key, token in self.accounts.values())
        values = {"operator_jwt": self.jwt(), "system_account": self.accounts[SYSTEM][0].public,
                  "resolver_preload": "{ " + preload + " }"}
        for name, (key, _) in self.accounts.items():
            values[f"account_{name}"] = key.public
        return values

    def write_creds(self, folder: Path) -> dict[str, str]:
        """A creds file per user in folder; the environment variables that
        name them: NATS_CREDS_<ACCOUNT>_<USER>."""
        folder.mkdir(parents=True, exist_ok=True)
        env = {}
        for (account, name), (key, token) in self.users.items():
            path = folder / f"{account}-{name}.creds"
            path.write_text(creds(token, key))
            path.chmod(0o600)
            env[f"NATS_CREDS_{account}_{name}".upper().replace("-", "_")] = str(path)
        return env


def operator_for(accounts: dict[str, tuple[str, ...]]) -> Operator:
    """The operator of a run: the system account (with a user `sys`) and
    the example's accounts, each with its users."""
    op = Operator()
    op.add_account(SYSTEM, jetstream=False)
    op.add_user(SYSTEM, "sys")
    for account, users in accounts.items():
        op.add_account(account)
        for user in users:
            op.add_user(account, user)
    return op
