// What a rule is and what it may report. Rules read the deployment graph and return reports
// (message id + data) with fix intents; they know nothing of file formats or transports.

import type { AiResource, Loc, ValueNode } from '../server/src/engine/model';
import type { DeploymentGraph } from '../server/src/engine/graph/graph';
import type { Fix } from '../server/src/engine/fixes';
import { repository } from '../package.json';

export type Level = 'error' | 'warning' | 'info';
export type LevelSetting = Level | 'off';

/** The project's repository (package.json `repository.url`, its one source): docs links point into it. */
export const REPOSITORY_URL = repository.url.replace(/^git\+/, '').replace(/\.git$/, '');

/** Values substituted into a message template's `{{name}}` placeholders. */
export type MessageData = Readonly<Record<string, string | number>>;

/** One rule option, described as JSON Schema so settings UIs and config validation share it. */
export type OptionSchema =
  | { readonly type: 'array'; readonly items: { readonly type: 'string' }; readonly minItems?: number; readonly default: readonly string[]; readonly description: string }
  | { readonly type: 'string'; readonly enum?: readonly string[]; readonly default: string; readonly description: string }
  | { readonly type: 'boolean'; readonly default: boolean; readonly description: string }
  | { readonly type: 'number'; readonly minimum?: number; readonly default: number; readonly description: string };

export type OptionValues = Readonly<Record<string, unknown>>;

export interface RuleMeta<M extends string = string> {
  /** kebab-case id, as in Bicep's linter: used in diagnostics, settings, suppressions and SARIF. */
  readonly id: string;
  readonly defaultLevel: Level;
  /** One sentence: what the rule checks. */
  readonly description: string;
  /**
   * Message templates by message id; `{{name}}` is replaced by the report's `data.name`. The first sentence says
   * what is wrong and names the resource, under 100 characters filled in (it is what lists show: the CLI's rows);
   * the sentences after it say why and what to do. See `messageParts`.
   */
  readonly messages: Readonly<Record<M, string>>;
  /** The rule's options (`rules.<id>.<key>` in the config), with their defaults. */
  readonly options?: Readonly<Record<string, OptionSchema>>;
  /**
   * Resource types (any case) the rule checks: each resource of these types is a subject passed to `check`.
   * Default: AI accounts (`Microsoft.CognitiveServices/accounts`).
   */
  readonly subjects?: readonly string[];
  /**
   * Resource types (any case) the rule reads from the graph besides its subjects. Readers may skip the
   * bodies of resources whose type no enabled rule names (Bicep does, for speed).
   */
  readonly resourceTypes?: readonly string[];
  /**
   * What the rule needs beyond the subject's own settings: its API version, or the other resources of its
   * deployment. Inputs that lack them (an export of deployed accounts) skip the rule and say so.
   */
  readonly needs?: readonly RuleNeed[];
  /**
   * True when some of the rule's fixes are safe (applied by `--fix` and source.fixAll), as ESLint's `meta.fixable`.
   * The engine then looks for safe fixes only among this rule's findings; a safe fix from another rule is an error.
   */
  readonly fixable?: boolean;
}

export type RuleNeed = 'api-version' | 'related-resources';

export interface RuleContext<O extends OptionValues = OptionValues> {
  /** This rule's options: the config's values over the schema's defaults, already validated. */
  readonly options: O;
  /** Every resource of the deployment the subject belongs to, and their relations. */
  readonly graph: DeploymentGraph;
}

export interface Report<M extends string = string> {
  /** Where to report: a value node (its location, or where it was set if it flowed in from a caller) or a plain location. */
  readonly at: ValueNode | Loc;
  readonly messageId: M;
  readonly data?: MessageData;
  /** Advisory findings (cannot be verified, not applicable to this kind) are reported at info whatever the rule's level. */
  readonly advisory?: boolean;
  /** Other places that explain the finding (the evidence of a dependency), shown as related information. */
  readonly related?: readonly { readonly loc: Loc; readonly message: string }[];
  /** The fixes, computed only when asked for (a lightbulb, source.fixAll): most findings are only shown. */
  readonly fixes?: () => readonly Fix[];
}

export interface Rule<M extends string = string, O extends OptionValues = OptionValues> extends RuleMeta<M> {
  /** Checks one subject: an AI account, or a resource of one of `subjects`. */
  check(resource: AiResource, context: RuleContext<O>): Report<M>[];
  /** Checks the suppressions written in a file (of known rules), once per file; rules about suppressions only. */
  checkSuppressions?(suppressions: readonly WrittenSuppression[], context: { readonly options: O }): Report<M>[];
}

