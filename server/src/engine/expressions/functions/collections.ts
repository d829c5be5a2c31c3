// Array and object functions ("Array functions for ARM templates", "Object functions for ARM templates"),
// and the functions shared with strings (contains, empty, first, last, length, indexOf, skip, take).

import { Unknown, isObject, openLookup, type Value, type ValueObject } from '../value';
import {
  canonicalKey, deepEquals, defineKey, fail, findKey, numberToString, parseLenientJson, propagate, requireArray, requireInt,
  requireObject, requireString, typeName,
} from './helpers';
import type { FunctionTable } from './types';

const MAX_ARRAY = 100_000;

export const collectionFunctions: FunctionTable = {
  array: {
    minArgs: 1, maxArgs: 1, acceptsUnknown: true,
    impl: ([v]) => {
      if (v instanceof Unknown) return v.parts ? [v] : propagate(v);
      return Array.isArray(v) ? v : [v];
    },
  },

  createarray: { acceptsUnknown: true, impl: (args) => args.slice() },

  createobject: {
    acceptsUnknown: true,
    impl: (args) => {
      if (args.length % 2 !== 0) fail("The template function 'createObject' expects an even number of arguments");
      const o: ValueObject = {};
      for (let i = 0; i < args.length; i += 2) {
        const k = args[i];
        if (k instanceof Unknown) return propagate(k);
        defineKey(o, requireString(k, 'createObject', i), args[i + 1]);
      }
      return o;
    },
  },

  contains: {
    minArgs: 2, maxArgs: 2, acceptsUnknown: true,
    impl: ([c, item]) => {
      if (c instanceof Unknown) {
        // A partially known string contains any substring of its known pieces.
        if (c.parts && typeof item === 'string' && c.parts.some((p) => p !== null && p.includes(item))) return true;
        return propagate(c);
      }
      if (typeof c === 'string') {
        if (item instanceof Unknown) return propagate(item);
        const s = typeof item === 'number' ? numberToString(item) : requireString(item, 'contains', 1);
        return c.includes(s);
      }
      if (Array.isArray(c)) return arrayContains(c, item);
      if (isObject(c)) {
        if (item instanceof Unknown) return propagate(item);
        const key = typeof item === 'number' ? numberToString(item) : requireString(item, 'contains', 1);
        return findKey(c, key) !== undefined;
      }
      fail(`The template function 'contains' expects an Array, Object or String; it is ${typeName(c)}`);
    },
  },

  empty: {
    minArgs: 1, maxArgs: 1, acceptsUnknown: true,
    impl: ([v]) => {
      if (v instanceof Unknown) {
        if (v.parts && v.parts.some((p) => p !== null && p.length > 0)) return false;
        return propagate(v);
      }
      if (v === null) return true;
      if (typeof v === 'string' || Array.isArray(v)) return v.length === 0;
      if (isObject(v)) return Object.keys(v).length === 0;
      fail(`The template function 'empty' expects an Array, Object or String; it is ${typeName(v)}`);
    },
  },

  first: {
    minArgs: 1, maxArgs: 1, acceptsUnknown: true,
    impl: ([v]) => {
      if (v instanceof Unknown) {
        const p0 = v.parts?.[0];
        if (typeof p0 === 'string' && p0.length > 0) return p0[0];
        return propagate(v);
      }
      if (Array.isArray(v)) return v.length ? v[0] : null;
      if (typeof v === 'string') return v.length ? v[0] : '';
      fail(`The template function 'first' expects an Array or String; it is ${typeName(v)}`);
    },
  },

  last: {
    minArgs: 1, maxArgs: 1, acceptsUnknown: true,
    impl: ([v]) => {
      if (v instanceof Unknown) {
        const pl = v.parts?.[v.parts.length - 1];
        if (typeof pl === 'string' && pl.length > 0) return pl[pl.length - 1];
        return propagate(v);
      }
      if (Array.isArray(v)) return v.length ? v[v.length - 1] : null;
      if (typeof v === 'string') return v.length ? v[v.length - 1] : '';
      fail(`The template function 'last' expects an Array or String; it is ${typeName(v)}`);
    },
  },

  indexof: { minArgs: 2, maxArgs: 2, acceptsUnknown: true, impl: ([c, item]) => indexOf(c, item, false) },
  lastindexof: { minArgs: 2, maxArgs: 2, acceptsUnknown: true, impl: ([c, item]) => indexOf(c, item, true) },

  length: {
    minArgs: 1, maxArgs: 1,
    impl: ([v]) => {
      if (typeof v === 'string' || Array.isArray(v)) return v.length;
      if (isObject(v)) return Object.keys(v).length;
      fail(`The template function 'length' expects an Array, Object or String; it is ${typeName(v)}`);
    },
  },

  skip: {
    minArgs: 2, maxArgs: 2,
    impl: ([v, n]) => {
      const k = Math.max(0, requireInt(n, 'skip', 1));
      if (typeof v === 'string' || Array.isArray(v)) return v.slice(k);
      fail(`The template function 'skip' expects an Array or String; it is ${typeName(v)}`);
    },
  },

  take: {
    minArgs: 2, maxArgs: 2,
    impl: ([v, n]) => {
      const k = Math.max(0, requireInt(n, 'take', 1));
      if (typeof v === 'string' || Array.isArray(v)) return v.slice(0, k);
      fail(`The template function 'take' expects an Array or String; it is ${typeName(v)}`);
    },
  },

  union: { minArgs: 1, impl: (args) => union(args) },
  intersection: { minArgs: 1, impl: (args) => intersection(args) },

  items: {
    minArgs: 1, maxArgs: 1,
    impl: ([v]) => {
      const o = requireObject(v, 'items', 0);
      return sortedKeys(o).map((k) => ({ key: k, value: o[k] }));
    },
  },

  objectkeys: { minArgs: 1, maxArgs: 1, impl: ([v]) => Object.keys(requireObject(v, 'objectKeys', 0)) },

  shallowmerge: {
    minArgs: 1, maxArgs: 1,
    impl: ([v]) => {
      const arr = requireArray(v, 'shallowMerge', 0);
      const out: ValueObject = {};
      for (const e of arr) {
        if (e instanceof Unknown) return propagate(e);
        if (e === null) continue;
        const o = requireObject(e, 'shallowMerge', 0);
        for (const k of Object.keys(o)) defineKey(out, findKey(out, k) ?? k, o[k]);
      }
      return out;
    },
  },

  flatten: {
    minArgs: 1, maxArgs: 1,
    impl: ([v]) => {
      const arr = requireArray(v, 'flatten', 0);
      const out: Value[] = [];
      for (const e of arr) {
        if (e instanceof Unknown) return propagate(e);
        if (!Array.isArray(e)) fail(`The template function 'flatten' expects an array of arrays; found ${typeName(e)}`);
        out.push(...e);
        if (out.length > MAX_ARRAY) fail('flatten: result is too large');
      }
      return out;
    },
  },

  json: {
    minArgs: 1, maxArgs: 1,
    impl: ([v]) => parseLenientJson(requireString(v, 'json', 0)),
  },

  null: { maxArgs: 0, impl: () => null },

  range: {
    minArgs: 2, maxArgs: 2,
    impl: ([s, c]) => {
      const start = requireInt(s, 'range', 0);
      const count = requireInt(c, 'range', 1);
      if (count < 0) fail("The template function 'range' expects a non-negative count");
      if (count > 10000) fail("The template function 'range' count can't exceed 10000");
      if (start + count > 2147483647) fail("The template function 'range': the sum of start and count can't exceed 2147483647");
      return Array.from({ length: count }, (_, i) => start + i);
    },
  },

  tryget: {
    minArgs: 2, acceptsUnknown: true,
    impl: (args) => {
      let cur: Value = args[0];
      for (let i = 1; i < args.length; i++) {
        if (cur instanceof Unknown) return propagate(cur);
        const k = args[i];
        if (k instanceof Unknown) return propagate(k);
        if (cur === null) return null;
        if (Array.isArray(cur)) {
          if (typeof k !== 'number' || !Number.isInteger(k)) fail("The template function 'tryGet' expects an integer index for an array");
          cur = k >= 0 && k < cur.length ? cur[k] : null;
        } else if (isObject(cur)) {
          const key = requireString(k, 'tryGet', i);
          const real = findKey(cur, key);
          // An open object (a resource's runtime state) may hold the key: its lookup says what is known.
          cur = real !== undefined ? cur[real] : openLookup(cur)?.(key) ?? null;
        } else {
          fail(`The template function 'tryGet' expects an Array or Object; it is ${typeName(cur)}`);
        }
      }
      return cur;
    },
  },

  indexfromend: {
    minArgs: 2, maxArgs: 2,
    impl: ([a, n]) => {
      const arr = requireArray(a, 'indexFromEnd', 0);
      const k = requireInt(n, 'indexFromEnd', 1);
      if (k < 1 || k > arr.length) fail(`The index ^${k} is out of range for an array of length ${arr.length}`);
      return arr[arr.length - k];
    },
  },

  tryindexfromend: {
    minArgs: 2, maxArgs: 2,
    impl: ([a, n]) => {
      if (a === null) return null;
      const arr = requireArray(a, 'tryIndexFromEnd', 0);
      const k = requireInt(n, 'tryIndexFromEnd', 1);
      return k >= 1 && k <= arr.length ? arr[arr.length - k] : null;
    },
  },
};

