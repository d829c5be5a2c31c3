// Locations in a large JSON export without a syntax tree: where each row of the rows array starts and ends, and
// where a value is inside one row, found by scanning only that row's text. Iterative, bounded by the text, and
// tolerant of a file cut off part-way (the last row then ends at the end of the text).

export interface Span { readonly start: number; readonly end: number }

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/** The index after the string that starts at `i` (a quote), or the text's end when it is not closed. */
function stringEnd(text: string, i: number): number {
  const n = text.length;
  for (let j = i + 1; j < n; j++) {
    const c = text.charCodeAt(j);
    if (c === BACKSLASH) j++;
    else if (c === QUOTE) return j + 1;
  }
  return n;
}

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

function skipSpace(text: string, i: number, end: number): number {
  while (i < end && isSpace(text.charCodeAt(i))) i++;
  return i;
}

/** The index after the value that starts at `i`. */
function valueEnd(text: string, i: number, end: number): number {
  const c = text.charCodeAt(i);
  if (c === QUOTE) return stringEnd(text, i);
  if (c === 0x7b || c === 0x5b) {
    let depth = 0;
    for (let j = i; j < end; j++) {
      const d = text.charCodeAt(j);
      if (d === QUOTE) j = stringEnd(text, j) - 1;
      else if (d === 0x7b || d === 0x5b) depth++;
      else if ((d === 0x7d || d === 0x5d) && --depth === 0) return j + 1;
    }
    return end;
  }
  let j = i;
  while (j < end) {
    const d = text.charCodeAt(j);
    if (d === 0x2c || d === 0x7d || d === 0x5d || isSpace(d)) break;
    j++;
  }
  return Math.max(j, i + 1);
}

/**
 * The spans of the elements of the rows array: the root array, or the array that is member `key` of the root
 * object (Resource Graph's `data`). Elements are counted in order, whatever their kind, so spans[i] is row i.
 */
export function rowSpans(text: string, key?: string): Span[] {
  const n = text.length;
  let i = skipSpace(text, 0, n);
  if (key !== undefined) {
    const at = memberAt(text, i, n, key, true);
    if (at === undefined) return [];
    i = at;
  }
  if (text.charCodeAt(i) !== 0x5b) return [];
  const out: Span[] = [];
  i++;
  while (i < n) {
    i = skipSpace(text, i, n);
    const c = text.charCodeAt(i);
    if (i >= n || c === 0x5d) break;
    if (c === 0x2c) { i++; continue; }
    const end = valueEnd(text, i, n);
    out.push({ start: i, end });
    i = end;
  }
  return out;
}

/** In the object starting at `i`, the start of the first member value whose key is `wanted` (lower case and in any case, with `anyCase`). */
function memberAt(text: string, i: number, end: number, wanted: string, anyCase = false): number | undefined {
  if (text.charCodeAt(i) !== 0x7b) return undefined;
  i++;
  while (i < end) {
    i = skipSpace(text, i, end);
    const c = text.charCodeAt(i);
    if (c === 0x2c) { i++; continue; }
    if (c !== QUOTE) return undefined;
    const keyEnd = stringEnd(text, i);
    const found = keyIs(text, i + 1, keyEnd - 1, wanted, anyCase);
    i = skipSpace(text, keyEnd, end);
    if (text.charCodeAt(i) !== 0x3a) return undefined;
    i = skipSpace(text, i + 1, end);
    if (i >= end) return undefined;
    if (found) return i;
    i = valueEnd(text, i, end);
  }
  return undefined;
}

/** Whether the key written between `start` and `end` is `wanted`: compared in place (no copy of every key scanned) unless escaped. */
function keyIs(text: string, start: number, end: number, wanted: string, anyCase: boolean): boolean {
  let escaped = false;
  for (let j = start; j < end && !escaped; j++) escaped = text.charCodeAt(j) === BACKSLASH;
  if (!anyCase && !escaped) return end - start === wanted.length && text.startsWith(wanted, start);
  let key = text.slice(start, end);
  if (escaped) {
    try { key = JSON.parse(`"${key}"`) as string; } catch { /* keep it raw */ }
  }
  return (anyCase ? key.toLowerCase() : key) === wanted;
}

/** In the array starting at `i`, the start of element `index`. */
function itemAt(text: string, i: number, end: number, index: number): number | undefined {
  if (text.charCodeAt(i) !== 0x5b) return undefined;
  i++;
  let k = 0;
  while (i < end) {
    i = skipSpace(text, i, end);
    const c = text.charCodeAt(i);
    if (c === 0x5d) return undefined;
    if (c === 0x2c) { i++; continue; }
    if (k === index) return i;
    i = valueEnd(text, i, end);
    k++;
  }
  return undefined;
}

/** Where the value at `path` (exact keys, indexes) of the row is written; undefined when it cannot be found. */
export function valueSpan(text: string, row: Span, path: readonly (string | number)[]): Span | undefined {
  let i: number | undefined = skipSpace(text, row.start, row.end);
  for (const segment of path) {
    i = typeof segment === 'number' ? itemAt(text, i, row.end, segment) : memberAt(text, i, row.end, segment);
    if (i === undefined) return undefined;
  }
  return { start: i, end: valueEnd(text, i, row.end) };
}
