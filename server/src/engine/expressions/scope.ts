// Evaluation context for one template object: parameters, variables (including copy loops) and
// user-defined functions. Everything is lazy and memoized: nothing is evaluated until asked for, so a
// large template with hundreds of variables costs only what the caller reads.

import type { CloudName } from './environment';
import { evaluateTemplateString, evaluateTemplateValue, tooDeepCount, TOO_DEEP_REASON, type EvalContext, type EvalEnv } from './evaluator';
import { defineKey } from './functions/helpers';
import { Unknown, type Value, type ValueObject } from './value';

export interface TemplateScopeOptions {
  /** Cloud for environment(); default AzureCloud (or the outer scope's cloud). */
  cloud?: CloudName;
  /** Values supplied for parameters (parameter file, or a parent deployment). Thunks so expensive values are computed only when used. Keys compared case-insensitively. */
  parameterValues?: Map<string, () => Value>;
  /** For nested templates with expressionEvaluationOptions.scope 'outer': the parent scope whose parameters/variables are used. */
  outer?: EvalContext;
  /** Resources of the deployment as values (`reference()`), from the deployment graph. */
  resource?: EvalContext['resource'];
}

/** ARM's limit on copy loop iterations. */
export const MAX_COPY_COUNT = 800;

/** How many `$ref`s a parameter's type may go through before it is taken as not nullable. */
const MAX_REF_STEPS = 32;

interface CopyLoop { name: string; count: unknown; input: unknown }
interface UserFunction { params: string[]; output: unknown }

type Raw = Record<string, unknown>;

/** The Unknown made from a stack overflow caught here (not counted by the evaluator). */
function isStackOverflow(v: Value): boolean {
  return v instanceof Unknown && v.reason === TOO_DEEP_REASON;
}

