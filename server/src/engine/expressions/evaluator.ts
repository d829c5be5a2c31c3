// Partial evaluator of ARM template expressions.
//
// `evaluate` never throws: runtime errors (wrong argument types, missing properties, index out of
// range, unsupported functions, too deep nesting) become `Unknown` values with a reason. Unknown
// propagates through most functions; string-building functions (concat, format, toLower, toUpper,
// join, string, resourceId, ...) keep the known pieces of a string in `Unknown.parts`.

import type { Expr } from './ast';
import type { CloudName } from './environment';
import { lookupFunction, type CallInfo } from './functions';
import { ExprError, UnknownSignal, propagate, typeName } from './functions/helpers';
import { parseTemplateString, type TemplateStringParse } from './parser';
import { Lambda, Unknown, getProperty, isObject, openLookup, type Value, type ValueObject } from './value';

export interface EvalContext {
  /** Value of a template parameter; Unknown when not knowable. */
  parameter(name: string): Value;
  /** Value of a template variable; Unknown when not knowable. */
  variable(name: string): Value;
  /** A user-defined function (`functions` section). `output` is the raw JSON template value of its output. */
  userFunction(namespace: string, name: string): { params: string[]; output: unknown } | undefined;
  cloud: CloudName;
  /**
   * A resource of the deployment as a value, found by symbolic name or resource id: its properties
   * (`reference(x)`) or the whole resource (`reference(x, v, 'Full')`, a Bicep resource symbol).
   * Undefined when the deployment graph does not know it.
   */
  resource?(ref: Value, form: 'full' | 'properties'): Value | undefined;
  /**
   * A Bicep module symbol (`mod.outputs.x`, `mod.name`): its deployment name and outputs, evaluated in
   * the module with the values the caller passes. Undefined when the module's template is not read.
   */
  module?(name: string): Value | undefined;
  /** Why a name the Bicep lowering could not resolve (`unknownSymbol`) has no value here; undefined for the default reason. */
  unknownSymbol?(name: string): string | undefined;
}

/** Lexical state of an evaluation: lambda variables and the iterations of enclosing copy loops. */
export interface EvalEnv {
  readonly lambdaVars?: ReadonlyMap<string, Value>;
  /** Copy loop name (lower case) → current index, for copyIndex('name'). */
  readonly copyIndexes?: ReadonlyMap<string, number>;
  /** Name of the innermost copy loop, for copyIndex() without a name. */
  readonly currentCopy?: string;
}

const EMPTY_ENV: EvalEnv = {};

/** Maximum nesting of evaluations (expression depth, variables referencing variables, user functions). */
export const MAX_EVAL_DEPTH = 1200;

/** Reason of the Unknown produced when evaluation nests too deeply (or the stack runs out). */
export const TOO_DEEP_REASON = 'expression evaluation is nested too deeply';

/** Longest string and largest array/object (counted in elements, nested ones included) one evaluation may build. */
export const MAX_STRING_LENGTH = 1 << 20;
export const MAX_VALUE_ELEMENTS = 1 << 20;
/** Evaluation steps one analysis may take (see `withEvaluationBudget`). */
export const DEFAULT_EVALUATION_STEPS = 5_000_000;

let steps = 0;
let stepBudget = Number.POSITIVE_INFINITY;
let limitEvents = 0;

/**
 * Runs `fn` with a budget of evaluation steps: past it, every evaluation is an Unknown that says so, and the
 * values it affects "cannot be verified". Templates whose values double (`concat(a, a)` through variables)
 * stop here instead of taking minutes and gigabytes.
 */
export function withEvaluationBudget<T>(fn: () => T, maxSteps = DEFAULT_EVALUATION_STEPS): T {
  const saved = [steps, stepBudget];
  steps = 0;
  stepBudget = maxSteps;
  try {
    return fn();
  } finally {
    [steps, stepBudget] = saved;
  }
}

/** How many times a size or step limit was hit so far (the engine reports a file whose analysis hit one). */
export function evaluationLimitCount(): number {
  return limitEvents;
}

/** An Unknown made by a limit: rules say "cannot be verified" for it rather than staying silent. */
export function limitUnknown(reason: string): Unknown {
  limitEvents++;
  return new Unknown(reason, undefined, undefined, true);
}

const elementCounts = new WeakMap<object, number>();

/** Elements in an array or object, nested ones included; counted once per value (values are immutable). */
function elementCount(v: Value): number {
  if (typeof v !== 'object' || v === null || v instanceof Unknown || v instanceof Lambda) return 1;
  const known = elementCounts.get(v);
  if (known !== undefined) return known;
  let n = 1;
  const items = Array.isArray(v) ? v : Object.values(v);
  for (let i = 0; i < items.length && n <= MAX_VALUE_ELEMENTS; i++) n += elementCount(items[i]);
  elementCounts.set(v, n);
  return n;
}

