// TLS encrypts the connection and lets each side check who is on the other
// end. In mutual TLS the client checks the server's certificate, and the
// server checks the client's: a client without a certificate from the
// right authority cannot even start talking NATS. nats.go uses Go's own
// `crypto/tls`, so the settings are an ordinary `*tls.Config`.
package main

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"log"
	"os"
	"time"

	"github.com/nats-io/nats.go"
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

	// A `tls.Config` holds both halves of the trust. `RootCAs` is the
	// authority whose signature we accept on the server's certificate (a
	// private CA here, so the system's trust store would not do), and
	// `Certificates` our own certificate and key, loaded with
	// `tls.LoadX509KeyPair`, for the server to check. Go verifies that
	// the server's certificate is valid for the host we dial (127.0.0.1).
	// (`nats.RootCAs` and `nats.ClientCert` are connect options that read
	// the same files; building the config shows what they do.)
	caPEM, err := os.ReadFile(os.Getenv("NATS_CA"))
	if err != nil {
		return err
	}
	roots := x509.NewCertPool()
	if !roots.AppendCertsFromPEM(caPEM) {
		return errors.New("NATS_CA holds no PEM certificate")
	}
	cert, err := tls.LoadX509KeyPair(os.Getenv("NATS_CERT"), os.Getenv("NATS_KEY"))
	if err != nil {
		return err
	}
	withCert := &tls.Config{RootCAs: roots, Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}

	// The URL can stay `nats://`: the server's first message says TLS is
	// required, and nats.go upgrades the connection with our config
	// (`nats.Secure`) before it sends anything else. (`tls://` URLs work
	// the same way.)
	//
	// That first message, the server's INFO, travels in plain text. A
	// server whose `tls` block sets `handshake_first: true` (nats-server
	// 2.10.4 or later) skips it and expects the TLS handshake on the first
	// byte, as an HTTPS server does, which suits load balancers and
	// security scanners that insist on TLS from the start. Clients must
	// then ask for it too, with the `nats.TLSHandshakeFirst()` option.
	// (Set to a delay such as "300ms" instead of `true`, the server still
	// lets in, after that delay, clients that do not ask.)
	closed := make(chan struct{})
	nc, err := nats.Connect(url, nats.Secure(withCert), nats.ClosedHandler(func(*nats.Conn) { close(closed) }))
	if err != nil {
		return err
	}
	defer nc.Close()
	fmt.Println("connected with a client certificate")

	if _, err := nc.Subscribe("echo", func(msg *nats.Msg) {
		if err := msg.Respond(append([]byte("echo: "), msg.Data...)); err != nil {
			log.Printf("echo: %v", err)
		}
	}); err != nil {
		return err
	}
	reply, err := nc.Request("echo", []byte("over TLS"), time.Second)
	if err != nil {
		return err
	}
	fmt.Printf("request echo -> %s\n", reply.Data)

	// A config that trusts the CA but carries no client certificate. The
	// server answers with a "certificate required" alert and hangs up.
	// Under TLS 1.3 that alert comes just after the handshake, racing with
	// the client's first messages, so the error `nats.Connect` returns is
	// either the alert or a closed connection (EOF, reset). Both mean
	// "refused", so the program only checks that it failed.
	noCert := &tls.Config{RootCAs: roots, MinVersion: tls.VersionTLS12}
	if _, err := nats.Connect(url, nats.Secure(noCert)); err == nil {
		return errors.New("connected without a client certificate")
	}
	fmt.Println("connect without a client certificate -> refused by the server")

	// No TLS settings at all. nats.go still upgrades to TLS, with Go's
	// default settings, which trust only the system's authorities, so now
	// the *client* refuses: nothing it trusts signed the server's
	// certificate. The error wraps a `*tls.CertificateVerificationError`,
	// and inside it an `x509.UnknownAuthorityError`; `errors.As` finds
	// each by its type.
	_, err = nats.Connect(url)
	var unknown x509.UnknownAuthorityError
	switch {
	case errors.As(err, &unknown):
		fmt.Printf("connect with default TLS settings -> %v\n", unknown)
	case err != nil:
		return err
	default:
		return errors.New("connected to a server signed by an unknown authority")
	}

	if err := nc.Drain(); err != nil {
		return err
	}
	<-closed
	return nil
}
