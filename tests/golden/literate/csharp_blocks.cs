/**
 * The public NATS by Example convention: a C# block comment opens with
 * two stars and closes with two.
 **/
using NATS.Client.Core;

var url = Environment.GetEnvironmentVariable("NATS_URL") ?? "nats://127.0.0.1:4222";
/* A plain block comment is code in C#. */
var path = @"C:\nats\"; /* a verbatim string ends at the quote,
// then a comment that goes on */
var said = @"she said ""// hi""
// not prose: inside a verbatim string
";
var json = """
    // not prose: inside a raw string
    { "comment": "// not prose" }
    """;
var name = "nats";
var greeting = $"{name} says \"//\" {{braces}}";
var raw = $$"""{{name}} {not interpolated} // """;
/** Prose on one line. **/
Console.WriteLine($"{url} {path} {said} {json} {greeting} {raw}");
