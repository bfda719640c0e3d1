// Renders logo-svg.svg into logo-32x32.png and logo-64x64.png (the sizes Jupyter
// looks for in a kernelspec). No image library is installed, so this is a tiny
// rasteriser for the one thing the logo uses, <rect> (with rx and a #rrggbb
// fill), plus a minimal PNG encoder on node:zlib.
// Regenerate with: node kernel/install/assets/make-logos.mjs
import { readFileSync, writeFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { join, dirname } from 'node:path';

const here = dirname(fileURLToPath(import.meta.url));
const SAMPLES = 8; // 8x8 samples per pixel: smooth edges on the rounded corners

/** The <rect>s of the SVG in paint order; anything else that draws is refused. */
function parseSvg(text) {
  const body = text.replace(/<!--[\s\S]*?-->/g, '');
  const viewBox = /viewBox="([^"]+)"/.exec(body)?.[1].trim().split(/\s+/).map(Number);
  if (!viewBox || viewBox[0] !== 0 || viewBox[1] !== 0) throw new Error('need viewBox="0 0 W H"');
  for (const [, tag] of body.matchAll(/<([a-zA-Z]+)/g)) {
    if (!['svg', 'title', 'rect'].includes(tag)) throw new Error(`<${tag}> is not supported`);
  }
  const rects = [...body.matchAll(/<rect\b([^>]*)\/>/g)].map(([, attrs]) => {
    const a = Object.fromEntries([...attrs.matchAll(/([\w-]+)="([^"]*)"/g)].map(([, k, v]) => [k, v]));
    const hex = /^#([0-9a-f]{6})$/i.exec(a.fill ?? '')?.[1];
    if (!hex) throw new Error(`rect fill must be #rrggbb, got ${a.fill}`);
    const [x, y, w, h] = [a.x, a.y, a.width, a.height].map(Number);
    const rx = Math.min(Number(a.rx ?? 0), w / 2, h / 2);
    const rgb = [0, 2, 4].map((i) => parseInt(hex.slice(i, i + 2), 16));
    return { x, y, w, h, rx, rgb };
  });
  return { size: viewBox[2], rects };
}

function inside(r, px, py) {
  if (px < r.x || px > r.x + r.w || py < r.y || py > r.y + r.h) return false;
  const dx = Math.max(r.x + r.rx - px, 0, px - (r.x + r.w - r.rx));
  const dy = Math.max(r.y + r.rx - py, 0, py - (r.y + r.h - r.rx));
  return dx * dx + dy * dy <= r.rx * r.rx;
}

/** RGBA pixels; each pixel averages its samples (transparent where no rect). */
function render({ size, rects }, pixels) {
  const out = Buffer.alloc(pixels * pixels * 4);
  const scale = size / pixels;
  for (let py = 0; py < pixels; py++) {
    for (let px = 0; px < pixels; px++) {
      const sum = [0, 0, 0, 0];
      for (let s = 0; s < SAMPLES * SAMPLES; s++) {
        const x = (px + ((s % SAMPLES) + 0.5) / SAMPLES) * scale;
        const y = (py + (Math.floor(s / SAMPLES) + 0.5) / SAMPLES) * scale;
        const top = rects.findLast((r) => inside(r, x, y));
        if (top) [0, 1, 2].forEach((i) => (sum[i] += top.rgb[i])), (sum[3] += 1);
      }
      const o = (py * pixels + px) * 4;
      // colours are averaged over covered samples only, so edges don't darken
      for (let i = 0; i < 3; i++) out[o + i] = sum[3] ? Math.round(sum[i] / sum[3]) : 0;
      out[o + 3] = Math.round((255 * sum[3]) / (SAMPLES * SAMPLES));
    }
  }
  return out;
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf) {
  let c = 0xffffffff;
  for (const byte of buf) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'ascii');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])));
  return Buffer.concat([head, data, crc]);
}

/** An 8-bit RGBA PNG; every scanline uses filter 0 (none), which is plenty here. */
function encodePng(rgba, size) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr.set([8, 6, 0, 0, 0], 8); // bit depth 8, colour type RGBA, deflate, no filter method, no interlace
  const raw = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) rgba.copy(raw, y * (size * 4 + 1) + 1, y * size * 4, (y + 1) * size * 4);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

const svg = parseSvg(readFileSync(join(here, 'logo-svg.svg'), 'utf8'));
for (const size of [32, 64]) {
  const file = join(here, `logo-${size}x${size}.png`);
  writeFileSync(file, encodePng(render(svg, size), size));
  console.log(`wrote ${file}`);
}
