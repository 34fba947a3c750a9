// JSON.parse turns a few bytes into a large object graph: `{},` is 3 bytes of body and ~64 bytes of
// V8 heap, so 18 MiB of empty spans would take ~380 MiB to decode and end the process at its heap
// cap. Before parsing, OTLP/JSON bodies are charged what decoding them will hold, estimated from a
// count of their structural bytes (measured on Node 24: ~64 bytes per object or array, ~8 per
// element, strings about their length); a body whose estimate exceeds the whole in-flight limit is
// refused outright, since no amount of waiting would make it fit.

const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const COMMA = 0x2c;
const BYTES_PER_CONTAINER = 64;
const BYTES_PER_ELEMENT = 8;

/** Heap bytes JSON.parse is expected to allocate for `body` (an over-estimate for strings with `{`, `[` or `,`). */
export function jsonDecodeEstimate(body: Uint8Array): number {
  let containers = 0;
  let separators = 0;
  for (let index = 0; index < body.length; index++) {
    const byte = body[index];
    if (byte === OPEN_BRACE || byte === OPEN_BRACKET) containers++;
    else if (byte === COMMA) separators++;
  }
  return containers * BYTES_PER_CONTAINER + separators * BYTES_PER_ELEMENT + body.length;
}
