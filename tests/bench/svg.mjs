// The size comparison as a small, hand-written horizontal bar chart (SVG).
// Accessible: role="img" with <title> and <desc>; every bar carries its value
// as text, so the chart reads without colour.

const esc = (s) => String(s).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;

/** @param {{ ours: any, peers: any[] }} size the `size` part of results.json */
export function renderSizeSvg(size) {
  const { ours, peers } = size;
  const bars = [
    { label: `pos-auth ${ours.version}, as shipped`, note: "wasm inlined (gzip + base64)", segments: [{ bytes: ours.gzip, cls: "ours" }] },
    {
      label: `pos-auth ${ours.version}, .wasm + glue`,
      note: `${kb(ours.split.wasmGzip)} .wasm + ${kb(ours.split.glueGzip)} glue`,
      segments: [{ bytes: ours.split.wasmGzip, cls: "wasm" }, { bytes: ours.split.glueGzip, cls: "glue" }],
    },
    ...peers.map((p) => ({ label: `${p.name} ${p.version}`, note: "", segments: [{ bytes: p.gzip, cls: "peer" }] })),
  ];
  const total = (b) => b.segments.reduce((a, s) => a + s.bytes, 0);
  const max = Math.max(...bars.map(total));
  const labelW = 250;
  const barMax = 330;
  const valueW = 270;
  const rowH = 30;
  const top = 44;
  const width = labelW + barMax + valueW;
  const height = top + bars.length * rowH + 34;
  const scale = (bytes) => (bytes / max) * barMax;

  const desc = `Bundled, minified, gzip -9 size in kilobytes. ${bars
    .map((b) => `${b.label}: ${kb(total(b))}${b.note ? ` (${b.note})` : ""}`)
    .join("; ")}.`;
  const rows = bars.map((b, i) => {
    const y = top + i * rowH;
    let x = labelW;
    const rects = b.segments.map((s) => {
      const w = Math.max(1, scale(s.bytes));
      const r = `<rect class="${s.cls}" x="${x.toFixed(1)}" y="${y + 5}" width="${w.toFixed(1)}" height="${rowH - 12}"/>`;
      x += w;
      return r;
    }).join("");
    const value = `${kb(total(b))}${b.note ? ` · ${b.note}` : ""}`;
    return `  <g>\n    <text class="label" x="${labelW - 10}" y="${y + rowH / 2 + 4}" text-anchor="end">${esc(b.label)}</text>\n` +
      `    ${rects}\n    <text class="value" x="${(x + 8).toFixed(1)}" y="${y + rowH / 2 + 4}">${esc(value)}</text>\n  </g>`;
  }).join("\n");

  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-labelledby="size-title size-desc">
  <title id="size-title">Bundle size: pos-auth and other browser auth clients (gzip -9)</title>
  <desc id="size-desc">${esc(desc)}</desc>
  <style>
    text { font: 13px system-ui, -apple-system, "Segoe UI", sans-serif; fill: #222; }
    .heading { font-weight: 600; font-size: 14px; }
    .foot { font-size: 11px; fill: #555; }
    .ours { fill: #2f6fb3; } .wasm { fill: #2f6fb3; } .glue { fill: #8fb8e0; } .peer { fill: #9a9a9a; }
    @media (prefers-color-scheme: dark) { text { fill: #ddd; } .foot { fill: #aaa; } }
  </style>
  <rect width="100%" height="100%" fill="none"/>
  <text class="heading" x="12" y="24">Bundled + minified with esbuild, gzip -9 (smaller is better)</text>
${rows}
  <text class="foot" x="12" y="${height - 12}">Peers: the package's main class bundled alone. Figures from tests/bench/results.json (make bench).</text>
</svg>
`;
}
