// The part of the Azure Policy language the generated definitions use, evaluated locally on a resource
// as ARM sends it to policy. Values unknown before deployment make a condition 'unknown' instead of a
// guess: the agreement test must see where the linter and policy cannot be compared.

import { parseTemplateString } from '../engine/expressions/parser';
import type { Expr } from '../engine/expressions/ast';
import { getProperty, isObject, isUnknown, Unknown, type Value } from '../engine/expressions/value';
import { fitsPieces } from '../engine/graph/ids';
import { ALIAS_PATHS } from './aliases';
import type { Json } from './definitions';

/** Three-valued: `'unknown'` when the outcome depends on a value known only at deployment. */
export type Truth = boolean | 'unknown';

/** A resource as ARM sends it to policy: values may be Unknown where the template cannot tell. */
export interface PolicyResource {
  readonly type: string;
  readonly name: Value;
  readonly kind?: Value;
  readonly location?: Value;
  readonly tags?: Value;
  readonly properties?: Value;
}

export interface Verdict {
  /** Whether the rule's `if` holds; true means the effect applies. */
  readonly matched: Truth;
  readonly effect: string;
  /** Non-compliant (an Audit or Deny effect applies), compliant, or not known before deployment. */
  readonly nonCompliant: Truth;
}

/** Evaluates a definition's policyRule on a resource with the given parameter values (defaults fill the rest). */
export function evaluatePolicy(
  definition: { readonly properties: { readonly parameters?: Readonly<Record<string, object>>; readonly policyRule: { readonly if: Json; readonly then: { readonly effect: string } } } },
  resource: PolicyResource,
  parameters: Readonly<Record<string, Json>> = {},
): Verdict {
  const values: Record<string, Json> = {};
  for (const [name, spec] of Object.entries(definition.properties.parameters ?? {})) {
    const fallback = (spec as { defaultValue?: Json }).defaultValue;
    if (fallback !== undefined) values[name] = fallback;
  }
  Object.assign(values, parameters);
  const scope: Scope = { resource, parameters: values, current: new Map() };
  const matched = condition(definition.properties.policyRule.if, scope);
  const effect = expression(definition.properties.policyRule.then.effect, scope);
  if (typeof effect !== 'string') throw new Error(`the effect must be a string, not ${JSON.stringify(effect)}`);
  const applies = ['audit', 'deny'].includes(effect.toLowerCase());
  return { matched, effect, nonCompliant: applies ? matched : false };
}

interface Scope {
  readonly resource: PolicyResource;
  readonly parameters: Readonly<Record<string, Json>>;
  /** `current()` values: the count's `name` for a value count, the alias for a field count. */
  readonly current: ReadonlyMap<string, Value>;
}

const OPERATORS = ['equals', 'notEquals', 'in', 'notIn', 'exists', 'contains', 'notContains', 'like', 'notLike', 'greater', 'greaterOrEquals', 'less', 'lessOrEquals'] as const;
type Operator = typeof OPERATORS[number];