/** Sort object keys as ARM does for items(): case-insensitive, then ordinal. */
export function sortedKeys(o: ValueObject): string[] {
  return Object.keys(o).sort((a, b) => {
    const la = a.toLowerCase(), lb = b.toLowerCase();
    if (la !== lb) return la < lb ? -1 : 1;
    return a < b ? -1 : a > b ? 1 : 0;
  });
}

/**
 * Index of `item` in `arr` by deep equality. Returns -2 when an undecidable comparison (Unknown values)
 * comes before any match, -1 when surely absent.
 */
function arrayIndexOf(arr: readonly Value[], item: Value, fromEnd: boolean): number {
  let undecided = false;
  const n = arr.length;
  for (let j = 0; j < n; j++) {
    const i = fromEnd ? n - 1 - j : j;
    const r = deepEquals(arr[i], item);
    if (r === true) return undecided ? -2 : i;
    if (r === undefined) undecided = true;
  }
  return undecided ? -2 : -1;
}

function arrayContains(arr: readonly Value[], item: Value): Value {
  // contains(): true as soon as some element surely matches, even after undecidable ones.
  let firstUnknown: Unknown | undefined;
  for (const e of arr) {
    const r = deepEquals(e, item);
    if (r === true) return true;
    if (r === undefined) firstUnknown ??= (e instanceof Unknown ? e : item instanceof Unknown ? item : undefined) ?? new Unknown('array elements are not fully known');
  }
  return firstUnknown ? propagate(firstUnknown) : false;
}

