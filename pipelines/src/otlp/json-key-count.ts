// Counts `":` in an OTLP/JSON body: the duplicate-key check of parseOtlpJson's fast path (see
// json.ts) compares it with the number of fields the walk read. It is on the hot path of every
// JSON request, and counting ~9,000 matches per 100 spans with a global regex costs about 10% of
// the whole JSON-to-protobuf transcoding, so the count runs in a tiny WebAssembly function that
// compares 16 bytes at a time (SIMD). The module is written out below, instruction by
// instruction, rather than loaded from a build step.

const SIMD = 0xfd;
const I32 = 0x7f;

// (func (param $n i32) (result i32) (local $i i32) (local $count i32)
//   block loop
//     br_if 1 (i32.ge_u $i $n)
//     $count += popcnt(i8x16.bitmask(v128.and(i8x16.eq(load($i), splat '"'), i8x16.eq(load($i + 1), splat ':'))))
//     $i += 16; br 0
//   end end $count)
// Bytes past $n read as zero (the caller clears them), so they never match.
// biome-ignore format: one instruction per line
const body = [
  0x01, 0x02, I32, // two i32 locals: $i (1), $count (2); $n is local 0
  0x02, 0x40, // block
  0x03, 0x40, // loop
  0x20, 0x01, 0x20, 0x00, 0x4f, 0x0d, 0x01, // br_if 1 ($i >= $n)
  0x20, 0x02, // $count
  0x20, 0x01, SIMD, 0x00, 0x00, 0x00, // v128.load offset=0
  0x41, 0x22, SIMD, 0x0f, SIMD, 0x23, // i8x16.eq with splat '"'
  0x20, 0x01, SIMD, 0x00, 0x00, 0x01, // v128.load offset=1
  0x41, 0x3a, SIMD, 0x0f, SIMD, 0x23, // i8x16.eq with splat ':'
  SIMD, 0x4e, // v128.and
  SIMD, 0x64, // i8x16.bitmask
  0x69, 0x6a, 0x21, 0x02, // i32.popcnt, i32.add, local.set $count
  0x20, 0x01, 0x41, 0x10, 0x6a, 0x21, 0x01, // $i += 16
  0x0c, 0x00, // br 0
  0x0b, 0x0b, // end loop, end block
  0x20, 0x02, 0x0b, // $count, end
];

const ascii = (s: string): number[] => [s.length, ...Buffer.from(s, 'latin1')];
const section = (id: number, content: number[]): number[] => [id, content.length, ...content];

const moduleBytes = new Uint8Array([
  0x00,
  0x61,
  0x73,
  0x6d,
  0x01,
  0x00,
  0x00,
  0x00,
  ...section(1, [0x01, 0x60, 0x01, I32, 0x01, I32]), // type: (i32) -> i32
  ...section(3, [0x01, 0x00]), // one function of that type
  ...section(5, [0x01, 0x00, 0x01]), // memory: min 1 page
  ...section(7, [0x02, ...ascii('count'), 0x00, 0x00, ...ascii('memory'), 0x02, 0x00]),
  ...section(10, [0x01, body.length, ...body]),
]);

interface KeyCounter {
  count(n: number): number;
  memory: WebAssembly.Memory;
}

let counter: KeyCounter | undefined;

const PAGE = 65536;
const PADDING = 32;
/** Bodies up to this are counted in WebAssembly memory, which never shrinks; larger ones by regex. */
const MAX_WASM_BYTES = 4 * 1024 * 1024;
const KEY_END = /":/g;

/** The number of `"` bytes directly followed by `:` in `bytes` (`text` is the same body, decoded). */
export function countQuoteColon(bytes: Uint8Array, text: string): number {
  if (bytes.length > MAX_WASM_BYTES) return text.match(KEY_END)?.length ?? 0;
  counter ??= new WebAssembly.Instance(new WebAssembly.Module(moduleBytes)).exports as unknown as KeyCounter;
  const { memory } = counter;
  const needed = bytes.length + PADDING;
  if (memory.buffer.byteLength < needed) memory.grow(Math.ceil((needed - memory.buffer.byteLength) / PAGE));
  const view = new Uint8Array(memory.buffer, 0, needed);
  view.set(bytes);
  view.fill(0, bytes.length);
  return counter.count(bytes.length);
}
