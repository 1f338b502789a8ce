// In operator mode, the server's config names no users at all. It trusts an
// operator key; the operator signs account JWTs, and each account signs
// the JWTs of its own users. A user connects with a creds file holding its
// JWT and its private key, and the server checks the chain of signatures
// back to the operator. Adding a user is signing a JWT: no server is
// touched. Besides nats.go this example uses `github.com/nats-io/nkeys`,
// which reads creds files and makes keys.
package main

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"log"
	"maps"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nkeys"
)

func main() {
	if err := run(); err != nil {
		log.Fatal(err)
	}
}

// A JWT is three base64url parts (without padding) joined by dots: a
// header, the claims, and a signature of the first two. Reading the claims
// needs no key (they are signed, not encrypted); the server checks the
// signature.
func decode(part string) (map[string]any, error) {
	raw, err := base64.RawURLEncoding.DecodeString(part)
	if err != nil {
		return nil, err
	}
	var fields map[string]any
	return fields, json.Unmarshal(raw, &fields)
}

// The names of a JSON object's fields, sorted.
func names(fields map[string]any) string {
	return strings.Join(slices.Sorted(maps.Keys(fields)), ", ")
}

// A connection and a channel closed once it has closed.
type conn struct {
	nc     *nats.Conn
	closed chan struct{}
}

func connect(url string, auth nats.Option) (*conn, error) {
	c := &conn{closed: make(chan struct{})}
	nc, err := nats.Connect(url, auth, nats.ClosedHandler(func(*nats.Conn) { close(c.closed) }))
	c.nc = nc
	return c, err
}

func (c *conn) drain() error {
	if err := c.nc.Drain(); err != nil {
		return err
	}
	<-c.closed
	return nil
}

