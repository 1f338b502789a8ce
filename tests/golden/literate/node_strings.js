#!/usr/bin/env node
// Template literals span lines.
const page = `
// not prose: inside a template
${"`"} ${`nested ${"}"} // template`}
/* still inside */
`;
const url = "nats://127.0.0.1:4222"; /* trailing */
const re = /\/\/ not a comment/g; // a regex with slashes
const quote = '\'// escaped';
const tick = `a \` inside`; /* a comment
// that goes on */

/**
 * A Javadoc-style block is prose too.
 */
console.log(page, url, re, quote, tick, 10 / 2 / 1);
