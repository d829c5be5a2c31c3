// A faster `parseTree` for the common case of strict JSON: one pass checks the text and notes where each
// object and array ends; nodes are then built one level at a time, when code first reads a container's
// `children`. Most of a large template is never read, so most of its nodes are never built. The nodes are
// those jsonc-parser builds (same types, offsets, lengths, values, parents). Anything this pass does not accept
// (comments, trailing commas, any error, nesting deeper than the limit) gives undefined: the caller then uses
// jsonc-parser itself, so errors and recovery stay jsonc-parser's.

import type { Node as JsonNode, NodeType } from 'jsonc-parser';

/** What the nodes of one text share: the text, and per container (in document order) its end and its successor. */
interface Index {
  readonly text: string;
  /** Offset just past the closing bracket of container k. */
  readonly ends: number[];
  /** The ordinal of the first container after container k's subtree. */
  readonly nexts: number[];
}

/**
 * The tree jsonc-parser's `parseTree` would build for `text`, built on demand, when `text` is strict JSON
 * (no comments, no trailing commas, no error) nested at most `maxDepth` deep; undefined otherwise.
 */
export function parseStrictJsonTree(text: string, maxDepth: number): JsonNode | undefined {
  const index: Index = { text, ends: [], nexts: [] };
  const end = check(index, maxDepth);
  if (end < 0) return undefined;
  const start = skipSpace(text, 0);
  const c = text.charCodeAt(start);
  const root: { -readonly [K in keyof JsonNode]: JsonNode[K] } = c === 0x7b || c === 0x5b
    ? new LazyContainer(c === 0x7b ? 'object' : 'array', start, index.ends[0] - start, undefined, 0, index)
    : literal(index, start, undefined).node;
  delete root.parent;
  return root;
}

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

function skipSpace(text: string, pos: number): number {
  while (isSpace(text.charCodeAt(pos))) pos++;
  return pos;
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

/** What may follow a literal: jsonc-parser's scanner ends a keyword or number there without an error. */
function isDelimiter(c: number): boolean {
  return Number.isNaN(c) || isSpace(c) || c === 0x2c || c === 0x7d || c === 0x5d;
}

/**
 * Checks the whole text; returns the offset past the root value, or -1 when the text is not accepted. One loop
 * with its state in locals (no closures, no recursion): it reads every character of the file.
 */
function check(index: Index, maxDepth: number): number {
  const { text, ends, nexts } = index;
  const n = text.length;
  /** Ordinals of the open containers, and whether each is an object. */
  const open: number[] = [];
  const isObject: boolean[] = [];
  let pos = 0;
  let rootEnd = -1;
  // Each turn reads one value (after a key, when in an object), then what follows it.
  for (;;) {
    while (isSpace(text.charCodeAt(pos))) pos++;
    let c = text.charCodeAt(pos);
    if (c === 0x22) {
      pos = stringEnd(text, pos);
      if (pos < 0) return -1;
    } else if (c === 0x7b || c === 0x5b) {
      if (open.length >= maxDepth) return -1;
      open.push(ends.length);
      isObject.push(c === 0x7b);
      ends.push(0);
      nexts.push(0);
      pos++;
      while (isSpace(text.charCodeAt(pos))) pos++;
      const close = c === 0x7b ? 0x7d : 0x5d;
      if (text.charCodeAt(pos) !== close) {
        if (c === 0x7b && !(pos = key(text, pos))) return -1;
        continue;
      }
      // An empty container: closed below.
    } else {
      pos = literalEnd(text, pos);
      if (pos < 0) return -1;
    }
    // After a value: a comma and the next one, or the end of containers.
    for (;;) {
      if (!open.length) { rootEnd = pos; break; }
      while (isSpace(text.charCodeAt(pos))) pos++;
      c = text.charCodeAt(pos);
      const inObject = isObject[isObject.length - 1];
      if (c === (inObject ? 0x7d : 0x5d)) {
        pos++;
        const k = open.pop()!;
        isObject.pop();
        ends[k] = pos;
        nexts[k] = ends.length;
        continue;
      }
      if (c !== 0x2c) return -1;
      pos++;
      while (isSpace(text.charCodeAt(pos))) pos++;
      // A trailing comma is left to jsonc-parser (allowed or not by the caller's options).
      c = text.charCodeAt(pos);
      if (c === 0x7d || c === 0x5d) return -1;
      if (inObject && !(pos = key(text, pos))) return -1;
      break;
    }
    if (rootEnd >= 0) break;
  }
  while (isSpace(text.charCodeAt(pos))) pos++;
  return pos === n ? rootEnd : -1;
}

/** Past a key and its colon (and the space after it), for a key starting at `pos`; 0 when there is none. */
function key(text: string, pos: number): number {
  if (text.charCodeAt(pos) !== 0x22) return 0;
  pos = stringEnd(text, pos);
  if (pos < 0) return 0;
  while (isSpace(text.charCodeAt(pos))) pos++;
  return text.charCodeAt(pos) === 0x3a ? pos + 1 : 0;
}

/** The offset past the string whose opening quote is at `pos`, or -1 when it is not a valid JSON string. */
function stringEnd(text: string, pos: number): number {
  const n = text.length;
  for (pos++; pos < n; pos++) {
    const c = text.charCodeAt(pos);
    if (c === 0x22) return pos + 1;
    if (c < 0x20) return -1;
    if (c === 0x5c) {
      const d = text.charCodeAt(++pos);
      if (d === 0x75) {
        for (let i = 1; i <= 4; i++) if (!isHex(text.charCodeAt(pos + i))) return -1;
        pos += 4;
      } else if (!(d === 0x22 || d === 0x5c || d === 0x2f || d === 0x62 || d === 0x66 || d === 0x6e || d === 0x72 || d === 0x74)) return -1;
    }
  }
  return -1;
}

function isHex(c: number): boolean {
  return isDigit(c) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);
}

