// The wasm's bytes back from the text tools/embed-wasm.mjs made of them.
// Synchronous and a single pass, so the entry can start without an await.
//
// Each byte is one character of ALPHABET past its first MARKERS, or a marker
// and such a character. Ranks: `top` (hex) lists the byte values that take
// one character, most frequent first; the rest follow in ascending order.

/** Printable ASCII but `"` and `\` (no escapes in a literal) and `<` (bundlers escape `</script`). */
export const ALPHABET = Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i)).join("").replace(/["\\<]/g, "");
export const MARKERS = 2;
export const SINGLES = ALPHABET.length - MARKERS;

/** `{ top, size, text }` (pos_auth_wasm.js) → the wasm's bytes. */
export function decodeWasm({ top, size, text }) {
  const rankOf = new Uint8Array(128);
  for (let i = 0; i < ALPHABET.length; i++) rankOf[ALPHABET.charCodeAt(i)] = i;
  const byteOf = byteRanks(top);
  const bytes = new Uint8Array(size);
  for (let i = 0, o = 0; o < size; o++) {
    const rank = rankOf[text.charCodeAt(i++)];
    bytes[o] = rank >= MARKERS
      ? byteOf[rank - MARKERS]
      : byteOf[SINGLES + rank * SINGLES + rankOf[text.charCodeAt(i++)] - MARKERS];
  }
  return bytes;
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