/** A function's result, or an Unknown when it is larger than any template value can be. */
export function bounded(v: Value, fn: string): Value {
  if (typeof v === 'string') {
    return v.length > MAX_STRING_LENGTH ? limitUnknown(`${fn}() builds a string of more than ${MAX_STRING_LENGTH.toLocaleString('en-US')} characters; evaluation stopped`) : v;
  }
  if (typeof v === 'object' && v !== null && !(v instanceof Unknown) && !(v instanceof Lambda) && elementCount(v) > MAX_VALUE_ELEMENTS) {
    return limitUnknown(`${fn}() builds a value of more than ${MAX_VALUE_ELEMENTS.toLocaleString('en-US')} elements; evaluation stopped`);
  }
  return v;
}

let tooDeepEvents = 0;

/**
 * How many times the nesting limit was hit so far. A result computed while the count changed depends on
 * where evaluation started (the same value evaluated from a shallower point may be known): don't memoize it.
 */
export function tooDeepCount(): number {
  return tooDeepEvents;
}

function tooDeep(): Unknown {
  tooDeepEvents++;
  return new Unknown(TOO_DEEP_REASON);
}
let depth = 0;

/**
 * For a fast path that computes what `count` steps nested `nesting` deep would: counts them and returns true, or
 * returns false (counting none) when they would pass the budget or the nesting limit, for the full evaluation to say so.
 */
export function spendSteps(count: number, nesting: number): boolean {
  if (depth + nesting > MAX_EVAL_DEPTH || steps + count > stepBudget) return false;
  steps += count;
  return true;
}

/** Evaluate an expression tree. Never throws. */
export function evaluate(expr: Expr, ctx: EvalContext, env: EvalEnv = EMPTY_ENV): Value {
  return evalExpr(expr, ctx, env);
}

function evalExpr(expr: Expr, ctx: EvalContext, env: EvalEnv): Value {
  if (depth >= MAX_EVAL_DEPTH) return tooDeep();
  if (++steps > stepBudget) return limitUnknown(`evaluation stopped after ${stepBudget.toLocaleString('en-US')} steps`);
  depth++;
  try {
    switch (expr.kind) {
      case 'string': return expr.value;
      case 'number': return expr.value;
      case 'boolean': return expr.value;
      case 'null': return null;
      case 'call': return evalCall(expr, ctx, env);
      case 'property': return evalProperty(expr, ctx, env);
      case 'index': return evalIndex(expr, ctx, env);
      default: return new Unknown(`unsupported expression kind '${(expr as { kind: string }).kind}'`);
    }
  } catch (e) {
    return errorToUnknown(e);
  } finally {
    depth--;
  }
}

function errorToUnknown(e: unknown): Unknown {
  if (e instanceof UnknownSignal) return e.unknown;
  if (e instanceof ExprError) return new Unknown(e.message);
  if (e instanceof RangeError) return tooDeep();
  return new Unknown(`internal error while evaluating: ${e instanceof Error ? e.message : String(e)}`);
}

type CallExpr = Extract<Expr, { kind: 'call' }>;

function evalCall(expr: CallExpr, ctx: EvalContext, env: EvalEnv): Value {
  if (expr.namespace !== undefined) return evalUserFunction(expr, ctx, env);
  const def = lookupFunction(expr.name);
  if (!def) return new Unknown(`unknown function '${expr.name}'`);
  const n = expr.args.length;
  if (def.minArgs !== undefined && n < def.minArgs) {
    return new Unknown(`The template function '${expr.name}' expects at least ${def.minArgs} argument(s); ${n} given`);
  }
  if (def.maxArgs !== undefined && n > def.maxArgs) {
    return new Unknown(`The template function '${expr.name}' expects at most ${def.maxArgs} argument(s); ${n} given`);
  }
  if (def.lazy) return bounded(def.impl([], new Call(expr, ctx, env, undefined)), expr.name);
  const args: Value[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const v = evalExpr(expr.args[i], ctx, env);
    if (!def.acceptsUnknown && v instanceof Unknown) return propagate(v);
    args[i] = v;
  }
  // The arguments, all evaluated, are what `call.arg` returns (values are never changed in place).
  const result = def.impl(args, new Call(expr, ctx, env, args));
  return def.existing ? result : bounded(result, expr.name);
}

/** A call argument not evaluated yet. */
const PENDING: unique symbol = Symbol('pending');

/** One call being evaluated: its arguments evaluated on first use, once. A class: one shape, no closures per call. */
class Call implements CallInfo {
  constructor(private readonly expr: CallExpr, readonly ctx: EvalContext, readonly env: EvalEnv, private memo: (Value | typeof PENDING)[] | undefined) {}

