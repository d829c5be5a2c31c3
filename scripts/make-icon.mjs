// Draws the extension icon (images/icon.png, 128×128): a white shield on Azure blue holding an outbound arrow
// stopped by a bar. No image library: shapes as point tests, 4×4 supersampling, PNG written with node:zlib.
// Run `node scripts/make-icon.mjs` after changing it; the PNG is committed.
import * as fs from 'node:fs';
import * as zlib from 'node:zlib';
import { Buffer } from 'node:buffer';

const SIZE = 128;
const SS = 4;
const BLUE = [0, 103, 184];
const WHITE = [255, 255, 255];
const ORANGE = [242, 109, 33];

const roundedSquare = (x, y) => {
  const r = 22, m = 4;
  const dx = Math.max(m + r - x, 0, x - (SIZE - m - r));
  const dy = Math.max(m + r - y, 0, y - (SIZE - m - r));
  return x >= m && x <= SIZE - m && y >= m && y <= SIZE - m && dx * dx + dy * dy <= r * r;
};
// Shield: flat top with rounded shoulders, sides curving to a point at the bottom.
const shield = (x, y, inset = 0) => {
  const top = 20 + inset, bottom = 112 - inset * 1.6, half = 40 - inset;
  if (y < top || y > bottom) return false;
  const t = (y - top) / (bottom - top);
  const width = t < 0.45 ? half : half * Math.cos(((t - 0.45) / 0.55) * Math.PI / 2);
  return Math.abs(x - 64) <= width;
};
const segment = (x, y, ax, ay, bx, by, w) => {
  const vx = bx - ax, vy = by - ay;
  const t = Math.max(0, Math.min(1, ((x - ax) * vx + (y - ay) * vy) / (vx * vx + vy * vy)));
  const px = ax + t * vx - x, py = ay + t * vy - y;
  return px * px + py * py <= w * w;
};
// An arrow going up out of the shield, and the bar that stops it.
const arrow = (x, y) => segment(x, y, 64, 92, 64, 52, 5) || segment(x, y, 64, 46, 50, 60, 5) || segment(x, y, 64, 46, 78, 60, 5);
const bar = (x, y) => segment(x, y, 44, 38, 84, 38, 5);

function colour(x, y) {
  if (!roundedSquare(x, y)) return null;
  if (bar(x, y)) return ORANGE;
  if (shield(x, y) && !shield(x, y, 8)) return WHITE;
  if (arrow(x, y)) return WHITE;
  return BLUE;
}

const rows = [];
for (let y = 0; y < SIZE; y++) {
  const row = Buffer.alloc(1 + SIZE * 4);
  for (let x = 0; x < SIZE; x++) {
    let r = 0, g = 0, b = 0, a = 0;
    for (let sy = 0; sy < SS; sy++) {
      for (let sx = 0; sx < SS; sx++) {
        const c = colour(x + (sx + 0.5) / SS, y + (sy + 0.5) / SS);
        if (!c) continue;
        r += c[0]; g += c[1]; b += c[2]; a++;
      }
    }
    const o = 1 + x * 4;
    if (a) { row[o] = Math.round(r / a); row[o + 1] = Math.round(g / a); row[o + 2] = Math.round(b / a); }
    row[o + 3] = Math.round((a / (SS * SS)) * 255);
  }
  rows.push(row);
}

const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
const crc32 = (buf) => {
  let c = 0xffffffff;
  for (const byte of buf) c = crcTable[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
};
const chunk = (type, data) => {
  const length = Buffer.alloc(4); length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4); crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
};
const header = Buffer.alloc(13);
header.writeUInt32BE(SIZE, 0); header.writeUInt32BE(SIZE, 4);
header[8] = 8; header[9] = 6; // 8-bit RGBA
const png = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  chunk('IHDR', header),
  chunk('IDAT', zlib.deflateSync(Buffer.concat(rows), { level: 9 })),
  chunk('IEND', Buffer.alloc(0)),
]);
const out = new URL('../images/icon.png', import.meta.url);
fs.writeFileSync(out, png);
console.log(`images/icon.png: ${png.length} bytes`);
