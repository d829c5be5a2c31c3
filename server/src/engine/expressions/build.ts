// Builds expression trees in code (for fixes that write expressions): no source text, so empty spans.
// Strings passed as arguments are string literals, so names need no quoting or escaping by the caller.

import type { Expr } from './ast';

type Arg = Expr | string | number | boolean;

const noSpan = () => ({ start: 0, end: 0 });

function literal(a: Arg): Expr {
  if (typeof a === 'string') return { kind: 'string', value: a, span: noSpan() };
  if (typeof a === 'number') return { kind: 'number', value: a, span: noSpan() };
  if (typeof a === 'boolean') return { kind: 'boolean', value: a, span: noSpan() };
  return a;
}

/** `name(args)`. */
export function call(name: string, ...args: Arg[]): Expr {
  return { kind: 'call', name, args: args.map(literal), span: noSpan(), nameSpan: noSpan() };
}

/** `target.a.b…`. */
export function prop(target: Expr, ...names: string[]): Expr {
  return names.reduce<Expr>((t, name) => ({ kind: 'property', target: t, name, safe: false, span: noSpan(), nameSpan: noSpan() }), target);
}

export const param = (name: string): Expr => call('parameters', name);
export const variable = (name: string): Expr => call('variables', name);