/** A suppression as written in a template: an ARM `metadata.aiEgressGuard.suppress` entry, or a rule id of a Bicep directive. */
export interface WrittenSuppression {
  readonly ruleId: string;
  /** The reason written with it, trimmed: '' when there is none. */
  readonly reason: string;
  /** The entry (ARM) or the rule id in the directive (Bicep). */
  readonly loc: Loc;
  /** The resource it is written on, when known (ARM); findings about it carry this name. */
  readonly resource?: string;
  /** Rule ids suppressed for the same resource (ARM): a finding of one of them about this suppression is suppressed too. */
  readonly alongside?: readonly string[];
}

/** The reason the editor's suppression fix writes when none is typed; a suppression with it has no reason. */
export const PLACEHOLDER_REASON = 'TODO: say why this is acceptable';

export const AI_ACCOUNT_TYPE = 'Microsoft.CognitiveServices/accounts';

/** The types a rule checks. */
export function subjectTypes(rule: RuleMeta): readonly string[] {
  return rule.subjects ?? [AI_ACCOUNT_TYPE];
}

/** Declares a rule; the type parameters tie its reports' message ids and its options to its metadata. */
export function createRule<M extends string, O extends OptionValues = OptionValues>(rule: Rule<M, O>): Rule<M, O> {
  return rule;
}

/** A placeholder of a message template, `{{name}}`; the name is the capture. */
export const MESSAGE_PLACEHOLDER = /\{\{\s*(\w+)\s*\}\}/g;

/** Fills a message template: `{{name}}` becomes `data.name`; an unknown placeholder is left as written. */
export function formatMessage(template: string, data: MessageData | undefined): string {
  if (!data) return template;
  // Split once per template (every finding fills one in): literal pieces at even indexes, keys at odd ones.
  let pieces = messagePieces.get(template);
  if (!pieces) {
    pieces = [];
    let last = 0;
    for (const m of template.matchAll(MESSAGE_PLACEHOLDER)) {
      pieces.push(template.slice(last, m.index), m[1], m[0]);
      last = m.index + m[0].length;
    }
    pieces.push(template.slice(last));
    messagePieces.set(template, pieces);
  }
  let out = pieces[0];
  for (let i = 1; i < pieces.length; i += 3) out += (pieces[i] in data ? String(data[pieces[i]]) : pieces[i + 1]) + pieces[i + 2];
  return out;
}

/** Templates split at their placeholders: text, then (key, placeholder as written, text) per placeholder. */
const messagePieces = new Map<string, string[]>();

/** A message in two parts: the first sentence (what is wrong, naming the resource), and the rest ('' if none). */
export interface MessageParts { readonly summary: string; readonly detail: string }

/**
 * A template's first sentence and the rest, split in the template, before data fills it (a host's dots are no
 * sentence ends): the first sentence ends at the first period followed by a space. The rest explains, as SARIF's
 * message strings have a first sentence that can be shown alone.
 */
export function messageParts(template: string): MessageParts {
  let parts = templateParts.get(template);
  if (!parts) {
    const end = template.search(/\.\s/);
    parts = end < 0 ? { summary: template, detail: '' } : { summary: template.slice(0, end + 1), detail: template.slice(end + 1).trimStart() };
    templateParts.set(template, parts);
  }
  return parts;
}

const templateParts = new Map<string, MessageParts>();

/** Fills both parts of a template (see `messageParts`). */
export function formatMessageParts(template: string, data: MessageData | undefined): MessageParts {
  const { summary, detail } = messageParts(template);
  return { summary: formatMessage(summary, data), detail: detail && formatMessage(detail, data) };
}

/** The defaults of a rule's options. */
export function defaultOptions(rule: RuleMeta): OptionValues {
  const out: Record<string, unknown> = {};
  for (const [key, schema] of Object.entries(rule.options ?? {})) out[key] = schema.default;
  return out;
}

/** A page of docs/ in the repository (`docsPageUrl('limits.md')`). */
export function docsPageUrl(page: string): string {
  return `${REPOSITORY_URL}/blob/main/docs/${page}`;
}

/** A rule's docs page in the repository (the editor opens the copy bundled with the extension). */
export function docsUrl(ruleId: string): string {
  return docsPageUrl(`rules/${ruleId}.md`);
}
