// Helpers for the expression tests.

import assert from 'node:assert/strict';
import { evaluateTemplateString, simpleContext, type SimpleContextOptions } from '../../server/src/engine/expressions/evaluator';
import { TemplateScope, type TemplateScopeOptions } from '../../server/src/engine/expressions/scope';
import { Unknown, type Value, type ValueObject } from '../../server/src/engine/expressions/value';

/** Evaluate one template string ("[...]") against fixed parameters/variables. */
export function ev(s: string, opts: SimpleContextOptions = {}): Value {
  return evaluateTemplateString(s, simpleContext(opts));
}

/** Evaluate an output of a template (as the docs' examples do) and return its value. */
export function output(template: Record<string, unknown>, name: string, options?: TemplateScopeOptions): Value {
  const scope = new TemplateScope(template as ValueObject, options);
  const outputs = template.outputs as Record<string, { value: unknown }>;
  return scope.evaluateJson(outputs[name].value);
}

/** Evaluate all outputs of a template into a plain object. */
export function outputs(template: Record<string, unknown>, options?: TemplateScopeOptions): Record<string, Value> {
  const scope = new TemplateScope(template as ValueObject, options);
  const out: Record<string, Value> = {};
  for (const [k, o] of Object.entries(template.outputs as Record<string, { value: unknown }>)) out[k] = scope.evaluateJson(o.value);
  return out;
}

/** Assert `v` is an Unknown (optionally with a reason matching `reason`) and return it. */
export function assertUnknown(v: Value, reason?: RegExp): Unknown {
  assert.ok(v instanceof Unknown, `expected Unknown, got ${JSON.stringify(v)}`);
  if (reason) assert.match(v.reason, reason);
  return v;
}

/** Assert `v` is a partially known string with exactly these parts. */
export function assertParts(v: Value, parts: (string | null)[]): Unknown {
  const u = assertUnknown(v);
  assert.deepEqual(u.parts, parts);
  return u;
}

/** Deep-equal on plain JSON (strips prototypes of objects built with Object.create(null)). */
export function assertJson(v: Value, expected: unknown): void {
  assert.ok(!(v instanceof Unknown), `unexpected Unknown: ${v instanceof Unknown ? v.reason : ''}`);
  assert.deepEqual(JSON.parse(JSON.stringify(v)), expected);
}
