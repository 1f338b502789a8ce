//! Crate docs stay code.

// Normal strings may span lines.
fn main() {
    let text = "first line
// not prose: inside a string
last line";
    let raw = r"C:\no\escapes\";
    // A raw string ends at its first quote: no escapes.
    let hashes = r#"a "quoted" // word"#;
    let bytes = br##"a "# inside, not the end"##;
    let c = '"'; // a char holding a quote
    let esc = '\''; // an escaped quote
    let slash = '/';
    // Lifetimes are not chars.
    fn first<'a>(s: &'a str) -> &'a str { if s.is_empty() { "// empty" } else { s } }
    let label: &'static str = "two
// lines";
    let r#type = "raw identifier";
    /* a block comment
       /* nested */
       // still inside
    */
    /// Doc comments stay code.
    println!("{text}{raw}{hashes}{bytes:?}{c}{esc}{slash}{}{}{label}", first("x"), r#type);
}