func run() error {
	url := os.Getenv("NATS_URL")
	if url == "" {
		url = nats.DefaultURL
	}

	// The recorder writes a creds file for each user of the run and names
	// it in an environment variable: alice and bob of account APP. With
	// `nsc` you would make them with `nsc add user` and
	// `nsc generate creds`.
	aliceCreds := os.Getenv("NATS_CREDS_APP_ALICE")
	bobCreds := os.Getenv("NATS_CREDS_APP_BOB")

	// A creds file is text: the user's JWT and, below it, the user's seed
	// (its private nkey), each between marker lines. It is a secret, like
	// a password: whoever holds it is this user. `nkeys.ParseDecoratedJWT`
	// and `nkeys.ParseDecoratedUserNKey` find the two parts; the second
	// returns a key pair, whose `Seed` gives the seed back as text and
	// whose `Wipe` clears it from memory once the program is done.
	text, err := os.ReadFile(aliceCreds)
	if err != nil {
		return err
	}
	jwt, err := nkeys.ParseDecoratedJWT(text)
	if err != nil {
		return err
	}
	user, err := nkeys.ParseDecoratedUserNKey(text)
	if err != nil {
		return err
	}
	defer user.Wipe()
	seed, err := user.Seed()
	if err != nil {
		return err
	}
	parts := strings.Split(jwt, ".")
	fmt.Printf("creds file: a JWT of %d parts and a seed of kind %s\n", len(parts), seed[:2])

	// What alice's JWT carries. The header names the signature's
	// algorithm: Ed25519, with nkeys. In the claims, the subject (`sub`)
	// is alice's public nkey (it starts with U, for user) and the issuer
	// (`iss`) the public key of the account that signed the JWT (A, for
	// account); `iat` is when it was issued and `jti` its unique id.
	// Under `nats` are the claims NATS adds: the kind of JWT, and the
	// user's permissions and limits. A JWT may also carry an expiry
	// (`exp`); this one does not. The keys are made afresh for each run,
	// so only their first letters are printed. (`github.com/nats-io/jwt/v2`
	// decodes these claims into Go types; plain JSON is enough to look.)
	header, err := decode(parts[0])
	if err != nil {
		return err
	}
	claims, err := decode(parts[1])
	if err != nil {
		return err
	}
	natsClaims, _ := claims["nats"].(map[string]any)
	fmt.Printf("header: typ %v, alg %v\n", header["typ"], header["alg"])
	fmt.Printf("claims: %s\n", names(claims))
	fmt.Printf("  nats: %s\n", names(natsClaims))
	fmt.Printf("  type %v, name %v, sub %.1s..., iss %.1s...\n",
		natsClaims["type"], claims["name"], claims["sub"], claims["iss"])

	// `nats.UserCredentials` takes the path of a creds file. nats.go reads
	// it each time it connects (reconnects included), sends the JWT, and
	// signs the server's nonce with the seed, proving it holds the key the
	// JWT was issued to. The seed never leaves the client.
	alice, err := connect(url, nats.UserCredentials(aliceCreds))
	if err != nil {
		return err
	}
	defer alice.nc.Close()
	bob, err := connect(url, nats.UserCredentials(bobCreds))
	if err != nil {
		return err
	}
	defer bob.nc.Close()

	// Every user may ask the server who it is, on `$SYS.REQ.USER.INFO`.
	// The account is the JWT's issuer; the server knows its name from the
	// account's own JWT.
	reply, err := alice.nc.Request("$SYS.REQ.USER.INFO", nil, 2*time.Second)
	if err != nil {
		return err
	}
	var info struct {
		Data struct {
			User    string `json:"user_name"`
			Account string `json:"account_name"`
		} `json:"data"`
	}
	if err := json.Unmarshal(reply.Data, &info); err != nil {
		return err
	}
	fmt.Printf("alice connected: user %s of account %s\n", info.Data.User, info.Data.Account)

	// Alice and bob share the account APP, so they share its subjects.
	if _, err := bob.nc.Subscribe("greet", func(msg *nats.Msg) {
		if err := msg.Respond(fmt.Appendf(nil, "hello %s, from bob", msg.Data)); err != nil {
			log.Printf("bob: %v", err)
		}
	}); err != nil {
		return err
	}
	if err := bob.nc.Flush(); err != nil {
		return err
	}
	if reply, err = alice.nc.Request("greet", []byte("alice"), 2*time.Second); err != nil {
		return err
	}
	fmt.Printf("alice asked bob: %s\n", reply.Data)

	// Two forged creds. Both are refused with "Authorization Violation":
	// `nats.Connect` returns `nats.ErrAuthorization`. `nats.UserJWTAndSeed`
	// takes the JWT and the seed as strings, so these never touch the
	// disk.
	tryCreds := func(label, jwt string, seed []byte) error {
		nc, err := nats.Connect(url, nats.UserJWTAndSeed(jwt, string(seed)))
		switch {
		case errors.Is(err, nats.ErrAuthorization):
			fmt.Printf("%s: refused, %v\n", label, err)
			return nil
		case err != nil:
			return err
		}
		nc.Close()
		return fmt.Errorf("%s: accepted", label)
	}

	// 1. Alice's JWT with a seed of someone else's: the signature of the
	// nonce does not match the JWT's subject. A stolen JWT alone is
	// useless.
	stranger, err := nkeys.CreateUser()
	if err != nil {
		return err
	}
	defer stranger.Wipe()
	strangerSeed, err := stranger.Seed()
	if err != nil {
		return err
	}
	if err := tryCreds("alice's JWT, another seed", jwt, strangerSeed); err != nil {
		return err
	}

	// 2. Alice's JWT with its claims edited (her name made "mallory") and
	// alice's real seed: the account's signature no longer matches the
	// claims. Nobody can change what a JWT grants without the account's
	// key.
	claims["name"] = "mallory"
	edited, err := json.Marshal(claims)
	if err != nil {
		return err
	}
	forged := parts[0] + "." + base64.RawURLEncoding.EncodeToString(edited) + "." + parts[2]
	if err := tryCreds("alice's JWT edited", forged, seed); err != nil {
		return err
	}

	return errors.Join(alice.drain(), bob.drain())
}
