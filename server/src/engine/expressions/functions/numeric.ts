// Numeric functions ("Numeric functions for ARM templates").

import { Unknown, type Value } from '../value';
import { fail, propagate, requireInt, typeName } from './helpers';
import type { FunctionTable } from './types';

function num(v: Value, fn: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) fail(`The template function '${fn}' expects Integer arguments; found ${typeName(v)}`);
  return v;
}

function minMax(args: Value[], fn: 'min' | 'max'): Value {
  const values = args.length === 1 && Array.isArray(args[0]) ? args[0] : args;
  if (values.length === 0) fail(`The template function '${fn}' expects at least one value`);
  let best: number | undefined;
  for (const v of values) {
    if (v instanceof Unknown) return propagate(v);
    const n = num(v, fn);
    if (best === undefined || (fn === 'min' ? n < best : n > best)) best = n;
  }
  return best!;
}

export const numericFunctions: FunctionTable = {
  add: { minArgs: 2, maxArgs: 2, impl: ([a, b]) => num(a, 'add') + num(b, 'add') },
  sub: { minArgs: 2, maxArgs: 2, impl: ([a, b]) => num(a, 'sub') - num(b, 'sub') },
  mul: { minArgs: 2, maxArgs: 2, impl: ([a, b]) => num(a, 'mul') * num(b, 'mul') },
  div: {
    minArgs: 2, maxArgs: 2,
    impl: ([a, b]) => {
      const d = num(b, 'div');
      if (d === 0) fail("The template function 'div' cannot divide by zero");
      return Math.trunc(num(a, 'div') / d);
    },
  },
  mod: {
    minArgs: 2, maxArgs: 2,
    impl: ([a, b]) => {
      const d = num(b, 'mod');
      if (d === 0) fail("The template function 'mod' cannot divide by zero");
      return num(a, 'mod') % d;
    },
  },
  int: {
    minArgs: 1, maxArgs: 1,
    impl: ([v]) => {
      if (typeof v === 'number') return Math.trunc(v);
      if (typeof v === 'string' && /^\s*[+-]?\d+\s*$/.test(v)) return Number(v.trim());
      fail(`The template function 'int' cannot convert ${typeof v === 'string' ? `'${v}'` : typeName(v)} to an Integer`);
    },
  },
  float: {
    minArgs: 1, maxArgs: 1,
    impl: ([v]) => {
      if (typeof v === 'number') return v;
      if (typeof v === 'string' && /^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$/.test(v)) return Number(v.trim());
      fail(`The template function 'float' cannot convert ${typeof v === 'string' ? `'${v}'` : typeName(v)} to a Float`);
    },
  },
  min: { minArgs: 1, impl: (args) => minMax(args, 'min') },
  max: { minArgs: 1, impl: (args) => minMax(args, 'max') },

  copyindex: {
    maxArgs: 2,
    impl: (args, call) => {
      let name: string | undefined;
      let offset = 0;
      if (typeof args[0] === 'string') {
        name = args[0];
        if (args.length > 1) offset = requireInt(args[1], 'copyIndex', 1);
      } else if (args.length === 1) {
        offset = requireInt(args[0], 'copyIndex', 0);
      } else if (args.length > 1) {
        fail("The template function 'copyIndex' expects (loopName, offset)");
      }
      const loops = call.env.copyIndexes;
      const key = (name ?? call.env.currentCopy)?.toLowerCase();
      const idx = key !== undefined ? loops?.get(key) : undefined;
      if (idx === undefined) {
        return new Unknown(name
          ? `copyIndex('${name}') depends on the loop iteration (loops are analysed once per declaration)`
          : 'copyIndex() depends on the loop iteration (loops are analysed once per declaration)');
      }
      return idx + offset;
    },
  },
};
