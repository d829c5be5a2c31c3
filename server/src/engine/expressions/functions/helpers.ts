// Helpers shared by the built-in function implementations: type checks, three-valued deep equality,
// ARM-style string conversion and JSON (de)serialisation, and partially known strings.

import { Lambda, Unknown, getProperty, isObject, type Value, type ValueObject } from '../value';

/** A runtime error in a template function; the evaluator turns it into an Unknown with this reason. */
export class ExprError extends Error {}

export function fail(message: string): never {
  throw new ExprError(message);
}

/** Thrown to end a function early with an Unknown result (an Unknown found inside an argument). */
export class UnknownSignal extends Error {
  constructor(readonly unknown: Unknown) { super(unknown.reason); }
}

/** End the current function call with (the cause of) `u` as its result. */
export function bail(u: Unknown): never {
  throw new UnknownSignal(propagate(u));
}

export function typeName(v: Value | undefined): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'Null';
  if (typeof v === 'string') return 'String';
  if (typeof v === 'number') return Number.isInteger(v) ? 'Integer' : 'Float';
  if (typeof v === 'boolean') return 'Boolean';
  if (Array.isArray(v)) return 'Array';
  if (v instanceof Unknown) return 'Unknown';
  if (v instanceof Lambda) return 'Lambda';
  return 'Object';
}

/** True when `v` (deeply) contains no Unknown and no Lambda. */
export function isFullyKnown(v: Value): boolean {
  const stack: Value[] = [v];
  let guard = 0;
  while (stack.length) {
    if (++guard > 1_000_000) return false;
    const x = stack.pop()!;
    if (x instanceof Unknown || x instanceof Lambda) return false;
    if (Array.isArray(x)) { for (const e of x) stack.push(e); }
    else if (isObject(x)) { for (const k of Object.keys(x)) stack.push(x[k]); }
  }
  return true;
}

/** The first Unknown found (depth-first) inside `v`, if any. */
export function findUnknown(v: Value): Unknown | undefined {
  const stack: Value[] = [v];
  let guard = 0;
  while (stack.length) {
    if (++guard > 1_000_000) return new Unknown('value too large to inspect');
    const x = stack.pop()!;
    if (x instanceof Unknown) return x;
    if (Array.isArray(x)) { for (let i = x.length - 1; i >= 0; i--) stack.push(x[i]); }
    else if (isObject(x)) { const ks = Object.keys(x); for (let i = ks.length - 1; i >= 0; i--) stack.push(x[ks[i]]); }
  }
  return undefined;
}

/** An Unknown carrying the cause (reason and parameter) of `u` but none of its string parts. */
export function propagate(u: Unknown): Unknown {
  return u.parts ? new Unknown(u.reason, u.parameter, undefined, u.limit) : u;
}

// ---------------------------------------------------------------------------------------------
// Equality and ordering

/**
 * Three-valued deep equality with ARM semantics (case-sensitive strings, object keys compared by
 * name regardless of order): `true`, `false`, or `undefined` when Unknown values make it undecidable.
 */
export function deepEquals(a: Value, b: Value, depth = 0): boolean | undefined {
  if (depth > 200) return undefined;
  if (a instanceof Unknown || b instanceof Unknown) {
    if (a instanceof Unknown && typeof b === 'string' && a.parts) return partialCouldEqual(a.parts, b) ? undefined : false;
    if (b instanceof Unknown && typeof a === 'string' && b.parts) return partialCouldEqual(b.parts, a) ? undefined : false;
    // A partially known string is never equal to a known non-string.
    const known = a instanceof Unknown ? b : a;
    const unk = (a instanceof Unknown ? a : b) as Unknown;
    if (unk.parts && !(known instanceof Unknown) && typeof known !== 'string') return false;
    return undefined;
  }
  if (a instanceof Lambda || b instanceof Lambda) return a === b;
  if (a === null || b === null) return a === b;
  if (typeof a !== typeof b) return false;
  if (typeof a !== 'object') return a === b;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b)) return false;
    if (a.length !== b.length) return false;
    let result: boolean | undefined = true;
    for (let i = 0; i < a.length; i++) {
      const r = deepEquals(a[i], b[i], depth + 1);
      if (r === false) return false;
      if (r === undefined) result = undefined;
    }
    return result;
  }
  const ao = a as ValueObject, bo = b as ValueObject;
  const ak = Object.keys(ao), bk = Object.keys(bo);
  if (ak.length !== bk.length) return false;
  let result: boolean | undefined = true;
  for (const k of ak) {
    if (!Object.prototype.hasOwnProperty.call(bo, k)) return false;
    const r = deepEquals(ao[k], bo[k], depth + 1);
    if (r === false) return false;
    if (r === undefined) result = undefined;
  }
  return result;
}