function indexOf(c: Value, item: Value, fromEnd: boolean): Value {
  const fn = fromEnd ? 'lastIndexOf' : 'indexOf';
  if (c instanceof Unknown) return propagate(c);
  if (typeof c === 'string') {
    if (item instanceof Unknown) return propagate(item);
    const s = requireString(item, fn, 1).toLowerCase();
    const h = c.toLowerCase();
    return fromEnd ? h.lastIndexOf(s) : h.indexOf(s);
  }
  if (Array.isArray(c)) {
    const i = arrayIndexOf(c, item, fromEnd);
    if (i === -2) {
      const u = (item instanceof Unknown ? item : c.find((e): e is Unknown => e instanceof Unknown)) ?? new Unknown('array elements are not fully known');
      return propagate(u);
    }
    return i;
  }
  fail(`The template function '${fn}' expects an Array or String; it is ${typeName(c)}`);
}

function union(args: Value[]): Value {
  const present = args.filter((a) => a !== null);
  if (present.length === 0) return null;
  if (present.every(Array.isArray)) {
    // Set union: equal known elements are kept once; Unknown elements are kept (they may duplicate).
    // Known elements are hashed by their canonical form: deepEquals is true exactly for equal keys.
    const out: Value[] = [];
    const seen = new Set<string>();
    for (const arr of present as Value[][]) {
      for (const e of arr) {
        const key = canonicalKey(e);
        if (key !== undefined) {
          if (seen.has(key)) continue;
          seen.add(key);
        }
        out.push(e);
        if (out.length > MAX_ARRAY) fail('union: result is too large');
      }
    }
    return out;
  }
  if (present.every(isObject)) {
    let out: ValueObject = {};
    for (const o of present as ValueObject[]) out = mergeObjects(out, o, 0);
    return out;
  }
  fail("The template function 'union' expects all arguments to be arrays or all to be objects");
}

/** union() on objects: later values win; nested objects are merged recursively, arrays replaced. */
function mergeObjects(a: ValueObject, b: ValueObject, depth: number): ValueObject {
  const out: ValueObject = {};
  for (const k of Object.keys(a)) defineKey(out, k, a[k]);
  for (const k of Object.keys(b)) {
    const existing = findKey(out, k);
    const bv = b[k];
    if (existing !== undefined) {
      const av = out[existing];
      out[existing] = isObject(av) && isObject(bv) && depth < 100 ? mergeObjects(av, bv, depth + 1) : bv;
    } else {
      defineKey(out, k, bv);
    }
  }
  return out;
}

function intersection(args: Value[]): Value {
  if (args.every(Array.isArray)) {
    const [first, ...rest] = args as Value[][];
    const out: Value[] = [];
    for (const e of first) {
      if (out.some((x) => deepEquals(x, e) === true)) continue;
      let inAll: boolean | undefined = true;
      for (const other of rest) {
        const i = arrayIndexOf(other, e, false);
        if (i === -1) { inAll = false; break; }
        if (i === -2) inAll = undefined;
      }
      if (inAll === undefined) return new Unknown('intersection of arrays with unknown elements');
      if (inAll) out.push(e);
    }
    return out;
  }
  if (args.every(isObject)) {
    const [first, ...rest] = args as ValueObject[];
    const out: ValueObject = {};
    for (const k of Object.keys(first)) {
      let inAll: boolean | undefined = true;
      for (const other of rest) {
        const ok = findKey(other, k);
        if (ok === undefined) { inAll = false; break; }
        const r = deepEquals(first[k], other[ok]);
        if (r === false) { inAll = false; break; }
        if (r === undefined) inAll = undefined;
      }
      if (inAll === undefined) return new Unknown('intersection of objects with unknown values');
      if (inAll) defineKey(out, k, first[k]);
    }
    return out;
  }
  fail("The template function 'intersection' expects all arguments to be arrays or all to be objects");
}
