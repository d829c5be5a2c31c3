// Fix intents: what a rule wants changed, independent of the file format.
// Format writers (arm/writer.ts, bicep/writer.ts) turn them into text edits.

import type { AiResource, Loc, ValueNode } from './model';

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

export type FixIntent =
  /** Set `path` (relative to the object `target`) to `value`, creating missing objects on the way. */
  | { readonly kind: 'set'; readonly target: ValueNode; readonly path: readonly string[]; readonly value: JsonValue; readonly onlyIfMissing?: boolean }
  /** Replace the written value `target` (a literal, or a parameter default found through origins). */
  | { readonly kind: 'replace'; readonly target: ValueNode; readonly value: JsonValue }
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