  get name(): string { return this.expr.name; }
  get args(): readonly Expr[] { return this.expr.args; }

  arg(i: number): Value {
    const args = this.expr.args;
    if (i < 0 || i >= args.length) return null;
    const memo = (this.memo ??= new Array<Value | typeof PENDING>(args.length).fill(PENDING));
    let v = memo[i];
    if (v === PENDING) memo[i] = v = evalExpr(args[i], this.ctx, this.env);
    return v;
  }

  evaluate(e: Expr, e2?: EvalEnv): Value {
    return evalExpr(e, this.ctx, e2 ?? this.env);
  }
}

function evalUserFunction(expr: CallExpr, ctx: EvalContext, env: EvalEnv): Value {
  const qualified = `${expr.namespace}.${expr.name}`;
  const fn = ctx.userFunction(expr.namespace!, expr.name);
  if (!fn) return new Unknown(`user-defined function '${qualified}' is not defined`);
  if (expr.args.length !== fn.params.length) {
    return new Unknown(`user-defined function '${qualified}' expects ${fn.params.length} argument(s); ${expr.args.length} given`);
  }
  const args = expr.args.map((a) => evalExpr(a, ctx, env));
  const inner = new FunctionCallContext(ctx, qualified, fn.params, args);
  // Inside the body only the function's parameters are visible; no lambda variables or loops.
  return evaluateTemplateValue(fn.output, inner, EMPTY_ENV);
}

/** Context for the body of a user-defined function: parameters are the call's arguments. */
class FunctionCallContext implements EvalContext {
  constructor(
    private readonly outer: EvalContext,
    private readonly qualified: string,
    private readonly params: string[],
    private readonly args: Value[],
  ) {}

  get cloud(): CloudName { return this.outer.cloud; }

  parameter(name: string): Value {
    let i = this.params.indexOf(name);
    if (i < 0) {
      const lower = name.toLowerCase();
      i = this.params.findIndex((p) => p.toLowerCase() === lower);
    }
    if (i < 0) return new Unknown(`'${name}' is not a parameter of user-defined function '${this.qualified}'`);
    return this.args[i];
  }

  variable(name: string): Value {
    return new Unknown(`variables('${name}') cannot be used inside user-defined function '${this.qualified}'`);
  }

  userFunction(namespace: string, name: string): { params: string[]; output: unknown } | undefined {
    return this.outer.userFunction(namespace, name);
  }
}

type PropertyExpr = Extract<Expr, { kind: 'property' }>;
type IndexExpr = Extract<Expr, { kind: 'index' }>;

function evalProperty(expr: PropertyExpr, ctx: EvalContext, env: EvalEnv): Value {
  const target = evalExpr(expr.target, ctx, env);
  return accessProperty(target, expr.name, expr.safe);
}

/** `target.name` (or `target.?name` when `safe`), with ARM's case-insensitive property names. */
export function accessProperty(target: Value, name: string, safe: boolean): Value {
  if (target instanceof Unknown) return propagate(target);
  if (isObject(target)) {
    const v = getProperty(target, name);
    if (v !== undefined) return v;
    const open = openLookup(target);
    if (open) return open(name);
    if (safe) return null;
    return new Unknown(`The language expression property '${name}' doesn't exist, available properties are '${Object.keys(target).join(', ')}'`);
  }
  if (target === null && safe) return null;
  return new Unknown(`The language expression property '${name}' can't be evaluated on a value of type ${typeName(target)}`);
}

function evalIndex(expr: IndexExpr, ctx: EvalContext, env: EvalEnv): Value {
  const target = evalExpr(expr.target, ctx, env);
  if (target instanceof Unknown) return propagate(target);
  const index = evalExpr(expr.index, ctx, env);
  if (index instanceof Unknown) return propagate(index);
  return accessIndex(target, index, expr.safe);
}

/** `target[index]` (or `target[?index]` when `safe`). */
export function accessIndex(target: Value, index: Value, safe: boolean): Value {
  if (target instanceof Unknown) return propagate(target);
  if (index instanceof Unknown) return propagate(index);
  if (Array.isArray(target)) {
    if (typeof index !== 'number' || !Number.isInteger(index)) {
      return new Unknown(`An array can only be indexed by an Integer; the index is ${typeName(index)}`);
    }
    if (index >= 0 && index < target.length) return target[index];
    if (safe) return null;
    return new Unknown(`The language expression index '${index}' is out of bounds for an array of length ${target.length}`);
  }
  if (isObject(target)) {
    if (typeof index !== 'string') return new Unknown(`An object can only be indexed by a String; the index is ${typeName(index)}`);
    const v = getProperty(target, index);
    if (v !== undefined) return v;
    const open = openLookup(target);
    if (open) return open(index);
    if (safe) return null;
    return new Unknown(`The language expression property '${index}' doesn't exist, available properties are '${Object.keys(target).join(', ')}'`);
  }
  if (target === null && safe) return null;
  return new Unknown(`A value of type ${typeName(target)} can't be indexed`);
}

