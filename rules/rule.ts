// What a rule is and what it may report. Rules read the resource model and return
// findings with fix intents; they know nothing of file formats or transports.

import type { AiResource, Loc, ValueNode } from '../server/src/engine/model';
import type { Fix } from '../server/src/engine/fixes';

export type Level = 'error' | 'warning' | 'info';
export type LevelSetting = Level | 'off';

export const DOCS_BASE = 'https://github.com/ai-egress-guard/ai-egress-guard/blob/main/docs/rules/';

export interface RuleMeta {
  /** kebab-case id, as in Bicep's linter: used in diagnostics, settings, suppressions and SARIF. */
  readonly id: string;
  readonly defaultLevel: Level;
  /** One sentence: what the rule checks. */
  readonly description: string;
}

export interface RuleOptions {
  /** Tag names accepted as the owner tag (case-insensitive). */
  readonly ownerTagNames: readonly string[];
}

export interface Report {
  /** Where to report: a value node (its location, or where it was set if it flowed in from a caller) or a plain location. */
  readonly at: ValueNode | Loc;
  readonly message: string;
  /** Advisory findings (cannot be verified, not applicable to this kind) are reported at info whatever the rule's level. */
  readonly advisory?: boolean;
  /** The fixes, computed only when asked for (a lightbulb, source.fixAll): most findings are only shown. */
  readonly fixes?: () => readonly Fix[];
}

export interface Rule extends RuleMeta {
  check(resource: AiResource, options: RuleOptions): Report[];
}

export function docsUrl(ruleId: string): string {
  return `${DOCS_BASE}${ruleId}.md`;
}