/**
 * A key that two fully known values share exactly when `deepEquals` says true; undefined for values holding
 * an Unknown or a lambda (never `true`-equal to anything) or nested too deeply. Lets set operations hash.
 */
export function canonicalKey(v: Value, depth = 0): string | undefined {
  if (depth > 200) return undefined;
  if (v === null || typeof v === 'boolean' || typeof v === 'number') return JSON.stringify(v);
  if (typeof v === 'string') return JSON.stringify(v);
  if (v instanceof Unknown || v instanceof Lambda) return undefined;
  if (Array.isArray(v)) {
    const parts: string[] = [];
    for (const item of v) {
      const key = canonicalKey(item, depth + 1);
      if (key === undefined) return undefined;
      parts.push(key);
    }
    return `[${parts.join(',')}]`;
  }
  const parts: string[] = [];
  for (const k of Object.keys(v).sort()) {
    const key = canonicalKey(v[k], depth + 1);
    if (key === undefined) return undefined;
    parts.push(`${JSON.stringify(k)}:${key}`);
  }
  return `{${parts.join(',')}}`;
}

/** Could a string made of `parts` (null = any text) equal `s`? */
export function partialCouldEqual(parts: readonly (string | null)[], s: string): boolean {
  // Greedy left-to-right matching of the known pieces, with anchoring at both ends.
  let pos = 0;
  const n = parts.length;
  for (let i = 0; i < n; i++) {
    const p = parts[i];
    if (p === null) continue;
    const anchoredStart = i === 0;
    const anchoredEnd = i === n - 1;
    if (anchoredStart) {
      if (!s.startsWith(p)) return false;
      pos = p.length;
      if (anchoredEnd && n === 1) return s === p;
      continue;
    }
    if (anchoredEnd) {
      return s.length - p.length >= pos && s.endsWith(p);
    }
    const idx = s.indexOf(p, pos);
    if (idx < 0) return false;
    pos = idx + p.length;
  }
  return true;
}

const collator = new Intl.Collator('en-US', { usage: 'sort', sensitivity: 'variant' });

/**
 * ARM string comparison (less/greater): culture-aware like .NET's invariant culture, where "a" sorts
 * before "A" (the docs: greater('A', 'a') is true). Ties fall back to ordinal order.
 */
export function compareStrings(a: string, b: string): number {
  const c = collator.compare(a, b);
  if (c !== 0) return c;
  return a < b ? -1 : a > b ? 1 : 0;
}

// ---------------------------------------------------------------------------------------------
// Conversions

/** ARM's conversion of a scalar to text (concat, format, join, string): booleans are "True"/"False". */
export function scalarToString(v: Value): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return numberToString(v);
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (v === null) return '';
  return undefined;
}

export function numberToString(n: number): string {
  if (Number.isInteger(n) && Math.abs(n) < 1e21) return n.toFixed(0);
  return String(n);
}

/** Compact JSON as ARM's string() writes it. Returns undefined when the value holds an Unknown. */
export function toJson(v: Value): string | undefined {
  if (!isFullyKnown(v)) return undefined;
  return JSON.stringify(v, (_k, x) => (typeof x === 'number' && !Number.isFinite(x) ? null : x));
}

export function requireString(v: Value, fn: string, pos: number): string {
  if (typeof v !== 'string') fail(`The template function '${fn}' expects its ${ordinal(pos)} argument to be a String; it is ${typeName(v)}`);
  return v;
}

export function requireInt(v: Value, fn: string, pos: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v)) fail(`The template function '${fn}' expects its ${ordinal(pos)} argument to be an Integer; it is ${typeName(v)}`);
  return v;
}

