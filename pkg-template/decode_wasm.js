// The wasm's bytes back from the text tools/embed-wasm.mjs made of them.
// Synchronous, so the entry can start without an await.
//
// Each byte is one character of ALPHABET past its first MARKERS, or a marker
// and such a character. Ranks: `top` (hex) lists the byte values that take
// one character, most frequent first; the rest follow in ascending order.
// The loop runs in a 141-byte WebAssembly module (`decoder`, the bytes of
// decode_wasm.wat assembled), which the engine compiles at once: a cold
// JavaScript loop over the text took 4-13 ms in Chromium, this 2.

/** Printable ASCII but `"` and `\` (no escapes in a literal) and `<` (bundlers escape `</script`). */
export const ALPHABET = Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i)).join("").replace(/["\\<]/g, "");
export const MARKERS = 2;
export const SINGLES = ALPHABET.length - MARKERS;

const PAIRS = 256; // decode_wasm.wat's layout
const TEXT = PAIRS + MARKERS * 128;

/** `{ decoder, top, size, text }` (pos_auth_wasm.js) → the wasm's bytes. */
export function decodeWasm({ decoder, top, size, text }) {
  const { memory, decode } = new WebAssembly.Instance(new WebAssembly.Module(new Uint8Array(decoder))).exports;
  const output = TEXT + text.length;
  memory.grow(Math.ceil((output + size) / 65536) - 1);
  const heap = new Uint8Array(memory.buffer);
  const byteOf = byteRanks(top);
  for (let rank = 0; rank < ALPHABET.length; rank++) {
    const c = ALPHABET.charCodeAt(rank);
    if (rank < MARKERS) {
      heap[128 + c] = rank + 1;
      continue;
    }
    heap[c] = byteOf[rank - MARKERS];
    for (let m = 0; m < MARKERS; m++) heap[PAIRS + m * 128 + c] = byteOf[SINGLES + m * SINGLES + rank - MARKERS];
  }
  new TextEncoder().encodeInto(text, heap.subarray(TEXT, output));
  return heap.subarray(output, decode(TEXT, output, output));
}

/** Rank → byte value: `top` first, then every other value in ascending order. */
export function byteRanks(top) {
  const byteOf = new Uint8Array(256);
  const listed = new Uint8Array(256);
  let rank = 0;
  for (; rank < top.length / 2; rank++) listed[(byteOf[rank] = parseInt(top.substr(2 * rank, 2), 16))] = 1;
  for (let byte = 0; byte < 256; byte++) if (!listed[byte]) byteOf[rank++] = byte;
  return byteOf;
}