function isRawObject(v: unknown): v is Raw {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function ciMap<T>(entries: Iterable<[string, T]>): Map<string, T> {
  const m = new Map<string, T>();
  for (const [k, v] of entries) { const l = k.toLowerCase(); if (!m.has(l)) m.set(l, v); }
  return m;
}

export class TemplateScope implements EvalContext {
  readonly cloud: CloudName;
  private readonly outer?: EvalContext;
  private readonly paramDecls: Map<string, { name: string; decl: unknown }>;
  private readonly supplied: Map<string, () => Value>;
  private readonly varDecls: Map<string, { name: string; raw: unknown }>;
  private readonly copyVars: Map<string, CopyLoop>;
  private functions?: Map<string, UserFunction>;
  private readonly paramCache = new Map<string, Value>();
  private readonly varCache = new Map<string, Value>();
  private readonly evaluating: string[] = [];
  private readonly resourceLookup: EvalContext['resource'];

  constructor(private readonly template: ValueObject | Raw, options: TemplateScopeOptions = {}) {
    this.outer = options.outer;
    this.resourceLookup = options.resource ?? options.outer?.resource?.bind(options.outer);
    this.cloud = options.cloud ?? options.outer?.cloud ?? 'AzureCloud';
    const t = template as Raw;
    const params = isRawObject(t.parameters) ? t.parameters : {};
    this.paramDecls = ciMap(Object.entries(params).map(([k, v]) => [k, { name: k, decl: v }]));
    this.supplied = ciMap(options.parameterValues ?? []);
    const vars = isRawObject(t.variables) ? t.variables : {};
    this.varDecls = ciMap(Object.entries(vars).filter(([k]) => k.toLowerCase() !== 'copy').map(([k, v]) => [k, { name: k, raw: v }]));
    const loops: CopyLoop[] = [];
    const copyKey = Object.keys(vars).find((k) => k.toLowerCase() === 'copy');
    const copy = copyKey === undefined ? undefined : (vars as Raw)[copyKey];
    if (Array.isArray(copy)) {
      for (const c of copy) {
        if (isRawObject(c) && typeof c.name === 'string') loops.push({ name: c.name, count: c.count, input: c.input });
      }
    }
    this.copyVars = ciMap(loops.map((l) => [l.name, l]));
  }

  resource(ref: Value, form: 'full' | 'properties'): Value | undefined {
    return this.resourceLookup?.(ref, form);
  }

  /** Evaluate a plain JSON value found in the template: expression strings are evaluated, objects/arrays deeply. */
  evaluateJson(v: unknown, env?: EvalEnv): Value {
    return evaluateTemplateValue(v, this, env);
  }

  /** Evaluate one template string (an expression, or a literal with '[[' unescaped); `env`: the loop iteration, if any. */
  evaluateString(s: string, env?: EvalEnv): Value {
    return evaluateTemplateString(s, this, env);
  }

  parameter(name: string): Value {
    if (this.outer) return this.outer.parameter(name);
    const key = name.toLowerCase();
    const cached = this.paramCache.get(key);
    if (cached !== undefined) return cached;
    const guard = 'p:' + key;
    if (this.evaluating.includes(guard)) return new Unknown(`parameter '${name}' refers to itself`, name);
    this.evaluating.push(guard);
    const deepBefore = tooDeepCount();
    let v: Value;
    try {
      v = this.resolveParameter(name, key);
    } catch (e) {
      v = e instanceof RangeError ? new Unknown(TOO_DEEP_REASON, undefined)
        : new Unknown(`parameter '${name}' could not be evaluated: ${e instanceof Error ? e.message : String(e)}`, name);
    } finally {
      this.evaluating.pop();
    }
    if (tooDeepCount() === deepBefore && !isStackOverflow(v)) this.paramCache.set(key, v);
    return v;
  }

  private resolveParameter(name: string, key: string): Value {
    const thunk = this.supplied.get(key);
    const d = this.paramDecls.get(key);
    if (thunk) return thunk();
    if (!d) return new Unknown(`parameter '${name}' is not declared in the template`, name);
    if (isRawObject(d.decl) && Object.prototype.hasOwnProperty.call(d.decl, 'defaultValue')) {
      return evaluateTemplateValue(d.decl.defaultValue, this);
    }
    // A nullable parameter may be left out: it is then null, as ARM deploys it.
    if (this.isNullable(d.decl)) return null;
    return new Unknown(`parameter '${d.name}' has no value (no default and no parameter file)`, d.name);
  }

  /**
   * Whether a parameter (or type) declaration is nullable: `nullable: true` on it, or on the definitions its
   * `$ref` leads to (compiled Bicep types: `"$ref": "#/definitions/x"`). A cycle or a missing definition is not.
   */
  private isNullable(decl: unknown): boolean {
    const seen = new Set<unknown>();
    let current = decl;
    while (isRawObject(current) && !seen.has(current) && seen.size <= MAX_REF_STEPS) {
      if (current.nullable === true) return true;
      if (typeof current.$ref !== 'string') return false;
      seen.add(current);
      current = this.definition(current.$ref);
    }
    return false;
  }

  /** What a `$ref` JSON pointer into the template's definitions names (`#/definitions/x/properties/y`). */
  private definition(pointer: string): unknown {
    if (!pointer.startsWith('#/definitions/')) return undefined;
    let current: unknown = this.template;
    for (const segment of pointer.slice(2).split('/')) {
      const key = segment.replace(/~1/g, '/').replace(/~0/g, '~');
      if (!isRawObject(current)) return undefined;
      current = Object.prototype.hasOwnProperty.call(current, key) ? current[key] : undefined;
    }
    return current;
  }

  variable(name: string): Value {
    if (this.outer) return this.outer.variable(name);
    const key = name.toLowerCase();
    const cached = this.varCache.get(key);
    if (cached !== undefined) return cached;
    const guard = 'v:' + key;
    if (this.evaluating.includes(guard)) {
      const chain = this.evaluating.filter((g) => g.startsWith('v:')).map((g) => g.slice(2));
      const from = chain.indexOf(key);
      return new Unknown(`variable '${name}' is part of a cycle (${[...chain.slice(from), key].join(' -> ')})`);
    }
    this.evaluating.push(guard);
    const deepBefore = tooDeepCount();
    let v: Value;
    try {
      v = this.resolveVariable(name, key);
    } catch (e) {
      v = e instanceof RangeError ? new Unknown(TOO_DEEP_REASON)
        : new Unknown(`variable '${name}' could not be evaluated: ${e instanceof Error ? e.message : String(e)}`);
    } finally {
      this.evaluating.pop();
    }
    if (tooDeepCount() === deepBefore && !isStackOverflow(v)) this.varCache.set(key, v);
    return v;
  }

  private resolveVariable(name: string, key: string): Value {
    const loop = this.copyVars.get(key);
    if (loop) return this.evaluateCopy(loop, {});
    const d = this.varDecls.get(key);
    if (!d) return new Unknown(`variable '${name}' is not defined`);
    const raw = d.raw;
    const copyKey = isRawObject(raw) ? Object.keys(raw).find((k) => k.toLowerCase() === 'copy') : undefined;
    if (isRawObject(raw) && copyKey !== undefined && Array.isArray(raw[copyKey])) {
      // Property iteration inside a variable: { "copy": [ { name, count, input } ], ...other properties }.
      const out: ValueObject = {};
      for (const [k, v] of Object.entries(raw)) {
        if (k === copyKey) continue;
        defineKey(out, k, evaluateTemplateValue(v, this));
      }
      for (const c of raw[copyKey] as unknown[]) {
        if (isRawObject(c) && typeof c.name === 'string') defineKey(out, c.name, this.evaluateCopy({ name: c.name, count: c.count, input: c.input }, {}));
      }
      return out;
    }
    return evaluateTemplateValue(raw, this);
  }

  private evaluateCopy(loop: CopyLoop, env: EvalEnv): Value {
    const count = evaluateTemplateValue(loop.count, this, env);
    if (count instanceof Unknown) return new Unknown(`the count of copy loop '${loop.name}' is not known: ${count.reason}`, count.parameter);
    if (typeof count !== 'number' || !Number.isInteger(count) || count < 0) {
      return new Unknown(`the count of copy loop '${loop.name}' must be a non-negative integer`);
    }
    if (count > MAX_COPY_COUNT) return new Unknown(`the count of copy loop '${loop.name}' exceeds ${MAX_COPY_COUNT}`);
    if (loop.input === undefined) return new Unknown(`copy loop '${loop.name}' has no input`);
    const out: Value[] = [];
    const lname = loop.name.toLowerCase();
    for (let i = 0; i < count; i++) {
      const indexes = new Map(env.copyIndexes ?? []);
      indexes.set(lname, i);
      out.push(evaluateTemplateValue(loop.input, this, { ...env, copyIndexes: indexes, currentCopy: lname }));
    }
    return out;
  }

  userFunction(namespace: string, name: string): { params: string[]; output: unknown } | undefined {
    const fns = (this.functions ??= this.collectFunctions());
    const f = fns.get(`${namespace}.${name}`.toLowerCase());
    if (f) return f;
    return this.outer?.userFunction(namespace, name);
  }

  private collectFunctions(): Map<string, UserFunction> {
    const m = new Map<string, UserFunction>();
    const fns = (this.template as Raw).functions;
    if (!Array.isArray(fns)) return m;
    for (const ns of fns) {
      if (!isRawObject(ns) || typeof ns.namespace !== 'string' || !isRawObject(ns.members)) continue;
      for (const [fname, def] of Object.entries(ns.members)) {
        if (!isRawObject(def)) continue;
        const params = Array.isArray(def.parameters)
          ? def.parameters.map((p) => (isRawObject(p) && typeof p.name === 'string' ? p.name : ''))
          : [];
        const output = isRawObject(def.output) ? def.output.value : undefined;
        const key = `${ns.namespace}.${fname}`.toLowerCase();
        if (!m.has(key)) m.set(key, { params, output });
      }
    }
    return m;
  }
}
