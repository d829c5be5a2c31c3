// Values produced by evaluating template expressions. `Unknown` is explicit: a value
// that cannot be known statically (reference(), a parameter with no value, ...) is
// never replaced by a guess.

export type Value = null | boolean | number | string | Value[] | ValueObject | Unknown | Lambda;
export interface ValueObject { [key: string]: Value }

export class Unknown {
  constructor(
    /** Human-readable reason, e.g. "parameter 'x' has no default value". */
    readonly reason: string,
    /** Name of the parameter that could not be resolved, when that is the cause. */
    readonly parameter?: string,
    /**
     * For a string only partly known: its pieces in order, `null` standing for an unknown piece.
     * `format('{0}.blob.{1}', parameters('sa'), 'core.windows.net')` with `sa` unknown is
     * `[null, '.blob.', 'core.windows.net']`, enough to tell a host name from a wildcard.
     */
    readonly parts?: readonly (string | null)[],
    /** Set when a size or step limit of the analysis, not the template, made the value unknown. */
    readonly limit?: boolean,
  ) {}
}

/** A lambda value (ARM `lambda(...)`, Bicep `x => ...`), applied by filter/map/reduce/... */
export class Lambda {
  constructor(readonly params: string[], readonly apply: (args: Value[]) => Value) {}
}

export function isUnknown(v: unknown): v is Unknown {
  return v instanceof Unknown;
}

export function isObject(v: Value | undefined): v is ValueObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Unknown) && !(v instanceof Lambda);
}

/**
 * Marks an object whose other properties exist only at deployment (a resource's runtime state), or are read
 * on demand: reading a property it does not have asks this function, instead of failing with "property
 * doesn't exist". It returns the value (a declared setting) or an Unknown.
 */
export const OPEN_OBJECT: unique symbol = Symbol('open object');

export type OpenLookup = (name: string) => Value;

/** The lookup stored by `OPEN_OBJECT`, when the object is open. */
export function openLookup(obj: ValueObject): OpenLookup | undefined {
  return (obj as { [OPEN_OBJECT]?: OpenLookup })[OPEN_OBJECT];
}

/** ARM property names are case-insensitive. */
export function getProperty(obj: ValueObject, name: string): Value | undefined {
  if (Object.prototype.hasOwnProperty.call(obj, name)) return obj[name];
  const lower = name.toLowerCase();
  for (const key of Object.keys(obj)) if (key.toLowerCase() === lower) return obj[key];
  return undefined;
}
