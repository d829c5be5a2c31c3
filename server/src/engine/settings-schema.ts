// The rule settings as the editor and the docs describe them, generated from the rule registry so that a new
// rule or option cannot be left out: the `aiEgressGuard.rules` setting of package.json and the rule and option
// tables of docs/configuration.md. `npm run gen:config` writes both; a test checks they are up to date.

import { rules as registry, type Level, type LevelSetting, type OptionSchema, type Rule } from '../../../rules';
import { LEVEL_SETTINGS as LEVELS } from './config';

export const RULES_SETTING = 'aiEgressGuard.rules';

const LEVEL_MEANING: Readonly<Record<LevelSetting, string>> = {
  off: 'Not checked.',
  info: 'Reported as information.',
  warning: 'Reported as a warning.',
  error: 'Reported as an error.',
};

/** The generated parts of docs/configuration.md, each between its two markers. */
const DOC_BLOCKS: Readonly<Record<string, (rules: readonly Rule[]) => string>> = {
  rules: rulesTable,
  'rule-options': optionsTable,
};
const blockStart = (name: string) => `<!-- Generated from the rule registry by \`npm run gen:config\` (${name}): edit the rules, not this table. -->`;
const blockEnd = (name: string) => `<!-- End of the generated ${name} table. -->`;

type Schema = Record<string, unknown>;

/** The level enum of one rule, its default level said in the descriptions. */
function levelSchema(defaultLevel: Level): Schema {
  return {
    type: 'string',
    enum: LEVELS,
    enumDescriptions: LEVELS.map((l) => (l === defaultLevel ? `${LEVEL_MEANING[l].slice(0, -1)} (the default).` : LEVEL_MEANING[l])),
  };
}

function optionText(name: string, schema: OptionSchema): string {
  return `\`${name}\`: ${schema.description} Default: \`${JSON.stringify(schema.default)}\`.`;
}

/** An option's JSON Schema, as strict as config.ts's validation: strings in arrays must not be empty. */
function optionSchema(schema: OptionSchema): Schema {
  return schema.type === 'array' ? { ...schema, items: { ...schema.items, minLength: 1 } } : { ...schema };
}

/** The extension's command opening a rule's bundled page in the Markdown preview (no network); the settings UI runs command links. */
function docsLink(ruleId: string): string {
  return `command:aiEgressGuard.showRuleDocumentation?${encodeURIComponent(JSON.stringify([ruleId]))}`;
}

/** One rule's setting: a level, or Bicep's `{ "level": ..., "<option>": ... }`. */
function ruleSchema(rule: Rule): Schema {
  const options = Object.entries(rule.options ?? {});
  const optionLines = options.length ? `\n\nOptions (object form): ${options.map(([name, schema]) => optionText(name, schema)).join(' ')}` : '';
  return {
    markdownDescription: `${rule.description} Default level: \`${rule.defaultLevel}\`. [Documentation](${docsLink(rule.id)})${optionLines}`,
    anyOf: [
      { ...levelSchema(rule.defaultLevel), default: rule.defaultLevel },
      {
        type: 'object',
        properties: {
          level: levelSchema(rule.defaultLevel),
          ...Object.fromEntries(options.map(([name, schema]) => [name, optionSchema(schema)])),
        },
        additionalProperties: false,
      },
    ],
  };
}

/** The `aiEgressGuard.rules` entry of package.json's `contributes.configuration.properties`. */
export function rulesSettingSchema(rules: readonly Rule[] = registry): Schema {
  return {
    type: 'object',
    default: {},
    markdownDescription: 'Rule levels and options, overriding the repository\'s `.ai-egress-guard.json` rule by rule. '
      + 'A rule\'s value is a level, or an object with its `level` and options, as in `bicepconfig.json`. '
      + 'Example: `{ "require-owner-tag": { "level": "warning", "ownerTagNames": ["owner", "team"] } }`.',
    properties: Object.fromEntries(rules.map((r) => [r.id, ruleSchema(r)])),
    additionalProperties: false,
  };
}

/** The rule table of docs/configuration.md. */
function rulesTable(rules: readonly Rule[]): string {
  const rows = rules.map((r) => {
    const options = Object.keys(r.options ?? {}).map((name) => `[\`${name}\`](#rule-options)`).join(', ');
    return `| [${r.id}](rules/${r.id}.md) | ${r.defaultLevel} | ${options || '—'} |`;
  });
  return ['| Rule | Default level | Options |', '| --- | --- | --- |', ...rows].join('\n');
}

/** The option table of docs/configuration.md: every option of every rule, by its config path. */
function optionsTable(rules: readonly Rule[]): string {
  const rows = rules.flatMap((r) => Object.entries(r.options ?? {}).map(([name, schema]) =>
    `| \`rules.${r.id}.${name}\` | ${typeText(schema)} | \`${JSON.stringify(schema.default)}\` | ${schema.description} See [${r.id}](rules/${r.id}.md). |`));
  return ['| Option | Type | Default | Meaning |', '| --- | --- | --- | --- |', ...rows].join('\n');
}

function typeText(schema: OptionSchema): string {
  switch (schema.type) {
    case 'array': return schema.minItems === 1 ? 'non-empty array of non-empty strings'
      : schema.minItems ? `array of at least ${schema.minItems} non-empty strings` : 'array of non-empty strings';
    case 'string': return schema.enum ? `one of ${schema.enum.map((v) => `\`"${v}"\``).join(', ')}` : 'string';
    case 'boolean': return '`true` or `false`';
    case 'number': return schema.minimum !== undefined ? `number, at least ${schema.minimum}` : 'number';
  }
}

/** package.json's text with the generated setting (the file keeps its 2-space JSON layout). */
export function withRulesSetting(packageJson: string, rules: readonly Rule[] = registry): string {
  const manifest = JSON.parse(packageJson) as { contributes: { configuration: { properties: Record<string, unknown> } } };
  manifest.contributes.configuration.properties[RULES_SETTING] = rulesSettingSchema(rules);
  return `${JSON.stringify(manifest, null, 2)}\n`;
}

/** docs/configuration.md's text with each generated table in place of the one between its markers. */
export function withGeneratedDocs(markdown: string, rules: readonly Rule[] = registry): string {
  let text = markdown;
  for (const [name, generate] of Object.entries(DOC_BLOCKS)) {
    const start = text.indexOf(blockStart(name));
    const end = text.indexOf(blockEnd(name));
    if (start < 0 || end < start) throw new Error(`docs/configuration.md: the markers of the generated ${name} table are missing`);
    text = `${text.slice(0, start + blockStart(name).length)}\n${generate(rules)}\n${text.slice(end)}`;
  }
  return text;
}