/** The end of the keyword or number at `pos` (as JSON writes them, followed by a delimiter), or -1. */
function literalEnd(text: string, pos: number): number {
  for (const keyword of ['true', 'false', 'null']) {
    if (text.startsWith(keyword, pos)) return isDelimiter(text.charCodeAt(pos + keyword.length)) ? pos + keyword.length : -1;
  }
  if (text.charCodeAt(pos) === 0x2d) pos++;
  let c = text.charCodeAt(pos);
  if (c === 0x30) pos++;
  else if (c >= 0x31 && c <= 0x39) while (isDigit(text.charCodeAt(pos))) pos++;
  else return -1;
  if (text.charCodeAt(pos) === 0x2e) {
    if (!isDigit(text.charCodeAt(++pos))) return -1;
    while (isDigit(text.charCodeAt(pos))) pos++;
  }
  c = text.charCodeAt(pos);
  if (c === 0x45 || c === 0x65) {
    c = text.charCodeAt(++pos);
    if (c === 0x2b || c === 0x2d) pos++;
    if (!isDigit(text.charCodeAt(pos))) return -1;
    while (isDigit(text.charCodeAt(pos))) pos++;
  }
  return isDelimiter(text.charCodeAt(pos)) ? pos : -1;
}

/** The string (decoded) whose opening quote is at `pos`, and the offset past its closing quote; the text was checked. */
function readString(text: string, pos: number): { value: string; end: number } {
  const start = pos + 1;
  let i = start;
  for (;;) {
    const c = text.charCodeAt(i);
    if (c === 0x22) return { value: text.slice(start, i), end: i + 1 };
    if (c === 0x5c) break;
    i++;
  }
  let value = text.slice(start, i);
  for (;;) {
    const c = text.charCodeAt(i);
    if (c === 0x22) return { value, end: i + 1 };
    if (c === 0x5c) {
      const d = text.charCodeAt(i + 1);
      if (d === 0x75) {
        value += String.fromCharCode(parseInt(text.slice(i + 2, i + 6), 16));
        i += 6;
      } else {
        value += d === 0x62 ? '\b' : d === 0x66 ? '\f' : d === 0x6e ? '\n' : d === 0x72 ? '\r' : d === 0x74 ? '\t' : text[i + 1];
        i += 2;
      }
      continue;
    }
    const from = i;
    while (i < text.length && text.charCodeAt(i) !== 0x22 && text.charCodeAt(i) !== 0x5c) i++;
    value += text.slice(from, i);
  }
}

/** The node of the string, keyword or number at `pos` (checked), and the offset past it. */
function literal(index: Index, pos: number, parent: JsonNode | undefined): { node: JsonNode; end: number } {
  const { text } = index;
  const c = text.charCodeAt(pos);
  if (c === 0x22) {
    const { value, end } = readString(text, pos);
    return { node: { type: 'string', offset: pos, length: end - pos, parent, value }, end };
  }
  const end = literalEnd(text, pos);
  const value = c === 0x74 ? true : c === 0x66 ? false : c === 0x6e ? null : Number(text.slice(pos, end));
  const type: NodeType = c === 0x74 || c === 0x66 ? 'boolean' : c === 0x6e ? 'null' : 'number';
  return { node: { type, offset: pos, length: end - pos, parent, value }, end };
}

/** An object or array whose children are built when first read. */
class LazyContainer implements JsonNode {
  private built: JsonNode[] | undefined;

  constructor(
    readonly type: NodeType,
    readonly offset: number,
    readonly length: number,
    public parent: JsonNode | undefined,
    private readonly ordinal: number,
    private readonly index: Index,
  ) {}

  get children(): JsonNode[] {
    return (this.built ??= this.build());
  }

  private build(): JsonNode[] {
    const { text, ends, nexts } = this.index;
    const out: JsonNode[] = [];
    let pos = skipSpace(text, this.offset + 1);
    let next = this.ordinal + 1;
    const close = this.type === 'object' ? 0x7d : 0x5d;
    /** The value at `pos` under `parent`; moves past it. */
    const value = (parent: JsonNode): JsonNode => {
      const c = text.charCodeAt(pos);
      if (c === 0x7b || c === 0x5b) {
        const node = new LazyContainer(c === 0x7b ? 'object' : 'array', pos, ends[next] - pos, parent, next, this.index);
        pos = ends[next];
        next = nexts[next];
        return node;
      }
      const { node, end } = literal(this.index, pos, parent);
      pos = end;
      return node;
    };
    while (text.charCodeAt(pos) !== close) {
      if (this.type === 'object') {
        const key = readString(text, pos);
        const colon = skipSpace(text, key.end);
        // jsonc-parser's property node: its fields in its order, the length set once the value is read.
        const property: { -readonly [K in keyof JsonNode]: JsonNode[K] } = { type: 'property', offset: pos, length: -1, parent: this, children: [], colonOffset: colon };
        property.children!.push({ type: 'string', value: key.value, offset: pos, length: key.end - pos, parent: property });
        pos = skipSpace(text, colon + 1);
        const child = value(property);
        property.children!.push(child);
        property.length = child.offset + child.length - property.offset;
        out.push(property);
      } else {
        out.push(value(this));
      }
      pos = skipSpace(text, pos);
      if (text.charCodeAt(pos) === 0x2c) pos = skipSpace(text, pos + 1);
    }
    return out;
  }
}
