// Value nodes shared by the format readers.

import { getProperty, isObject, type Value } from './expressions/value';
import type { Loc, ValueNode } from './model';

/** A value computed by an expression: located at the expression, not editable inside. */
export function derived(value: Value | undefined, loc: Loc): ValueNode | undefined {
  if (value === undefined) return undefined;
  return {
    value,
    loc,
    literal: false,
    member: (name) => (isObject(value) ? derived(getProperty(value, name), loc) : undefined),
    items: () => (Array.isArray(value) ? value.map((v) => derived(v, loc)!) : undefined),
  };
}
