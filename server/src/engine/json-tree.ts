// A faster `parseTree` for the common case of strict JSON: one pass checks the text and notes where each
// object and array ends; nodes are then built one level at a time, when code first reads a container's
// `children`. Most of a large template is never read, so most of its nodes are never built. The nodes are
// those jsonc-parser builds (same types, offsets, lengths, values, parents). Anything this pass does not accept
// (comments, trailing commas, any error, nesting deeper than the limit) gives undefined: the caller then uses
// jsonc-parser itself, so errors and recovery stay jsonc-parser's.

import { getNodeValue, type Node as JsonNode, type NodeType } from 'jsonc-parser';

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
    : literal(text, start, undefined);
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

/** Where the string `readString` last read ends (past its closing quote): a second result without an object per call. */
let stringEndAt = 0;

/** The string (decoded) whose opening quote is at `pos`; sets `stringEndAt`. The text was checked. */
function readString(text: string, pos: number): string {
  const start = pos + 1;
  let i = start;
  for (;;) {
    const c = text.charCodeAt(i);
    if (c === 0x22) { stringEndAt = i + 1; return text.slice(start, i); }
    if (c === 0x5c) break;
    i++;
  }
  let value = text.slice(start, i);
  for (;;) {
    const c = text.charCodeAt(i);
    if (c === 0x22) { stringEndAt = i + 1; return value; }
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

/** A string, keyword or number node: one shape for all of them. */
class LiteralNode implements JsonNode {
  constructor(
    readonly type: NodeType,
    readonly offset: number,
    readonly length: number,
    public parent: JsonNode | undefined,
    readonly value: string | number | boolean | null,
  ) {}
}

/** The node of the string, keyword or number at `pos` (checked); it ends at its offset plus its length. */
function literal(text: string, pos: number, parent: JsonNode | undefined): JsonNode {
  const c = text.charCodeAt(pos);
  if (c === 0x22) {
    const value = readString(text, pos);
    return new LiteralNode('string', pos, stringEndAt - pos, parent, value);
  }
  const end = literalEnd(text, pos);
  const value = c === 0x74 ? true : c === 0x66 ? false : c === 0x6e ? null : Number(text.slice(pos, end));
  const type: NodeType = c === 0x74 || c === 0x66 ? 'boolean' : c === 0x6e ? 'null' : 'number';
  return new LiteralNode(type, pos, end - pos, parent, value);
}

/** jsonc-parser's property node: its key and value as children, and where its colon is. */
class PropertyNode implements JsonNode {
  readonly type = 'property';
  length = -1;
  /** Set once, as a two-element array (pushing into an empty one reserves room for many). */
  children!: JsonNode[];
  constructor(readonly offset: number, public parent: JsonNode | undefined, readonly colonOffset: number) {}
}

/**
 * A member of an object by name: the exact spelling first, else the first key equal ignoring case (ARM's rule).
 * On a tree of this module the keys are compared in the text, and only the member found is built.
 */
export function memberOf(node: JsonNode, name: string): JsonNode | undefined {
  if (node.type !== 'object') return undefined;
  if (node instanceof LazyContainer) return node.member(name);
  const children = node.children;
  if (!children) return undefined;
  let fallback: JsonNode | undefined;
  let lower: string | undefined;
  for (let i = 0; i < children.length; i++) {
    const pair = children[i].children;
    const key = pair?.[0]?.value;
    if (typeof key !== 'string' || key.length !== name.length || !pair![1]) continue;
    if (key === name) return pair![1];
    if (!fallback && key.toLowerCase() === (lower ??= name.toLowerCase())) fallback = pair![1];
  }
  return fallback;
}

const DIFFERENT = 0, EXACT = 1, CASE = 2;

/** How the unescaped key at `start` (as long as `name`) compares with `name`: the same, the same ignoring case (as toLowerCase), or not. */
function compareKey(text: string, start: number, name: string): typeof DIFFERENT | typeof EXACT | typeof CASE {
  let result: typeof EXACT | typeof CASE = EXACT;
  for (let i = 0; i < name.length; i++) {
    const a = text.charCodeAt(start + i);
    const b = name.charCodeAt(i);
    if (a === b) continue;
    if (a >= 0x80 || b >= 0x80) return text.slice(start, start + name.length).toLowerCase() === name.toLowerCase() ? CASE : DIFFERENT;
    const folded = a | 0x20;
    if (folded !== (b | 0x20) || folded < 0x61 || folded > 0x7a) return DIFFERENT;
    result = CASE;
  }
  return result;
}

/** Per member of an object: where its key starts, where it ends (negated when it has an escape), where its value starts, and the value's container ordinal (-1: a literal). */
const KEY = 0, KEY_END = 1, VALUE = 2, ORDINAL = 3, STRIDE = 4;

/** An object or array whose children are built when first read; an object's members also one by one (`member`). */
class LazyContainer implements JsonNode {
  private built: JsonNode[] | undefined;
  /** Objects: the members' positions (STRIDE numbers each), and the property nodes built so far. */
  private layout: number[] | undefined;
  private slots: (PropertyNode | undefined)[] | undefined;

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

  /** The container's text, brackets included. */
  text(): string {
    return this.index.text.slice(this.offset, this.offset + this.length);
  }

  /** See `memberOf`. */
  member(name: string): JsonNode | undefined {
    const layout = this.members();
    const text = this.index.text;
    let fallback = -1;
    for (let m = 0; m < layout.length; m += STRIDE) {
      const start = layout[m + KEY] + 1;
      const keyEnd = layout[m + KEY_END];
      if (keyEnd > 0) {
        // No escapes: the key is its text.
        if (keyEnd - 1 - start !== name.length) continue;
        const same = compareKey(text, start, name);
        if (same === EXACT) return this.slot(m / STRIDE).children[1];
        if (same === CASE && fallback < 0) fallback = m / STRIDE;
      } else {
        const key = readString(text, start - 1);
        if (key.length !== name.length) continue;
        if (key === name) return this.slot(m / STRIDE).children[1];
        if (fallback < 0 && key.toLowerCase() === name.toLowerCase()) fallback = m / STRIDE;
      }
    }
    return fallback < 0 ? undefined : this.slot(fallback).children[1];
  }

  /** The object's member positions, found on first use. */
  private members(): number[] {
    if (this.layout) return this.layout;
    const { text, ends, nexts } = this.index;
    const layout: number[] = [];
    let pos = skipSpace(text, this.offset + 1);
    let next = this.ordinal + 1;
    while (text.charCodeAt(pos) !== 0x7d) {
      // The key's end, negated when the key has an escape.
      let keyEnd = pos + 1;
      let escaped = false;
      for (let c = text.charCodeAt(keyEnd); c !== 0x22; c = text.charCodeAt(keyEnd)) {
        if (c === 0x5c) { escaped = true; keyEnd++; }
        keyEnd++;
      }
      keyEnd++;
      const value = skipSpace(text, skipSpace(text, keyEnd) + 1);
      const c = text.charCodeAt(value);
      const container = c === 0x7b || c === 0x5b;
      layout.push(pos, escaped ? -keyEnd : keyEnd, value, container ? next : -1);
      if (container) {
        pos = ends[next];
        next = nexts[next];
      } else {
        pos = c === 0x22 ? stringEnd(text, value) : literalEnd(text, value);
      }
      pos = skipSpace(text, pos);
      if (text.charCodeAt(pos) === 0x2c) pos = skipSpace(text, pos + 1);
    }
    this.slots = new Array(layout.length / STRIDE);
    return (this.layout = layout);
  }

  /** The property node of member `i`, built once. */
  private slot(i: number): PropertyNode {
    const slots = this.slots!;
    const built = slots[i];
    if (built) return built;
    const { text, ends } = this.index;
    const layout = this.layout!;
    const m = i * STRIDE;
    const pos = layout[m + KEY];
    const keyEnd = Math.abs(layout[m + KEY_END]);
    const property = new PropertyNode(pos, this, skipSpace(text, keyEnd));
    const key = new LiteralNode('string', pos, keyEnd - pos, property, readString(text, pos));
    const value = layout[m + VALUE];
    const ordinal = layout[m + ORDINAL];
    const child = ordinal >= 0
      ? new LazyContainer(text.charCodeAt(value) === 0x7b ? 'object' : 'array', value, ends[ordinal] - value, property, ordinal, this.index)
      : literal(text, value, property);
    property.children = [key, child];
    property.length = child.offset + child.length - pos;
    return (slots[i] = property);
  }

  private build(): JsonNode[] {
    if (this.type === 'object') {
      const count = this.members().length / STRIDE;
      const out: JsonNode[] = new Array(count);
      for (let i = 0; i < count; i++) out[i] = this.slot(i);
      return out;
    }
    const index = this.index;
    const { text, ends, nexts } = index;
    const out: JsonNode[] = [];
    let pos = skipSpace(text, this.offset + 1);
    let next = this.ordinal + 1;
    while (text.charCodeAt(pos) !== 0x5d) {
      // A container is skipped to its end (noted by the check), a literal read.
      const c = text.charCodeAt(pos);
      let child: JsonNode;
      if (c === 0x7b || c === 0x5b) {
        child = new LazyContainer(c === 0x7b ? 'object' : 'array', pos, ends[next] - pos, this, next, index);
        pos = ends[next];
        next = nexts[next];
      } else {
        child = literal(text, pos, this);
        pos = child.offset + child.length;
      }
      out.push(child);
      pos = skipSpace(text, pos);
      if (text.charCodeAt(pos) === 0x2c) pos = skipSpace(text, pos + 1);
    }
    return out;
  }
}

/**
 * The node's value as data, as jsonc-parser's `getNodeValue` has it but with ordinary objects (for callers that
 * copy it, not look keys up in it): for a container of this module, parsed from its text by JSON.parse, which
 * reads the same values without building the nodes.
 */
export function plainValue(node: JsonNode): unknown {
  if (node instanceof LazyContainer) return JSON.parse(node.text());
  return getNodeValue(node);
}
