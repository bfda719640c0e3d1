/**
 * Jupyter counts cursor positions in Unicode code points; JavaScript strings
 * (and so TypeScript's positions) count UTF-16 code units. An emoji before
 * the cursor is one code point but two code units, so every position that
 * crosses the protocol boundary goes through these two functions.
 */

/** The UTF-16 offset of code point `codePoints` in `text` (clamped to the text). */
export function codePointsToUtf16(text: string, codePoints: number): number {
  let offset = 0;
  for (let seen = 0; seen < codePoints && offset < text.length; seen++) {
    offset += isHighSurrogateAt(text, offset) ? 2 : 1;
  }
  return offset;
}

/** The number of code points in `text` before UTF-16 offset `offset`. */
export function utf16ToCodePoints(text: string, offset: number): number {
  const end = Math.min(Math.max(offset, 0), text.length);
  let codePoints = 0;
  for (let i = 0; i < end; i++) {
    codePoints++;
    if (isHighSurrogateAt(text, i)) i++;
  }
  return codePoints;
}

/** True when a surrogate pair starts at `i`, i.e. one code point takes two units. */
function isHighSurrogateAt(text: string, i: number): boolean {
  const unit = text.charCodeAt(i);
  if (unit < 0xd800 || unit > 0xdbff) return false;
  const next = text.charCodeAt(i + 1);
  return next >= 0xdc00 && next <= 0xdfff;
}