export function requireArray(v: Value, fn: string, pos: number): Value[] {
  if (!Array.isArray(v)) fail(`The template function '${fn}' expects its ${ordinal(pos)} argument to be an Array; it is ${typeName(v)}`);
  return v;
}

export function requireObject(v: Value, fn: string, pos: number): ValueObject {
  if (!isObject(v)) fail(`The template function '${fn}' expects its ${ordinal(pos)} argument to be an Object; it is ${typeName(v)}`);
  return v;
}

export function ordinal(i: number): string {
  return ['first', 'second', 'third', 'fourth', 'fifth', 'sixth'][i] ?? `#${i + 1}`;
}

/** Case-insensitive own-key lookup returning the actual key. */
export function findKey(obj: ValueObject, name: string): string | undefined {
  if (Object.prototype.hasOwnProperty.call(obj, name)) return name;
  const lower = name.toLowerCase();
  for (const k of Object.keys(obj)) if (k.toLowerCase() === lower) return k;
  return undefined;
}

export { getProperty };

/** Set a key even if it is "__proto__". */
export function defineKey(o: ValueObject, k: string, v: Value): void {
  if (k === '__proto__') Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
  else o[k] = v;
}

// ---------------------------------------------------------------------------------------------
// Lenient JSON (json(), base64ToJson()): Newtonsoft-like — single or double quotes, comments,
// unquoted property names, trailing commas.

export function parseLenientJson(text: string): Value {
  const p = new JsonReader(text);
  p.ws();
  const v = p.value(0);
  p.ws();
  if (p.i < text.length) fail(`Invalid JSON: unexpected '${text[p.i]}' at position ${p.i}`);
  return v;
}

class JsonReader {
  i = 0;
  constructor(private readonly s: string) {}

