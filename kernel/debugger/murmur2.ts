/**
 * MurmurHash2 (32-bit) of a string's UTF-8 bytes: the hash JupyterLab's
 * debugger uses to name a cell's source file (`hashMethod: "Murmur2"` in our
 * debugInfo reply). JupyterLab computes a cell's path itself from its text and
 * our seed, so this must give exactly the numbers its `murmur2(code, seed)` gives.
 */
const M = 0x5bd1e995;

export function murmur2(text: string, seed: number): number {
  const data = Buffer.from(text, 'utf8');
  let h = (seed ^ data.length) >>> 0;
  let i = 0;
  for (; i + 4 <= data.length; i += 4) {
    let k = data.readUInt32LE(i);
    k = Math.imul(k, M);
    k ^= k >>> 24;
    k = Math.imul(k, M);
    h = Math.imul(h, M) ^ k;
  }
  const rest = data.length - i;
  if (rest > 0) {
    if (rest === 3) h ^= data[i + 2]! << 16;
    if (rest >= 2) h ^= data[i + 1]! << 8;
    h ^= data[i]!;
    h = Math.imul(h, M);
  }
  h ^= h >>> 13;
  h = Math.imul(h, M);
  h ^= h >>> 15;
  return h >>> 0;
}
