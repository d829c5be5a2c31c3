// Value nodes shared by the format readers.

import { getProperty, isObject, type Value } from './expressions/value';
import type { Loc, Origin, ValueNode } from './model';

/**
 * What the ARM and Bicep value nodes share: the value and the origin are computed once, on first use; a member or
 * item not written literally is read through the origin (a parameter default, a caller's value), else from the value.
 */
export abstract class LazyValueNode implements ValueNode {
  private evaluated: { value: Value } | undefined;
  private resolvedOrigin: { origin?: Origin } | undefined;

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
    this.evaluated ??= { value: this.computeValue() };
    return this.evaluated.value;
  }

  get origin(): Origin | undefined {
    this.resolvedOrigin ??= { origin: this.findOrigin() };
    return this.resolvedOrigin.origin;
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