  ws(): void {
    const s = this.s;
    for (;;) {
      const c = s[this.i];
      if (c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\ufeff' || c === '\u00a0') { this.i++; continue; }
      if (c === '/' && s[this.i + 1] === '/') { const j = s.indexOf('\n', this.i); this.i = j < 0 ? s.length : j + 1; continue; }
      if (c === '/' && s[this.i + 1] === '*') { const j = s.indexOf('*/', this.i + 2); if (j < 0) fail('Invalid JSON: unterminated comment'); this.i = j + 2; continue; }
      return;
    }
  }

  value(depth: number): Value {
    if (depth > 500) fail('Invalid JSON: nested too deeply');
    const s = this.s;
    const c = s[this.i];
    if (c === '{') return this.object(depth);
    if (c === '[') return this.array(depth);
    if (c === '"' || c === "'") return this.string();
    if (c === '-' || c === '+' || (c >= '0' && c <= '9') || c === '.') return this.number();
    const m = /^[A-Za-z_$][A-Za-z0-9_$]*/.exec(s.slice(this.i, this.i + 64));
    if (m) {
      this.i += m[0].length;
      if (m[0] === 'true') return true;
      if (m[0] === 'false') return false;
      if (m[0] === 'null' || m[0] === 'undefined') return null;
      fail(`Invalid JSON: unexpected '${m[0]}'`);
    }
    fail(this.i >= s.length ? 'Invalid JSON: unexpected end of text' : `Invalid JSON: unexpected '${c}' at position ${this.i}`);
  }

  private object(depth: number): Value {
    const o: ValueObject = {};
    this.i++;
    for (;;) {
      this.ws();
      const c = this.s[this.i];
      if (c === '}') { this.i++; return o; }
      if (c === undefined) fail('Invalid JSON: unterminated object');
      let key: string;
      if (c === '"' || c === "'") key = this.string();
      else {
        const m = /^[A-Za-z0-9_$-]+/.exec(this.s.slice(this.i, this.i + 1024));
        if (!m) fail(`Invalid JSON: expected a property name at position ${this.i}`);
        key = m[0];
        this.i += key.length;
      }
      this.ws();
      if (this.s[this.i] !== ':') fail(`Invalid JSON: expected ':' at position ${this.i}`);
      this.i++;
      this.ws();
      defineKey(o, key, this.value(depth + 1));
      this.ws();
      const d = this.s[this.i];
      if (d === ',') { this.i++; continue; }
      if (d === '}') { this.i++; return o; }
      fail(`Invalid JSON: expected ',' or '}' at position ${this.i}`);
    }
  }

  private array(depth: number): Value {
    const a: Value[] = [];
    this.i++;
    for (;;) {
      this.ws();
      const c = this.s[this.i];
      if (c === ']') { this.i++; return a; }
      if (c === undefined) fail('Invalid JSON: unterminated array');
      a.push(this.value(depth + 1));
      this.ws();
      const d = this.s[this.i];
      if (d === ',') { this.i++; continue; }
      if (d === ']') { this.i++; return a; }
      fail(`Invalid JSON: expected ',' or ']' at position ${this.i}`);
    }
  }

  private string(): string {
    const s = this.s;
    const q = s[this.i++];
    let out = '';
    for (;;) {
      if (this.i >= s.length) fail('Invalid JSON: unterminated string');
      const c = s[this.i++];
      if (c === q) return out;
      if (c !== '\\') { out += c; continue; }
      const e = s[this.i++];
      switch (e) {
        case 'n': out += '\n'; break;
        case 'r': out += '\r'; break;
        case 't': out += '\t'; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case 'u': {
          const h = s.slice(this.i, this.i + 4);
          if (!/^[0-9a-fA-F]{4}$/.test(h)) fail('Invalid JSON: bad \\u escape');
          out += String.fromCharCode(parseInt(h, 16));
          this.i += 4;
          break;
        }
        case undefined: fail('Invalid JSON: unterminated string'); break;
        default: out += e;
      }
    }
  }

  private number(): number {
    const m = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?/.exec(this.s.slice(this.i, this.i + 400));
    if (!m) fail(`Invalid JSON: bad number at position ${this.i}`);
    this.i += m[0].length;
    return Number(m[0]);
  }
}

// ---------------------------------------------------------------------------------------------
// Partially known strings

export type Parts = (string | null)[];

/**
 * The pieces of a string value: `[s]` for a known string, the `parts` of a partially known string,
 * `undefined` for anything else (including an Unknown without parts).
 */
export function stringParts(v: Value): readonly (string | null)[] | undefined {
  if (typeof v === 'string') return [v];
  if (v instanceof Unknown && v.parts) return v.parts;
  return undefined;
}

/** True when `v` is an Unknown with known string parts (a string value not fully known). */
export function isPartialString(v: Value | undefined): v is Unknown & { parts: readonly (string | null)[] } {
  return v instanceof Unknown && Array.isArray(v.parts);
}

/** Drop empty pieces and merge consecutive holes. Known pieces stay separate, in order. */
export function normalizeParts(parts: readonly (string | null)[]): Parts {
  const out: Parts = [];
  for (const p of parts) {
    if (p === '') continue;
    if (p === null && out.length && out[out.length - 1] === null) continue;
    out.push(p);
  }
  return out;
}

/**
 * A string value from pieces: a plain string when every piece is known, otherwise an Unknown with
 * `parts`. The reason/parameter come from `cause`.
 */
export function partialString(parts: readonly (string | null)[], cause: Unknown | undefined): Value {
  // All known (most strings): joined as they are, without the normalized copy.
  if (!parts.includes(null)) return parts.join('');
  const norm = normalizeParts(parts);
  return new Unknown(cause?.reason ?? 'part of the string is not known', cause?.parameter, norm, cause?.limit);
}

/** Known text before the first unknown piece ('' when the value starts with an unknown piece). */
export function knownPrefix(v: Value): string | undefined {
  const parts = stringParts(v);
  if (!parts) return undefined;
  let out = '';
  for (const p of parts) { if (p === null) break; out += p; }
  return out;
}

/** Known text after the last unknown piece ('' when the value ends with an unknown piece). */
export function knownSuffix(v: Value): string | undefined {
  const parts = stringParts(v);
  if (!parts) return undefined;
  let out = '';
  for (let i = parts.length - 1; i >= 0; i--) { const p = parts[i]; if (p === null) break; out = p + out; }
  return out;
}
