package main

/*
 * A block comment becomes prose,
 * without its stars.
 */
import "fmt"

// A line comment.
func main() {
	fmt.Println("hi") // trailing stays code
}
