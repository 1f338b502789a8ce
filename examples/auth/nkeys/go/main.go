// NKeys are Ed25519 key pairs. The server's config holds only the public
// key of each user; the client proves it owns the matching private key by
// signing a random challenge, so no secret crosses the network and none is
// stored on the server. Besides nats.go this example uses
// `github.com/nats-io/nkeys`, the library that reads, creates and signs
// with nkeys (nats.go itself depends on it).
package main

import (
	"errors"
	"fmt"
	"log"
	"os"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nkeys"
)

func main() {
	if err := run(); err != nil {
		log.Fatal(err)
	}
}

func run() error {
	url := os.Getenv("NATS_URL")
	if url == "" {
		url = nats.DefaultURL
	}

	// `user.nk` holds the user's *seed*: the private key, encoded so it
	// starts with `SU` (seed, user). It sits next to this program only so
	// the example runs as is. A real seed is a secret, like a password:
	// never commit it; give it to the program through a secret store, a
	// mounted file or an environment variable.
	//
	// The public key is derived from the seed. It starts with `U` and is
	// exactly what server.conf lists under `nkey`. A `nkeys.KeyPair` holds
	// the private key in memory; `Wipe` overwrites it once it is no longer
	// needed, and `defer` makes sure that happens.
	seed, err := os.ReadFile("user.nk")
	if err != nil {
		return err
	}
	user, err := nkeys.FromSeed(seed)
	if err != nil {
		return err
	}
	defer user.Wipe()
	publicKey, err := user.PublicKey()
	if err != nil {
		return err
	}
	fmt.Printf("public key from user.nk: %s\n", publicKey)

	// `nats.NkeyOptionFromSeed` reads a seed file and returns the connect
	// option (or an error, for a missing or malformed file). On connect,
	// the server sends a random nonce in its INFO message; nats.go signs
	// it with the seed and returns the public key and the signature in
	// CONNECT. The server checks the signature against the public key in
	// its config.
	fromFile, err := nats.NkeyOptionFromSeed("user.nk")
	if err != nil {
		return err
	}
	serviceClosed := make(chan struct{})
	service, err := nats.Connect(url, fromFile, nats.ClosedHandler(func(*nats.Conn) { close(serviceClosed) }))
	if err != nil {
		return err
	}
	defer service.Close()
	fmt.Println("service: connected with NkeyOptionFromSeed (a seed file)")

	if _, err := service.Subscribe("greet", func(msg *nats.Msg) {
		if err := msg.Respond(append([]byte("hello, "), msg.Data...)); err != nil {
			log.Printf("greet: %v", err)
		}
	}); err != nil {
		return err
	}
	if err := service.Flush(); err != nil {
		return err
	}

	// `nats.Nkey` takes the public key and a function that signs the
	// nonce, for when the key comes from somewhere other than a file (an
	// environment variable, a secret store, a hardware module). The key
	// pair's own `Sign` method is such a function. Both connections
	// authenticate as the same user.
	clientClosed := make(chan struct{})
	client, err := nats.Connect(url, nats.Nkey(publicKey, user.Sign),
		nats.ClosedHandler(func(*nats.Conn) { close(clientClosed) }))
	if err != nil {
		return err
	}
	defer client.Close()
	fmt.Println("client: connected with Nkey (a public key and a signer)")

	reply, err := client.Request("greet", []byte("nkeys"), time.Second)
	if err != nil {
		return err
	}
	fmt.Printf("client: request greet -> %s\n", reply.Data)

	// A key pair the server has never heard of is refused, however valid
	// its signature. `nkeys.CreateUser` makes a new user key pair from
	// random bytes (the `nsc` and `nk` tools do the same from the command
	// line). `nats.Connect` returns `nats.ErrAuthorization`.
	stranger, err := nkeys.CreateUser()
	if err != nil {
		return err
	}
	defer stranger.Wipe()
	strangerKey, err := stranger.PublicKey()
	if err != nil {
		return err
	}
	_, err = nats.Connect(url, nats.Nkey(strangerKey, stranger.Sign))
	switch {
	case errors.Is(err, nats.ErrAuthorization):
		fmt.Printf("connect with an unknown nkey -> %v\n", err)
	case err != nil:
		return err
	default:
		return errors.New("an unknown nkey was accepted")
	}

	if err := client.Drain(); err != nil {
		return err
	}
	<-clientClosed
	if err := service.Drain(); err != nil {
		return err
	}
	<-serviceClosed
	return nil
}
