// C strings with escapes.
#include <stdio.h>

int main(void) {
    const char *url = "nats://127.0.0.1:4222"; /* trailing */
    const char *esc = "a \"// quoted\" word";
    char quote = '"';   // a char holding a quote
    char tick = '\''; /* an escaped quote,
    // then a comment that goes on */
    const char *joined = "first \
// still inside the string\
";
    int big = 1'000; /* a C23 digit separator,
    // then a comment that goes on */
    /* Prose between statements. */
    printf("%s %s %c %c %s %d\n", url, esc, quote, tick, joined, big);
    return 0;
}
