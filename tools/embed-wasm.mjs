// The wasm as a JS string that a bundler leaves alone and gzip compresses
// almost as well as the wasm itself, so that the entry can start
// synchronously (no top-level await, docs/size.md "The synchronous start").
//
//   node tools/embed-wasm.mjs pkg/pos_auth_bg.wasm DECODER.wasm pkg/pos_auth_wasm.js
//
// DECODER.wasm: pkg-template/decode_wasm.wat assembled (make pkg).
//
// Why not base64: it maps 3 bytes to 4 characters, so a repeat in the wasm
// repeats in the text only when it starts at the same offset mod 3, and gzip
// finds a third of the matches (+28 KB). Raw bytes in a Latin-1 string keep
// every match, but bundlers write non-ASCII characters as \xNN (esbuild by
// default: +21 KB). Here each byte is one printable ASCII character or two, a
// fixed code per byte value, so every repeat in the wasm is a repeat in the
// text: +0.3 KB gzip over the bare wasm. The 90 most frequent byte values
// take one character; the others a marker and a character (decode_wasm.js
// has the alphabet).
//
// The entry decodes it with `decodeWasm` (pkg-template/decode_wasm.js); this
// script runs that same function on what it wrote and fails unless every byte
// comes back.
import { readFileSync, writeFileSync } from "node:fs";
import { ALPHABET, MARKERS, SINGLES, byteRanks, decodeWasm } from "../pkg-template/decode_wasm.js";

const [wasmFile, decoderFile, outFile] = process.argv.slice(2);
const wasm = readFileSync(wasmFile);
if (256 > SINGLES + MARKERS * SINGLES) throw new Error("the alphabet cannot code every byte value");

// The SINGLES most frequent byte values take one character each.
const count = new Array(256).fill(0);
for (const b of wasm) count[b]++;
const top = Buffer.from([...count.keys()].sort((a, b) => count[b] - count[a] || a - b).slice(0, SINGLES)).toString("hex");
const code = [];
byteRanks(top).forEach((byte, rank) => {
  code[byte] = rank < SINGLES
    ? ALPHABET[MARKERS + rank]
    : ALPHABET[Math.floor((rank - SINGLES) / SINGLES)] + ALPHABET[MARKERS + ((rank - SINGLES) % SINGLES)];
});
const text = Array.from(wasm, (b) => code[b]).join("");

const coded = {
  decoder: [...readFileSync(decoderFile)],
  top,
  size: wasm.length,
  text,
};
const decoded = decodeWasm(coded);
if (!wasm.equals(decoded)) throw new Error("embed-wasm: the decoder does not give the wasm back");

writeFileSync(outFile, [
  "// The wasm, coded by tools/embed-wasm.mjs; decodeWasm (decode_wasm.js) reads it.",
  ...Object.entries(coded).map(([name, value]) => `export const ${name} = ${JSON.stringify(value)};`),
  "",
].join("\n"));