function isJsonObject(v: Json): v is { [key: string]: Json } {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function condition(c: Json, scope: Scope): Truth {
  if (!isJsonObject(c)) throw new Error(`a condition must be an object: ${JSON.stringify(c)}`);
  if ('allOf' in c) return and((list(c.allOf, 'allOf')).map((x) => condition(x, scope)));
  if ('anyOf' in c) return or((list(c.anyOf, 'anyOf')).map((x) => condition(x, scope)));
  if ('not' in c) return not(condition(c.not, scope));
  const op = operatorOf(c);
  if ('count' in c) return compareCount(count(c.count, scope), op, expression(c[op], scope));
  if ('field' in c) return compare(field(expression(c.field, scope), scope), op, expression(c[op], scope));
  if ('value' in c) return compare(present(expression(c.value, scope)), op, expression(c[op], scope));
  throw new Error(`unsupported condition: ${JSON.stringify(c)}`);
}

function list(v: Json, name: string): Json[] {
  if (!Array.isArray(v)) throw new Error(`${name} must be an array`);
  return v;
}

function operatorOf(c: Record<string, Json>): Operator {
  const ops = OPERATORS.filter((op) => op in c);
  if (ops.length !== 1) throw new Error(`a condition needs exactly one operator (${OPERATORS.join(', ')}): ${JSON.stringify(c)}`);
  return ops[0];
}

function and(values: Truth[]): Truth {
  if (values.includes(false)) return false;
  return values.every((v) => v === true) ? true : 'unknown';
}

function or(values: Truth[]): Truth {
  if (values.includes(true)) return true;
  return values.every((v) => v === false) ? false : 'unknown';
}

function not(v: Truth): Truth {
  return v === 'unknown' ? v : !v;
}

// ---------------------------------------------------------------------------------------------
// Fields

/** A field's state: absent, present with a value (maybe Unknown), or presence itself unknown. */
type Lookup = { readonly state: 'missing' } | { readonly state: 'present'; readonly value: Value } | { readonly state: 'unknown' };

const MISSING: Lookup = { state: 'missing' };
const UNKNOWN_PRESENCE: Lookup = { state: 'unknown' };

function present(value: Value): Lookup {
  return { state: 'present', value };
}

function field(name: Value, scope: Scope): Lookup {
  if (typeof name !== 'string') throw new Error(`a field name must be a string: ${JSON.stringify(name)}`);
  const lower = name.toLowerCase();
  const { resource } = scope;
  switch (lower) {
    case 'type': return present(resource.type);
    case 'name': return present(resource.name);
    case 'kind': return resource.kind === undefined ? MISSING : present(resource.kind);
    case 'location': return resource.location === undefined ? MISSING : present(resource.location);
    case 'tags': return resource.tags === undefined ? MISSING : present(resource.tags);
    default: break;
  }
  const tag = /^tags(?:\[['"]?(.+?)['"]?\]|\.(.+))$/i.exec(name);
  if (tag) return walk(resource.tags === undefined ? MISSING : present(resource.tags), [tag[1] ?? tag[2]]);
  const path = ALIAS_PATHS.get(lower);
  if (!path) throw new Error(`unknown field or alias '${name}'`);
  const star = path.indexOf('*');
  if (star < 0) return walk(present({ properties: resource.properties ?? MISSING_VALUE } as Value), path);
  // Inside a count over this alias, the field is the current element.
  const current = scope.current.get(lower);
  if (current === undefined) throw new Error(`'${name}' is only supported inside a count over it`);
  return walk(present(current), path.slice(star + 1));
}

/** Stands for an absent `properties` while walking, so that it reads as missing. */
const MISSING_VALUE = new Unknown('missing');

function walk(start: Lookup, path: readonly string[]): Lookup {
  let at = start;
  for (const key of path) {
    if (at.state !== 'present') return at;
    const v = at.value;
    if (v === MISSING_VALUE) return MISSING;
    if (isUnknown(v)) return UNKNOWN_PRESENCE;
    if (!isObject(v)) return MISSING;
    const next = getProperty(v, key);
    at = next === undefined || next === MISSING_VALUE ? MISSING : present(next);
  }
  return at;
}

/** The array a `[*]` alias counts over: its state, and the elements when known. */
function arrayOf(alias: string, scope: Scope): { state: 'missing' | 'unknown' } | { state: 'present'; items: readonly Value[] } {
  const path = ALIAS_PATHS.get(alias.toLowerCase());
  const star = path?.indexOf('*') ?? -1;
  if (!path || star < 0) throw new Error(`count.field must be a [*] alias: '${alias}'`);
  const at = walk(present({ properties: scope.resource.properties ?? MISSING_VALUE } as Value), path.slice(0, star));
  if (at.state !== 'present') return { state: at.state };
  if (isUnknown(at.value)) return { state: 'unknown' };
  // A value that is not an array has no members to count.
  return Array.isArray(at.value) ? { state: 'present', items: at.value } : { state: 'missing' };
}

// ---------------------------------------------------------------------------------------------
// Counts: [lowest, highest] possible count, so that unknown members still allow a verdict.

type Range = readonly [number, number];

function count(spec: Json, scope: Scope): Range {
  if (!isJsonObject(spec)) throw new Error('count must be an object');
  let items: readonly Value[];
  let bind: (item: Value) => Scope;
  if (typeof spec.field === 'string') {
    const array = arrayOf(spec.field, scope);
    if (array.state !== 'present') return array.state === 'missing' ? [0, 0] : [0, Infinity];
    items = array.items;
    const key = spec.field.toLowerCase();
    bind = (item) => ({ ...scope, current: new Map([...scope.current, [key, item]]) });
  } else if ('value' in spec) {
    const value = expression(spec.value, scope);
    if (isUnknown(value)) return [0, Infinity];
    if (!Array.isArray(value)) throw new Error('count.value must be an array');
    items = value;
    const key = typeof spec.name === 'string' ? spec.name.toLowerCase() : '';
    bind = (item) => ({ ...scope, current: new Map([...scope.current, [key, item]]) });
  } else {
    throw new Error('count needs field or value');
  }
  if (spec.where === undefined) return [items.length, items.length];
  let yes = 0;
  let maybe = 0;
  for (const item of items) {
    const t = condition(spec.where, bind(item));
    if (t === true) yes++;
    else if (t === 'unknown') maybe++;
  }
  return [yes, yes + maybe];
}

function compareCount([low, high]: Range, op: Operator, expected: Value): Truth {
  if (typeof expected !== 'number') throw new Error(`a count is compared with a number, not ${JSON.stringify(expected)}`);
  const n = expected;
  // [all counts in the range satisfy it, none does]
  let all: boolean;
  let none: boolean;
  switch (op) {
    case 'equals': all = low === n && high === n; none = n < low || n > high; break;
    case 'notEquals': all = n < low || n > high; none = low === n && high === n; break;
    case 'greater': all = low > n; none = high <= n; break;
    case 'greaterOrEquals': all = low >= n; none = high < n; break;
    case 'less': all = high < n; none = low >= n; break;
    case 'lessOrEquals': all = high <= n; none = low > n; break;
    default: throw new Error(`unsupported operator for a count: ${op}`);
  }
  return all ? true : none ? false : 'unknown';
}

// ---------------------------------------------------------------------------------------------
// Comparisons (strings compare case-insensitively, as in Azure Policy)

function compare(at: Lookup, op: Operator, expected: Value): Truth {
  if (op === 'exists') {
    const want = expected === true || (typeof expected === 'string' && expected.toLowerCase() === 'true');
    if (at.state === 'unknown') return 'unknown';
    return (at.state === 'present') === want;
  }
  if (at.state === 'unknown') return 'unknown';
  // An absent field fails every positive comparison and passes every negative one.
  if (at.state === 'missing') return op.startsWith('not');
  const v = at.value;
  switch (op) {
    case 'equals': return same(v, expected);
    case 'notEquals': return not(same(v, expected));
    case 'in': return member(v, expected);
    case 'notIn': return not(member(v, expected));
    case 'contains': return contains(v, expected);
    case 'notContains': return not(contains(v, expected));
    case 'like': return like(v, expected);
    case 'notLike': return not(like(v, expected));
    default: return ordered(v, op, expected);
  }
}

function same(a: Value, b: Value): Truth {
  if (isUnknown(a) || isUnknown(b)) return 'unknown';
  if (typeof a === 'string' && typeof b === 'string') return a.toLowerCase() === b.toLowerCase();
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length ? and(a.map((x, i) => same(x, b[i]))) : false;
  if (isObject(a) && isObject(b)) {
    const keys = Object.keys(a);
    if (keys.length !== Object.keys(b).length) return false;
    return and(keys.map((k) => { const other = getProperty(b, k); return other === undefined ? false : same(a[k], other); }));
  }
  return a === b;
}

function member(v: Value, set: Value): Truth {
  if (isUnknown(set)) return 'unknown';
  if (!Array.isArray(set)) throw new Error('in / notIn need an array');
  return or(set.map((x) => same(v, x)));
}

function contains(v: Value, needle: Value): Truth {
  if (typeof needle !== 'string') throw new Error('contains needs a string');
  const n = needle.toLowerCase();
  if (typeof v === 'string') return v.toLowerCase().includes(n);
  if (isUnknown(v)) {
    // A partly known string: a known piece may already contain the needle.
    if (v.parts?.some((p) => p !== null && p.toLowerCase().includes(n))) return true;
    return 'unknown';
  }
  return false;
}

/** `like`: the whole value matches, `*` standing for any text; case-insensitive. */
function like(v: Value, pattern: Value): Truth {
  if (isUnknown(v) || isUnknown(pattern)) return 'unknown';
  if (typeof pattern !== 'string') throw new Error('like needs a string pattern');
  if (typeof v !== 'string') return false;
  return likeMatches(pattern, v);
}

/** Whether `text` matches a `like` pattern: `*` for any text, case-insensitive. */
export function likeMatches(pattern: string, text: string): boolean {
  return fitsPieces(pattern.toLowerCase().split('*'), text.toLowerCase());
}

function ordered(v: Value, op: Operator, expected: Value): Truth {
  if (isUnknown(v)) return 'unknown';
  if (typeof v !== typeof expected || (typeof v !== 'number' && typeof v !== 'string')) return false;
  const a = typeof v === 'string' ? v.toLowerCase() : v;
  const b = typeof expected === 'string' ? expected.toLowerCase() : expected as number;
  switch (op) {
    case 'greater': return a > b;
    case 'greaterOrEquals': return a >= b;
    case 'less': return a < b;
    case 'lessOrEquals': return a <= b;
    default: throw new Error(`unsupported operator ${op}`);
  }
}

// ---------------------------------------------------------------------------------------------
// Expressions: "[parameters('x')]", "[current('x')]", "[concat(...)]", "[field('x')]"

function expression(v: Json | undefined, scope: Scope): Value {
  if (v === undefined) throw new Error('missing value');
  if (typeof v !== 'string') return v;
  const parsed = parseTemplateString(v);
  if (parsed.kind === 'literal') return parsed.value;
  if (!parsed.expr || parsed.errors.length) throw new Error(`cannot parse '${v}': ${parsed.errors[0]?.message}`);
  return evaluate(parsed.expr, scope);
}

function evaluate(e: Expr, scope: Scope): Value {
  switch (e.kind) {
    case 'string': case 'number': case 'boolean': return e.value;
    case 'null': return null;
    case 'call': return call(e.name.toLowerCase(), e.args.map((a) => evaluate(a, scope)), scope);
    default: throw new Error(`unsupported expression (${e.kind})`);
  }
}

function call(name: string, args: Value[], scope: Scope): Value {
  switch (name) {
    case 'parameters': {
      const key = String(args[0]);
      const found = Object.keys(scope.parameters).find((k) => k.toLowerCase() === key.toLowerCase());
      if (found === undefined) throw new Error(`parameter '${key}' is not declared`);
      return scope.parameters[found];
    }
    case 'current': {
      const key = args.length ? String(args[0]).toLowerCase() : [...scope.current.keys()].at(-1);
      const value = key === undefined ? undefined : scope.current.get(key);
      if (value === undefined) throw new Error(`current('${args[0] ?? ''}') outside a count that names it`);
      return value;
    }
    case 'concat':
      if (args.some(isUnknown)) return new Unknown('concat of an unknown value');
      return args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join('');
    case 'field': {
      const at = field(args[0], scope);
      return at.state === 'present' ? at.value : at.state === 'missing' ? null : new Unknown('field unknown before deployment');
    }
    default: throw new Error(`unsupported function '${name}' in a policy expression`);
  }
}
