// String functions ("String functions for ARM templates").

import { Unknown, isObject, type Value } from '../value';
import {
  bail, fail, findUnknown, numberToString, parseLenientJson, partialString, propagate, requireInt, requireString, scalarToString,
  toJson, typeName, type Parts,
} from './helpers';
import type { FunctionTable } from './types';

const atDeployment = (what: string) => new Unknown(`${what} is computed at deployment`, undefined, [null]);

export const stringFunctions: FunctionTable = {
  base64: { minArgs: 1, maxArgs: 1, impl: ([s]) => Buffer.from(requireString(s, 'base64', 0), 'utf8').toString('base64') },

  base64tostring: {
    minArgs: 1, maxArgs: 1,
    impl: ([s]) => decodeBase64(requireString(s, 'base64ToString', 0)),
  },

  base64tojson: {
    minArgs: 1, maxArgs: 1,
    impl: ([s]) => parseLenientJson(decodeBase64(requireString(s, 'base64ToJson', 0))),
  },

  concat: { acceptsUnknown: true, impl: (args) => concat(args) },

  datauri: {
    minArgs: 1, maxArgs: 1,
    impl: ([v]) => {
      const s = typeof v === 'string' ? v : toJson(v);
      if (s === undefined) fail('dataUri expects a known value');
      return 'data:text/plain;charset=utf8;base64,' + Buffer.from(s, 'utf8').toString('base64');
    },
  },

  datauritostring: {
    minArgs: 1, maxArgs: 1,
    impl: ([v]) => {
      const s = requireString(v, 'dataUriToString', 0);
      const m = /^data:([^,]*),(.*)$/s.exec(s);
      if (!m) fail(`'${s}' is not a valid data URI`);
      if (/;base64$/i.test(m[1])) return decodeBase64(m[2]);
      return decodeUri(m[2]);
    },
  },

  endswith: {
    minArgs: 2, maxArgs: 2,
    impl: ([a, b]) => requireString(a, 'endsWith', 0).toLowerCase().endsWith(requireString(b, 'endsWith', 1).toLowerCase()),
  },

  startswith: {
    minArgs: 2, maxArgs: 2,
    impl: ([a, b]) => requireString(a, 'startsWith', 0).toLowerCase().startsWith(requireString(b, 'startsWith', 1).toLowerCase()),
  },

  format: { minArgs: 1, acceptsUnknown: true, impl: (args) => format(args) },

  guid: { minArgs: 1, acceptsUnknown: true, impl: () => atDeployment('guid') },
  uniquestring: { minArgs: 1, acceptsUnknown: true, impl: () => atDeployment('uniqueString') },
  newguid: { maxArgs: 0, impl: () => new Unknown('newGuid() returns a new value at each deployment', undefined, [null]) },

  join: {
    minArgs: 2, maxArgs: 2, acceptsUnknown: true,
    impl: ([arr, delim]) => {
      if (arr instanceof Unknown) return propagate(arr);
      if (delim instanceof Unknown) return propagate(delim);
      if (!Array.isArray(arr)) fail(`The template function 'join' expects an Array; it is ${typeName(arr)}`);
      const d = requireString(delim, 'join', 1);
      const pieces: Parts = [];
      let cause: Unknown | undefined;
      arr.forEach((e, i) => {
        if (i > 0) pieces.push(d);
        if (e instanceof Unknown) {
          cause ??= e;
          if (e.parts) pieces.push(...e.parts); else pieces.push(null);
          return;
        }
        const s = scalarToString(e);
        if (s === undefined) fail(`The template function 'join' cannot join an element of type ${typeName(e)}`);
        pieces.push(s);
      });
      return partialString(pieces, cause);
    },
  },

  padleft: {
    minArgs: 2, maxArgs: 3,
    impl: ([v, total, ch]) => {
      const s = typeof v === 'number' ? numberToString(v) : requireString(v, 'padLeft', 0);
      const n = requireInt(total, 'padLeft', 1);
      const c = ch === undefined ? ' ' : requireString(ch, 'padLeft', 2);
      if (c.length !== 1) fail("The template function 'padLeft' expects a single padding character");
      if (n > 16 * 1024) fail("The template function 'padLeft' total length is too large");
      return s.length >= n ? s : c.repeat(n - s.length) + s;
    },
  },

  replace: {
    minArgs: 3, maxArgs: 3,
    impl: ([a, b, c]) => {
      const s = requireString(a, 'replace', 0);
      const oldS = requireString(b, 'replace', 1);
      const newS = requireString(c, 'replace', 2);
      if (oldS === '') fail("The template function 'replace' expects a non-empty string to replace");
      return s.split(oldS).join(newS);
    },
  },

  split: {
    minArgs: 2, maxArgs: 2,
    impl: ([a, d]) => {
      const s = requireString(a, 'split', 0);
      let delims: string[];
      if (typeof d === 'string') delims = [d];
      else if (Array.isArray(d)) {
        delims = d.map((x) => {
          if (x instanceof Unknown) bail(x);
          return requireString(x, 'split', 1);
        });
      } else fail(`The template function 'split' expects a String or an Array of strings as delimiter; it is ${typeName(d)}`);
      return split(s, delims);
    },
  },

  string: {
    minArgs: 1, maxArgs: 1, acceptsUnknown: true,
    impl: ([v]) => {
      if (v instanceof Unknown) return v.parts ? v : new Unknown(v.reason, v.parameter, [null]);
      const s = scalarToString(v);
      if (s !== undefined) return s;
      if (Array.isArray(v) || isObject(v)) {
        const j = toJson(v);
        if (j !== undefined) return j;
        const inner = findUnknown(v);
        return new Unknown(inner?.reason ?? 'value is not fully known', inner?.parameter, [null]);
      }
      fail(`The template function 'string' cannot convert a value of type ${typeName(v)}`);
    },
  },

  substring: {
    minArgs: 1, maxArgs: 3,
    impl: ([a, st, len]) => {
      const s = requireString(a, 'substring', 0);
      const start = st === undefined ? 0 : requireInt(st, 'substring', 1);
      const length = len === undefined ? s.length - start : requireInt(len, 'substring', 2);
      if (start < 0 || start > s.length || length < 0 || start + length > s.length) {
        fail(`The index and length parameters must refer to a location within the string. The index parameter: '${start}', the length parameter: '${length}', the length of the string parameter: '${s.length}'.`);
      }
      return s.substr(start, length);
    },
  },

  tolower: { minArgs: 1, maxArgs: 1, acceptsUnknown: true, impl: ([v]) => mapCase(v, 'toLower', (s) => s.toLowerCase()) },
  toupper: { minArgs: 1, maxArgs: 1, acceptsUnknown: true, impl: ([v]) => mapCase(v, 'toUpper', (s) => s.toUpperCase()) },

  trim: { minArgs: 1, maxArgs: 1, impl: ([v]) => requireString(v, 'trim', 0).trim() },

  uri: {
    minArgs: 2, maxArgs: 2,
    impl: ([b, r]) => resolveUri(requireString(b, 'uri', 0), requireString(r, 'uri', 1)),
  },

  uricomponent: { minArgs: 1, maxArgs: 1, impl: ([v]) => escapeDataString(requireString(v, 'uriComponent', 0)) },
  uricomponenttostring: { minArgs: 1, maxArgs: 1, impl: ([v]) => decodeUri(requireString(v, 'uriComponentToString', 0)) },
};

