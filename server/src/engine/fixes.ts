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
  | { readonly kind: 'suppress'; readonly resource: AiResource; readonly ruleId: string; readonly reason: string; readonly at?: Loc }
  | AddParameterIntent
  | AddResourceIntent;

/**
 * Declare a parameter in the template that declares `target` (a resource's declaration, in the root template
 * of its file). A parameter of that name already declared is used as it is, so several fixes can share one.
 */
export interface AddParameterIntent {
  readonly kind: 'add-parameter';
  readonly target: ValueNode;
  readonly name: string;
  readonly type: 'string' | 'array';
  readonly description?: string;
  /** Its default value (`defaultValue` in ARM, `= ...` in Bicep). */
  readonly defaultValue?: FixValue;
  /** Null when not passed (`"nullable": true` in ARM, `array?` in Bicep): for a parameter with no default. */
  readonly nullable?: boolean;
}

/**
 * Declare a new resource next to `resource` (an existing declaration, in the root template of its file), in the
 * file's language: ARM gets a `resources` entry (a symbolic name in languageVersion 2.0), Bicep a `resource`
 * declaration after the one of `resource`.
 */
export interface AddResourceIntent {
  readonly kind: 'add-resource';
  /** `resource.declaration`: the file and place the new resource goes beside. */
  readonly target: ValueNode;
  readonly resource: AiResource;
  readonly declaration: NewResource;
}

export interface NewResource {
  /** Bicep / languageVersion 2.0 symbolic name; the writer adds a number when it is taken. */
  readonly symbolicName: string;
  /** Full type, e.g. `Microsoft.Network/privateEndpoints`. */
  readonly type: string;
  readonly apiVersion: string;
  readonly name: NewValue;
  readonly location?: NewValue;
  /** An extension resource (diagnostic settings) scoped to the intent's `resource`. */
  readonly scopedToTarget?: boolean;
  /** A child of another new resource of the same fix, by its `symbolicName`: `parent:` in Bicep, `a/b` names in ARM. */
  readonly parent?: string;
  /** Deployed under the same condition as the intent's `resource`. */
  readonly sameCondition?: boolean;
  readonly properties: NewValue;
}

/** Marks a `TemplateRef` among plain JSON values. */
export const TEMPLATE_REF: unique symbol = Symbol('template-ref');

/** A value each writer spells in its language: a parameter, or a property of the target or of a new resource. */
export type TemplateRef =
  | { readonly [TEMPLATE_REF]: 'parameter'; readonly name: string }
  /** `of`: 'target' (the intent's resource) or the symbolic name of a new resource of the same fix. */
  | { readonly [TEMPLATE_REF]: 'id' | 'location'; readonly of: string }
  /** The name of `of` followed by `suffix` (`oai-pe`). */
  | { readonly [TEMPLATE_REF]: 'name'; readonly of: string; readonly suffix?: string };

export type NewValue = JsonValue | TemplateRef | readonly NewValue[] | { readonly [key: string]: NewValue };

export const ref = {
  parameter: (name: string): TemplateRef => ({ [TEMPLATE_REF]: 'parameter', name }),
  id: (of = 'target'): TemplateRef => ({ [TEMPLATE_REF]: 'id', of }),
  location: (of = 'target'): TemplateRef => ({ [TEMPLATE_REF]: 'location', of }),
  name: (of = 'target', suffix?: string): TemplateRef => ({ [TEMPLATE_REF]: 'name', of, ...(suffix ? { suffix } : {}) }),
};

export function isTemplateRef(v: unknown): v is TemplateRef {
  return typeof v === 'object' && v !== null && TEMPLATE_REF in v;
}

export interface Fix {
  /** ESLint/vscode-eslint style title, e.g. "Restrict outbound network access for 'oai'". */
  readonly title: string;
  /** Safe fixes change no behaviour a deployment depends on; only these run in source.fixAll. */
  readonly safe: boolean;
  readonly preferred?: boolean;
  readonly changes: readonly FixIntent[];
  /**
   * A value only the user knows (a suppression's reason, a resource's owner): an editor asks for it with `prompt`,
   * refuses an empty answer and writes `answer(value)`; `changes` hold a placeholder where the value goes.
   */
  readonly ask?: FixQuestion;
}

export interface FixQuestion {
  /** What to type, e.g. "Why is this exception acceptable?". */
  readonly prompt: string;
  /** An example answer shown greyed in the input box. */
  readonly example?: string;
  answer(value: string): readonly FixIntent[];
}