// ---------------------------------------------------------------------------------------------
// Template JSON values

const PARSE_CACHE_LIMIT = 50_000;
const parseCache = new Map<string, TemplateStringParse>();

/** parseTemplateString with a bounded cache (template strings repeat a lot). */
export function parseTemplateStringCached(s: string): TemplateStringParse {
  let r = parseCache.get(s);
  if (r === undefined) {
    r = parseTemplateString(s);
    if (parseCache.size >= PARSE_CACHE_LIMIT) parseCache.clear();
    parseCache.set(s, r);
  }
  return r;
}

/** Evaluate one JSON string of a template: an expression is evaluated, a literal is returned (unescaped). */
export function evaluateTemplateString(s: string, ctx: EvalContext, env: EvalEnv = EMPTY_ENV): Value {
  const r = parseTemplateStringCached(s);
  if (r.kind === 'literal') return r.value;
  if (!r.expr || r.errors.length > 0) {
    return new Unknown(`invalid expression: ${r.errors[0]?.message ?? 'cannot be parsed'}`);
  }
  return evalExpr(r.expr, ctx, env);
}

/**
 * Evaluate a raw JSON value found in a template: strings that are expressions are evaluated, arrays and
 * objects deeply (property names that are expressions too). Never throws; the input is not modified.
 */
export function evaluateTemplateValue(raw: unknown, ctx: EvalContext, env: EvalEnv = EMPTY_ENV): Value {
  if (depth >= MAX_EVAL_DEPTH) return tooDeep();
  depth++;
  try {
    if (typeof raw === 'string') return evaluateTemplateString(raw, ctx, env);
    if (raw === null || raw === undefined) return null;
    if (typeof raw === 'number' || typeof raw === 'boolean') return raw;
    if (raw instanceof Unknown || raw instanceof Lambda) return raw;
    if (Array.isArray(raw)) return raw.map((e) => evaluateTemplateValue(e, ctx, env));
    if (typeof raw === 'object') {
      const out: ValueObject = {};
      for (const [k, v] of Object.entries(raw as Record<string, unknown>)) {
        let key = k;
        if (k.startsWith('[')) {
          const kv = evaluateTemplateString(k, ctx, env);
          if (typeof kv === 'string') key = kv;
        }
        const value = evaluateTemplateValue(v, ctx, env);
        if (key === '__proto__') Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
        else out[key] = value;
      }
      return out;
    }
    return new Unknown(`unsupported JSON value of type ${typeof raw}`);
  } catch (e) {
    return errorToUnknown(e);
  } finally {
    depth--;
  }
}

// ---------------------------------------------------------------------------------------------
// A simple context (tests, callers evaluating detached expressions)

export interface SimpleContextOptions {
  /** Plain JSON values (or Values). */
  parameters?: Record<string, unknown>;
  variables?: Record<string, unknown>;
  functions?: Record<string, { params: string[]; output: unknown }>; // key: "namespace.name"
  cloud?: CloudName;
}

/** An EvalContext over fixed values; missing parameters/variables are Unknown. Names are case-insensitive. */
export function simpleContext(opts: SimpleContextOptions = {}): EvalContext {
  const ci = <T>(rec: Record<string, T> | undefined, name: string): T | undefined => {
    if (!rec) return undefined;
    if (Object.prototype.hasOwnProperty.call(rec, name)) return rec[name];
    const lower = name.toLowerCase();
    for (const k of Object.keys(rec)) if (k.toLowerCase() === lower) return rec[k];
    return undefined;
  };
  return {
    cloud: opts.cloud ?? 'AzureCloud',
    parameter(name) {
      const v = ci(opts.parameters, name) as Value | undefined;
      return v !== undefined ? v : new Unknown(`parameter '${name}' has no value (no default and no parameter file)`, name);
    },
    variable(name) {
      const v = ci(opts.variables, name) as Value | undefined;
      return v !== undefined ? v : new Unknown(`variable '${name}' is not defined`);
    },
    userFunction(namespace, name) {
      return ci(opts.functions, `${namespace}.${name}`);
    },
  };
}

export {
  deepEquals, findUnknown, isFullyKnown, isPartialString, knownPrefix, knownSuffix, stringParts, toJson,
} from './functions/helpers';
