// Value nodes shared by the format readers.

import { getProperty, isObject, type Value } from './expressions/value';
import type { Loc, Origin, ValueNode } from './model';

/** Not computed yet (a value may be null, an origin undefined). */
const UNSET: unique symbol = Symbol('unset');

/**
 * What the ARM and Bicep value nodes share: the value and the origin are computed once, on first use; a member or
 * item not written literally is read through the origin (a parameter default, a caller's value), else from the value.
 */
export abstract class LazyValueNode implements ValueNode {
  private evaluated: Value | typeof UNSET = UNSET;
  private resolvedOrigin: Origin | undefined | typeof UNSET = UNSET;

  abstract readonly keyLoc?: Loc;
  abstract get loc(): Loc;
  abstract get literal(): boolean;
  abstract member(name: string): ValueNode | undefined;
  abstract items(): readonly ValueNode[] | undefined;
  /** The value, evaluated (called once). */
  protected abstract computeValue(): Value;
  /** Where the value was set when it flowed in through a parameter or variable (called once). */
  protected abstract findOrigin(): Origin | undefined;

  get value(): Value {
    if (this.evaluated === UNSET) this.evaluated = this.computeValue();
    return this.evaluated;
  }

  get origin(): Origin | undefined {
    if (this.resolvedOrigin === UNSET) this.resolvedOrigin = this.findOrigin();
    return this.resolvedOrigin;
  }

  /** A member of a value that is not an object written here. */
  protected memberThrough(name: string): ValueNode | undefined {
    if (this.origin) return this.origin.node.member(name);
    const value = this.value;
    return isObject(value) ? derived(getProperty(value, name), this.loc) : undefined;
  }

  /** The items of a value that is not an array written here. */
  protected itemsThrough(): readonly ValueNode[] | undefined {
    if (this.origin) return this.origin.node.items();
    const value = this.value;
    return Array.isArray(value) ? value.map((v) => derived(v, this.loc)!) : undefined;
  }
}

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
