// Auth callout hands the decision "who may connect, and with what
// permissions" to a service you write. The server still does the
// connection; for every client it sends the service what the client
// presented (user and password, a token, a JWT, its TLS certificate) and
// waits for a signed answer: a user JWT that says which account the client
// goes into and what it may do, or an error. Users can then live in your
// own database, LDAP or identity provider, not in the server's config.
// In Go, `github.com/nats-io/jwt/v2` decodes the request and encodes the
// answer, and `github.com/nats-io/nkeys` holds the key that signs it.
package main

import (
	"errors"
	"fmt"
	"log"
	"os"
	"strings"
	"time"

	"github.com/nats-io/jwt/v2"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nkeys"
)

// The service's own directory of users. A real one would ask a database or
// an identity provider, and store password hashes, never passwords.
type entry struct {
	password, account string
	allow             []string
}

var directory = map[string]entry{
	"alice": {"alice-secret", "APP", []string{"orders.>"}},
	"bob":   {"bob-secret", "APP", []string{"orders.>"}},
}

func main() {
	if err := run(); err != nil {
		log.Fatal(err)
	}
}

// `authorize` makes the decision. The request's `ConnectOptions` are what
// the client sent (user, password, token, JWT, name, language, version);
// there is also `ClientInformation` (its address, its connection id),
// `Server`, and `UserNkey`: a user key the server made for this one
// connection attempt, so that an answer cannot be replayed for another.
// It returns a user JWT, or the reason for a refusal.
func authorize(req *jwt.AuthorizationRequestClaims, issuer nkeys.KeyPair) (string, string, error) {
	opts := req.ConnectOptions
	user, ok := directory[opts.Username]
	if !ok || user.password != opts.Password {
		fmt.Printf("auth service: %s, wrong password -> refused\n", opts.Username)
		return "", "wrong user or password", nil
	}

	// Let in: a user JWT for the server's key, signed by the issuer.
	// Outside operator mode its audience names the account the client goes
	// into; `Name` is the user name the server shows for the connection;
	// `Permissions` are what it may publish and subscribe to. An `Expires`
	// would end the session at that time.
	fmt.Printf("auth service: %s, password correct -> account %s, may use %s\n",
		opts.Username, user.account, strings.Join(user.allow, ", "))
	claims := jwt.NewUserClaims(req.UserNkey)
	claims.Audience = user.account
	claims.Name = opts.Username
	claims.Pub.Allow.Add(user.allow...)
	claims.Sub.Allow.Add(user.allow...)
	token, err := claims.Encode(issuer)
	return token, "", err
}

func run() error {
	url := os.Getenv("NATS_URL")
	if url == "" {
		url = nats.DefaultURL
	}

	// The service signs with an account nkey. Its public key is the
	// `issuer` in server.conf; the seed (which starts with SA) is the
	// service's secret, here from the environment.
	issuer, err := nkeys.FromSeed([]byte(os.Getenv("NATS_SEED_ISSUER")))
	if err != nil {
		return err
	}
	defer issuer.Wipe()

	// The service is an ordinary subscriber on `$SYS.REQ.USER.AUTH` in
	// account AUTH. The request is a JWT signed by the server (its issuer
	// is the server's own key, starting with N);
	// `jwt.DecodeAuthorizationRequestClaims` checks that signature as it
	// decodes. The answer is a JWT of type `authorization_response`,
	// about the request's user key and for that server (its audience),
	// signed by the issuer, carrying either the user JWT or the error. The
	// handler runs on the subscription's goroutine; it has nobody to return
	// an error to, so it logs one.
	serviceClosed := make(chan struct{})
	service, err := nats.Connect(url, nats.UserInfo("auth", "auth"),
		nats.ClosedHandler(func(*nats.Conn) { close(serviceClosed) }))
	if err != nil {
		return err
	}
	defer service.Close()
	if _, err := service.Subscribe("$SYS.REQ.USER.AUTH", func(msg *nats.Msg) {
		req, err := jwt.DecodeAuthorizationRequestClaims(string(msg.Data))
		if err != nil {
			log.Printf("auth service: bad request: %v", err)
			return
		}
		userJWT, refusal, err := authorize(req, issuer)
		if err != nil {
			log.Printf("auth service: %v", err)
			return
		}
		resp := jwt.NewAuthorizationResponseClaims(req.UserNkey)
		resp.Audience = req.Server.ID
		resp.Jwt, resp.Error = userJWT, refusal
		token, err := resp.Encode(issuer)
		if err == nil {
			err = msg.Respond([]byte(token))
		}
		if err != nil {
			log.Printf("auth service: %v", err)
		}
	}); err != nil {
		return err
	}
	if err := service.Flush(); err != nil {
		return err
	}
	fmt.Println("auth service: listening on $SYS.REQ.USER.AUTH")

	// Clients connect as they always do. nats.go knows nothing of the
	// callout: it sends its user and password, and the server holds the
	// connection until the service has answered. Asynchronous errors go
	// from alice's `ErrorHandler` into a channel.
	errs := make(chan error, 4)
	aliceClosed := make(chan struct{})
	alice, err := nats.Connect(url, nats.UserInfo("alice", "alice-secret"),
		nats.ErrorHandler(func(_ *nats.Conn, _ *nats.Subscription, err error) { errs <- err }),
		nats.ClosedHandler(func(*nats.Conn) { close(aliceClosed) }))
	if err != nil {
		return err
	}
	defer alice.Close()
	fmt.Println("alice: connected")

	// Alice's permissions are those the service granted: she may publish
	// and subscribe on `orders.>`.
	orders, err := alice.SubscribeSync("orders.>")
	if err != nil {
		return err
	}
	if err := alice.Publish("orders.new", []byte("one book")); err != nil {
		return err
	}
	msg, err := orders.NextMsg(2 * time.Second)
	if err != nil {
		return err
	}
	fmt.Printf("alice: received on %s: %s\n", msg.Subject, msg.Data)

	// Anything else is refused. `Publish` itself returns nil; the server
	// answers with a permissions violation, which nats.go reports to the
	// `ErrorHandler`, and the connection stays open.
	if err := alice.Publish("admin.shutdown", nil); err != nil {
		return err
	}
	select {
	case err := <-errs:
		if !errors.Is(err, nats.ErrPermissionViolation) {
			return err
		}
		fmt.Printf("alice: error handler: %v\n", err)
	case <-time.After(5 * time.Second):
		return errors.New("alice: no violation reported")
	}

	// Bob gives a wrong password. The service says no, and the client is
	// told only "Authorization Violation" (`nats.ErrAuthorization`): the
	// reason stays in the service (and in the server's log), not with a
	// stranger.
	_, err = nats.Connect(url, nats.UserInfo("bob", "guess"))
	switch {
	case errors.Is(err, nats.ErrAuthorization):
		fmt.Printf("bob: refused, %v\n", err)
	case err != nil:
		return err
	default:
		return errors.New("bob got in with a wrong password")
	}

	// The request carries the client's password in clear, inside account
	// AUTH. With the `xkey` option of `auth_callout`, the server encrypts
	// each request for the service (and the service may encrypt its
	// answer): a production service should use it.
	if err := alice.Drain(); err != nil {
		return err
	}
	<-aliceClosed
	if err := service.Drain(); err != nil {
		return err
	}
	<-serviceClosed
	return nil
}
