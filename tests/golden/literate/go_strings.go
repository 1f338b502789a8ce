//go:build ignore

// A raw string keeps its lines, even ones that look like comments.
package main

import "fmt"

const usage = `usage:
// not prose: inside a raw string
/* nor this */
`

/*
 * A block comment on its own lines is prose.
 */
func main() {
	url := "nats://127.0.0.1:4222" /* a trailing block comment */
	quote := '"' // a rune holding a quote
	tick := '`' /* a rune holding a backquote,
	// then a comment that goes on */
	slash := "/* not a comment */ \"// escaped\""
	fmt.Println(usage, url, quote, tick, slash, `// raw`)
	/* code follows this block comment */ fmt.Println("code")
	x := 1 /* a block comment that starts after code
	// is code to its end
	*/
	// Done.
	fmt.Println(x)
}