function decodeBase64(s: string): string {
  const clean = s.replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(clean) || clean.length % 4 === 1) fail(`'${s}' is not a valid base64 string`);
  return Buffer.from(clean, 'base64').toString('utf8');
}

function decodeUri(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, '%20'));
  } catch {
    fail(`'${s}' is not a valid URI-encoded string`);
  }
}

/** .NET Uri.EscapeDataString: escape everything but RFC 3986 unreserved characters. */
function escapeDataString(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
}

function mapCase(v: Value, fn: string, f: (s: string) => string): Value {
  if (v instanceof Unknown) {
    if (v.parts) return new Unknown(v.reason, v.parameter, v.parts.map((p) => (p === null ? null : f(p))));
    return propagate(v);
  }
  return f(requireString(v, fn, 0));
}

/** concat(): strings (with partial strings) or arrays, never both. */
function concat(args: Value[]): Value {
  let hasArray = false;
  let hasString = false;
  for (const a of args) {
    if (Array.isArray(a)) hasArray = true;
    else if (typeof a === 'string' || typeof a === 'number' || typeof a === 'boolean' || (a instanceof Unknown && a.parts)) hasString = true;
    else if (isObject(a)) fail("The template function 'concat' does not accept objects");
  }
  if (hasArray && hasString) fail("The template function 'concat' cannot combine arrays and strings");
  if (hasArray) {
    const out: Value[] = [];
    for (const a of args) {
      if (a instanceof Unknown) return propagate(a);
      if (a === null) continue;
      out.push(...(a as Value[]));
    }
    return out;
  }
  if (!hasString) {
    // Only nulls and Unknowns without parts: a string or an array, we cannot tell.
    const u = args.find((a): a is Unknown => a instanceof Unknown);
    if (u) return propagate(u);
    return '';
  }
  const pieces: Parts = [];
  let cause: Unknown | undefined;
  for (const a of args) {
    if (a instanceof Unknown) {
      cause ??= a;
      if (a.parts) pieces.push(...a.parts); else pieces.push(null);
    } else {
      const s = scalarToString(a);
      if (s === undefined) fail(`The template function 'concat' cannot concatenate a value of type ${typeName(a)}`);
      pieces.push(s);
    }
  }
  return partialString(pieces, cause);
}

