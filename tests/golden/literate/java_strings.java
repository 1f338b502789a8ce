// Text blocks keep their lines.
public class Main {
    static final String QUERY = """
        // not prose: inside a text block
        /* nor this */ \"""
        """;

    /* A block comment on its own line. */
    public static void main(String[] args) {
        String url = "nats://127.0.0.1:4222"; /* trailing */ // and more
        char quote = '"'; /* a char holding a quote,
        // then a comment that goes on */
        String esc = "\"/* escaped */";
        System.out.println(QUERY + url + quote + esc);
    }
}
