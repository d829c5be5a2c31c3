// Lambda functions ("Lambda functions for ARM templates"), in the form Bicep emits them:
// `map(arr, lambda('x', <body using lambdaVariables('x')>))`.

import { Lambda, Unknown, type Value, type ValueObject } from '../value';
import { defineKey, fail, findKey, propagate, requireArray, requireObject, requireString, typeName } from './helpers';
import type { FunctionTable } from './types';

function requireLambda(v: Value, fn: string, pos: number): Lambda {
  if (!(v instanceof Lambda)) fail(`The template function '${fn}' expects a lambda as argument ${pos + 1}; found ${typeName(v)}`);
  return v;
}

function apply(l: Lambda, args: Value[]): Value {
  return l.apply(args.slice(0, Math.max(1, l.params.length)));
}

export const lambdaFunctions: FunctionTable = {
  lambda: {
    minArgs: 1, lazy: true,
    impl: (_args, call) => {
      const n = call.args.length;
      const names: string[] = [];
      for (let i = 0; i < n - 1; i++) {
        const v = call.arg(i);
        if (v instanceof Unknown) return propagate(v);
        names.push(requireString(v, 'lambda', i));
      }
      const body = call.args[n - 1];
      const outer = call.env.lambdaVars;
      return new Lambda(names, (vals) => {
        const vars = new Map<string, Value>(outer ?? []);
        names.forEach((name, i) => vars.set(name, i < vals.length ? vals[i] : null));
        return call.evaluate(body, { ...call.env, lambdaVars: vars });
      });
    },
  },

  lambdavariables: {
    minArgs: 1, maxArgs: 1,
    impl: ([nameV], call) => {
      const name = requireString(nameV, 'lambdaVariables', 0);
      const vars = call.env.lambdaVars;
      if (vars) {
        if (vars.has(name)) return vars.get(name)!;
        const lower = name.toLowerCase();
        for (const [k, v] of vars) if (k.toLowerCase() === lower) return v;
      }
      fail(`The lambda variable '${name}' is not defined`);
    },
  },

  map: {
    minArgs: 2, maxArgs: 2,
    impl: ([a, l]) => {
      const arr = requireArray(a, 'map', 0);
      const lam = requireLambda(l, 'map', 1);
      return arr.map((e, i) => apply(lam, [e, i]));
    },
  },

  filter: {
    minArgs: 2, maxArgs: 2,
    impl: ([a, l]) => {
      const arr = requireArray(a, 'filter', 0);
      const lam = requireLambda(l, 'filter', 1);
      const out: Value[] = [];
      for (let i = 0; i < arr.length; i++) {
        const keep = apply(lam, [arr[i], i]);
        if (keep instanceof Unknown) return propagate(keep);
        if (typeof keep !== 'boolean') fail(`The filter lambda must return a Boolean; it returned ${typeName(keep)}`);
        if (keep) out.push(arr[i]);
      }
      return out;
    },
  },

  reduce: {
    minArgs: 3, maxArgs: 3, acceptsUnknown: true,
    impl: ([a, init, l]) => {
      if (a instanceof Unknown) return propagate(a);
      const arr = requireArray(a, 'reduce', 0);
      const lam = requireLambda(l, 'reduce', 2);
      let acc: Value = init;
      for (let i = 0; i < arr.length; i++) acc = lam.apply([acc, arr[i], i].slice(0, Math.max(2, lam.params.length)));
      return acc;
    },
  },

  sort: {
    minArgs: 2, maxArgs: 2,
    impl: ([a, l]) => {
      const arr = requireArray(a, 'sort', 0);
      const lam = requireLambda(l, 'sort', 1);
      let unknown: Unknown | undefined;
      const before = (x: Value, y: Value): boolean => {
        if (unknown) return false;
        const r = lam.apply([x, y]);
        if (r instanceof Unknown) { unknown = r; return false; }
        if (typeof r !== 'boolean') fail(`The sort lambda must return a Boolean; it returned ${typeName(r)}`);
        return r;
      };
      const sorted = arr.slice().sort((x, y) => (before(x, y) ? -1 : before(y, x) ? 1 : 0));
      if (unknown) return propagate(unknown);
      return sorted;
    },
  },

  toobject: {
    minArgs: 2, maxArgs: 3,
    impl: ([a, kl, vl]) => {
      const arr = requireArray(a, 'toObject', 0);
      const keyLam = requireLambda(kl, 'toObject', 1);
      const valLam = vl === undefined ? undefined : requireLambda(vl, 'toObject', 2);
      const out: ValueObject = {};
      for (const e of arr) {
        const k = keyLam.apply([e]);
        if (k instanceof Unknown) return propagate(k);
        const key = requireString(k, 'toObject', 1);
        const value = valLam ? valLam.apply([e]) : e;
        defineKey(out, findKey(out, key) ?? key, value);
      }
      return out;
    },
  },

  groupby: {
    minArgs: 2, maxArgs: 3,
    impl: ([a, kl, vl]) => {
      const arr = requireArray(a, 'groupBy', 0);
      const keyLam = requireLambda(kl, 'groupBy', 1);
      const valLam = vl === undefined ? undefined : requireLambda(vl, 'groupBy', 2);
      const out: ValueObject = {};
      for (const e of arr) {
        const k = keyLam.apply([e]);
        if (k instanceof Unknown) return propagate(k);
        const key = requireString(k, 'groupBy', 1);
        const real = findKey(out, key);
        const value = valLam ? valLam.apply([e]) : e;
        if (real === undefined) defineKey(out, key, [value]);
        else (out[real] as Value[]).push(value);
      }
      return out;
    },
  },

  mapvalues: {
    minArgs: 2, maxArgs: 2,
    impl: ([o, l]) => {
      const obj = requireObject(o, 'mapValues', 0);
      const lam = requireLambda(l, 'mapValues', 1);
      const out: ValueObject = {};
      for (const k of Object.keys(obj)) defineKey(out, k, lam.apply([obj[k]]));
      return out;
    },
  },
};