/** .NET composite formatting: "{index[,alignment][:formatString]}", "{{" and "}}" escapes. */
function format(args: Value[]): Value {
  const f = args[0];
  if (f instanceof Unknown) return propagate(f);
  const fmt = requireString(f, 'format', 0);
  const pieces: Parts = [];
  let cause: Unknown | undefined;
  let lit = '';
  let i = 0;
  const n = fmt.length;
  while (i < n) {
    const c = fmt[i];
    if (c === '{') {
      if (fmt[i + 1] === '{') { lit += '{'; i += 2; continue; }
      const close = fmt.indexOf('}', i + 1);
      if (close < 0) fail('Input string was not in a correct format.');
      const item = fmt.slice(i + 1, close);
      const m = /^\s*(\d+)\s*(?:,\s*(-?\d+)\s*)?(?::(.*))?$/s.exec(item);
      if (!m) fail('Input string was not in a correct format.');
      const index = Number(m[1]);
      if (index + 1 >= args.length) fail('Index (zero based) must be greater than or equal to zero and less than the size of the argument list.');
      const align = m[2] === undefined ? 0 : Number(m[2]);
      const spec = m[3] ?? '';
      const v = args[index + 1];
      if (lit) { pieces.push(lit); lit = ''; }
      if (v instanceof Unknown) {
        cause ??= v;
        if (v.parts && align === 0 && spec === '') pieces.push(...v.parts);
        else pieces.push(null);
      } else {
        let text = formatValue(v, spec);
        if (align > 0) text = text.padStart(align);
        else if (align < 0) text = text.padEnd(-align);
        pieces.push(text);
      }
      i = close + 1;
      continue;
    }
    if (c === '}') {
      if (fmt[i + 1] === '}') { lit += '}'; i += 2; continue; }
      fail('Input string was not in a correct format.');
    }
    lit += c;
    i++;
  }
  if (lit) pieces.push(lit);
  if (pieces.length === 0) return '';
  return partialString(pieces, cause);
}

function formatValue(v: Value, spec: string): string {
  if (typeof v === 'number') return formatNumber(v, spec);
  const s = scalarToString(v);
  if (s !== undefined) return s;
  fail(`format() of a value of type ${typeName(v)} is not supported`);
}

function formatNumber(v: number, spec: string): string {
  const m = /^([A-Za-z])(\d{0,2})$/.exec(spec.trim());
  if (!m) return numberToString(v);
  const kind = m[1];
  const prec = m[2] === '' ? undefined : Number(m[2]);
  switch (kind) {
    case 'N': case 'n': {
      const d = prec ?? 2;
      return v.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d });
    }
    case 'F': case 'f':
      return v.toFixed(prec ?? 2);
    case 'D': case 'd': {
      if (!Number.isInteger(v)) return numberToString(v);
      const digits = Math.abs(v).toFixed(0).padStart(prec ?? 0, '0');
      return v < 0 ? '-' + digits : digits;
    }
    case 'X': case 'x': {
      if (!Number.isInteger(v) || v < 0) return numberToString(v);
      const h = v.toString(16).padStart(prec ?? 0, '0');
      return kind === 'X' ? h.toUpperCase() : h;
    }
    default:
      return numberToString(v);
  }
}

/** .NET String.Split(string[], None): at each position the first matching delimiter (in order) wins. */
function split(s: string, delims: string[]): string[] {
  const ds = delims.filter((d) => d.length > 0);
  if (ds.length === 0) return [s];
  const out: string[] = [];
  let start = 0;
  let i = 0;
  while (i < s.length) {
    const d = ds.find((x) => s.startsWith(x, i));
    if (d !== undefined) {
      out.push(s.slice(start, i));
      i += d.length;
      start = i;
    } else {
      i++;
    }
  }
  out.push(s.slice(start));
  return out;
}

/** RFC 3986 reference resolution (the uri() function). */
function resolveUri(base: string, rel: string): string {
  if (/^[A-Za-z][A-Za-z0-9+.-]*:/.test(rel)) return rel;
  const m = /^([A-Za-z][A-Za-z0-9+.-]*:)(\/\/[^/?#]*)?([^?#]*)(\?[^#]*)?(#.*)?$/.exec(base);
  if (!m) fail(`'${base}' is not an absolute URI`);
  const scheme = m[1];
  const authority = m[2] ?? '';
  const basePath = m[3] ?? '';
  if (rel.startsWith('//')) return scheme + rel;
  const rm = /^([^?#]*)(\?[^#]*)?(#.*)?$/.exec(rel)!;
  const relPath = rm[1];
  const relQuery = rm[2];
  const relFrag = rm[3] ?? '';
  if (relPath === '') {
    return scheme + authority + basePath + (relQuery ?? m[4] ?? '') + relFrag;
  }
  let path: string;
  if (relPath.startsWith('/')) path = relPath;
  else if (authority && basePath === '') path = '/' + relPath;
  else path = basePath.slice(0, basePath.lastIndexOf('/') + 1) + relPath;
  return scheme + authority + removeDotSegments(path) + (relQuery ?? '') + relFrag;
}

function removeDotSegments(path: string): string {
  if (!/(^|\/)\.\.?(\/|$)/.test(path)) return path;
  const out: string[] = [];
  const segs = path.split('/');
  for (let i = 0; i < segs.length; i++) {
    const s = segs[i];
    if (s === '.') { if (i === segs.length - 1) out.push(''); continue; }
    if (s === '..') {
      if (out.length > 1) out.pop();
      if (i === segs.length - 1) out.push('');
      continue;
    }
    out.push(s);
  }
  return out.join('/');
}
