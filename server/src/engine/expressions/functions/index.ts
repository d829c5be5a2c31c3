// The table of ARM built-in functions, keyed by lower-case name (function names are case-insensitive).

import { collectionFunctions } from './collections';
import { deploymentFunctions, listFunction } from './deployment';
import { lambdaFunctions } from './lambda';
import { logicalFunctions } from './logical';
import { numericFunctions } from './numeric';
import { stringFunctions } from './string';
import type { FunctionDef } from './types';

const TABLE = new Map<string, FunctionDef>();
for (const group of [stringFunctions, collectionFunctions, logicalFunctions, numericFunctions, lambdaFunctions, deploymentFunctions]) {
  for (const [name, def] of Object.entries(group)) TABLE.set(name.toLowerCase(), def);
}

/** The built-in function `name` (any casing), or undefined. `list*` functions resolve to an opaque definition. */
export function lookupFunction(name: string): FunctionDef | undefined {
  const lower = name.toLowerCase();
  const def = TABLE.get(lower);
  if (def) return def;
  if (lower.startsWith('list')) return listFunction;
  return undefined;
}

/** Names (lower-case) of all built-in functions with a definition. */
export function builtinFunctionNames(): string[] {
  return [...TABLE.keys()].sort();
}

export type { CallInfo, FunctionDef } from './types';
export * from './helpers';
