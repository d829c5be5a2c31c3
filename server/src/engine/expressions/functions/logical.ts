// Logical and comparison functions ("Logical functions for ARM templates",
// "Comparison functions for ARM templates").

import { Unknown, type Value } from '../value';
import { compareStrings, deepEquals, fail, propagate, typeName } from './helpers';
import type { CallInfo, FunctionTable } from './types';

export const logicalFunctions: FunctionTable = {
  and: { minArgs: 1, acceptsUnknown: true, impl: (args) => andOr(args, 'and') },
  or: { minArgs: 1, acceptsUnknown: true, impl: (args) => andOr(args, 'or') },

  not: {
    minArgs: 1, maxArgs: 1,
    impl: ([v]) => {
      if (typeof v !== 'boolean') fail(`The template function 'not' expects a Boolean; it is ${typeName(v)}`);
      return !v;
    },
  },

  bool: {
    minArgs: 1, maxArgs: 1,
    impl: ([v]) => {
      if (typeof v === 'boolean') return v;
      if (typeof v === 'number') return v !== 0;
      if (typeof v === 'string') {
        const l = v.trim().toLowerCase();
        if (l === 'true') return true;
        if (l === 'false') return false;
        fail(`The template function 'bool' cannot convert '${v}' to a Boolean`);
      }
      fail(`The template function 'bool' expects a Boolean, Integer or String; it is ${typeName(v)}`);
    },
  },

  true: { maxArgs: 0, impl: () => true },
  false: { maxArgs: 0, impl: () => false },

  if: { minArgs: 3, maxArgs: 3, lazy: true, impl: (_args, call) => ifImpl(call) },

  coalesce: {
    minArgs: 1, lazy: true,
    impl: (_args, call) => {
      // The first non-null value; an Unknown before it makes the result Unknown.
      for (let i = 0; i < call.args.length; i++) {
        const v = call.arg(i);
        // A partially known string is surely not null: it is the result.
        if (v instanceof Unknown) return v.parts ? v : propagate(v);
        if (v !== null) return v;
      }
      return null;
    },
  },

  equals: {
    minArgs: 2, maxArgs: 2, acceptsUnknown: true,
    impl: ([a, b]) => {
      const r = deepEquals(a, b);
      if (r !== undefined) return r;
      return propagate((a instanceof Unknown ? a : b instanceof Unknown ? b : undefined) ?? new Unknown('compared values are not fully known'));
    },
  },

  less: { minArgs: 2, maxArgs: 2, impl: ([a, b]) => compare(a, b, 'less') < 0 },
  lessorequals: { minArgs: 2, maxArgs: 2, impl: ([a, b]) => compare(a, b, 'lessOrEquals') <= 0 },
  greater: { minArgs: 2, maxArgs: 2, impl: ([a, b]) => compare(a, b, 'greater') > 0 },
  greaterorequals: { minArgs: 2, maxArgs: 2, impl: ([a, b]) => compare(a, b, 'greaterOrEquals') >= 0 },
};

function andOr(args: Value[], fn: 'and' | 'or'): Value {
  // and(): any false decides; or(): any true decides — even when other arguments are Unknown.
  const decisive = fn === 'or';
  let unknown: Unknown | undefined;
  for (const a of args) {
    if (a instanceof Unknown) { unknown ??= a; continue; }
    if (typeof a !== 'boolean') fail(`The template function '${fn}' expects Boolean arguments; found ${typeName(a)}`);
    if (a === decisive) return decisive;
  }
  if (unknown) return propagate(unknown);
  return !decisive;
}

function ifImpl(call: CallInfo): Value {
  const cond = call.arg(0);
  if (cond === true) return call.arg(1);
  if (cond === false) return call.arg(2);
  if (cond instanceof Unknown) {
    // Unknown condition: the result is known only when both branches agree.
    const a = call.arg(1);
    const b = call.arg(2);
    if (deepEquals(a, b) === true) return a;
    return propagate(cond);
  }
  fail(`The template function 'if' expects its first argument to be a Boolean; it is ${typeName(cond)}`);
}

function compare(a: Value, b: Value, fn: string): number {
  if (typeof a === 'number' && typeof b === 'number') return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'string' && typeof b === 'string') return compareStrings(a, b);
  fail(`The template function '${fn}' expects two Integers or two Strings; found ${typeName(a)} and ${typeName(b)}`);
}
