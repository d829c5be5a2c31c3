// Fix intents: what a rule wants changed, independent of the file format.
// Format writers (arm/writer.ts, bicep/writer.ts) turn them into text edits.

import type { Expr } from './expressions/ast';
import { parseExpression } from './expressions/parser';
import type { AiResource, Loc, ValueNode } from './model';

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/**
 * A value computed at deployment (a host built from `environment()` or a parameter), so a fix stays right
 * across clouds and renames. Each writer prints it in its format: `"[format(...)]"` in ARM, `'${...}'` in Bicep.
 * A class, not a plain `{ kind, expr }` object, so it can never be mistaken for a JSON object being written.
 */
export class ExpressionValue {
  readonly kind = 'expression';
  constructor(readonly expr: Expr) {}
}

/** What a fix writes: JSON in which any value may be an expression. */
export type FixValue = null | boolean | number | string | ExpressionValue | FixValue[] | { [key: string]: FixValue };

/** An expression value from a tree, or from ARM expression text without brackets (`"format('{0}.x', parameters('p'))"`). */
export function expressionValue(expr: Expr | string): ExpressionValue {
  if (typeof expr !== 'string') return new ExpressionValue(expr);
  const parsed = parseExpression(expr);
  if (!parsed.expr || parsed.errors.length) throw new Error(`not an ARM expression: ${expr} (${parsed.errors[0]?.message ?? 'empty'})`);
  return new ExpressionValue(parsed.expr);
}

export type FixIntent =
  /** Set `path` (relative to the object `target`) to `value`, creating missing objects on the way. */
  | { readonly kind: 'set'; readonly target: ValueNode; readonly path: readonly string[]; readonly value: FixValue; readonly onlyIfMissing?: boolean }
  /** Replace the written value `target` (a literal, or a parameter default found through origins). */
  | { readonly kind: 'replace'; readonly target: ValueNode; readonly value: FixValue }
  /** Remove the array element `target`. */
  | { readonly kind: 'remove-item'; readonly target: ValueNode }
  /** Record on the resource that `ruleId` is suppressed for it, with a reason. */
  | { readonly kind: 'suppress'; readonly resource: AiResource; readonly ruleId: string; readonly reason: string; readonly at?: Loc };

export interface Fix {
  /** ESLint/vscode-eslint style title, e.g. "Restrict outbound network access for 'oai'". */
  readonly title: string;
  /** Safe fixes change no behaviour a deployment depends on; only these run in source.fixAll. */
  readonly safe: boolean;
  readonly preferred?: boolean;
  readonly changes: readonly FixIntent[];
}
