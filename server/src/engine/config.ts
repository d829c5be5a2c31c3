// Settings shared by the editor and the CLI: defaults < repository config file < editor settings.
// The config file is `.ai-egress-guard.json`, or the top-level `aiEgressGuard` key of bicepconfig.json.

import { findNodeAtLocation, getNodeValue, parseTree, printParseErrorCode, type ParseError } from 'jsonc-parser';
import { jsonDepthExceeded, MAX_JSON_DEPTH } from './limits';
import { positionAt } from './text';
import { defaultOptions, ruleById } from '../../../rules';
import type { LevelSetting, OptionSchema, OptionValues } from '../../../rules/rule';
import type { CloudName } from './expressions/environment';
import { hostProblem } from '../../../rules/support/fqdn';

export interface Settings {
  /** Rule id → level; rules not listed use their default level. */
  readonly rules: Readonly<Record<string, LevelSetting>>;
  /** Rule id → its options (`rules.<id>.<key>` in the config), validated against the rule's schema. */
  readonly ruleOptions: Readonly<Record<string, OptionValues>>;
  /** Deprecated spelling of `rules["require-owner-tag"].ownerTagNames`, still read. */
  readonly ownerTagNames?: readonly string[];
  /**
   * Hosts (`api.partner.example`) and patterns (`*.contoso.com`) approved for allow-lists: entries they match are
   * explained. For approval only, never written into templates. Sets `rules["no-unexplained-fqdns"].approvedFqdns`.
   */
  readonly approvedFqdns?: readonly string[];
  /** Glob patterns of files the workspace audit and the CLI skip. */
  readonly exclude: readonly string[];
  readonly cloud: CloudName;
  /**
   * Parameter files for templates beyond the naming convention: template glob → parameter file paths,
   * both relative to the config file's folder (resolved to file URIs when the config is read).
   */
  readonly parameterFiles: Readonly<Record<string, readonly string[]>>;
}

export const DEFAULT_SETTINGS: Settings = { rules: {}, ruleOptions: {}, exclude: [], cloud: 'AzureCloud', parameterFiles: {} };

export const CONFIG_FILE_NAME = '.ai-egress-guard.json';
export const BICEPCONFIG_KEY = 'aiEgressGuard';

const OWNER_RULE = 'require-owner-tag';
const UNEXPLAINED_RULE = 'no-unexplained-fqdns';
/** The levels a rule may be set to, in increasing severity. */
export const LEVEL_SETTINGS: readonly LevelSetting[] = ['off', 'info', 'warning', 'error'];
const LEVELS = new Set<string>(LEVEL_SETTINGS);
const CLOUDS = new Set(['AzureCloud', 'AzureUSGovernment', 'AzureChinaCloud']);

/** Checks a settings object from a config file or the editor; what is wrong is reported, not thrown. */
export function validateSettings(raw: unknown, source: string): { settings: Partial<Settings>; problems: string[] } {
  const { settings, issues } = checkSettings(raw);
  return { settings, problems: issues.map((i) => `${source}: ${i.message}`) };
}

/** A mistake in a settings object, with the JSON path of the value at fault. */
interface SettingsIssue { readonly path: readonly (string | number)[]; readonly message: string }

function checkSettings(raw: unknown): { settings: Partial<Settings>; issues: SettingsIssue[] } {
  const issues: SettingsIssue[] = [];
  const problems = { push: (path: (string | number)[], message: string) => issues.push({ path, message }) };
  const settings: { -readonly [K in keyof Settings]?: Settings[K] } = {};
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return { settings, issues: raw === undefined ? [] : [{ path: [], message: 'expected an object' }] };
  }
  const obj = raw as Record<string, unknown>;
  if (obj.rules !== undefined) {
    const rules: Record<string, LevelSetting> = {};
    const ruleOptions: Record<string, OptionValues> = {};
    if (typeof obj.rules !== 'object' || obj.rules === null || Array.isArray(obj.rules)) problems.push(['rules'], '"rules" must be an object of rule id → level');
    else for (const [id, setting] of Object.entries(obj.rules)) {
      const rule = ruleById.get(id);
      if (!rule) { problems.push(['rules', id], `unknown rule '${id}' (known: ${[...ruleById.keys()].join(', ')})`); continue; }
      // A level, or Bicep's shape: { "level": ..., "<option>": ... }.
      const isObjectForm = typeof setting === 'object' && setting !== null && !Array.isArray(setting);
      const spec = isObjectForm ? setting as Record<string, unknown> : { level: setting };
      if (spec.level !== undefined) {
        if (typeof spec.level !== 'string' || !LEVELS.has(spec.level)) problems.push(isObjectForm ? ['rules', id, 'level'] : ['rules', id], `level of '${id}' must be off, info, warning or error`);
        else rules[id] = spec.level as LevelSetting;
      }
      const options: Record<string, unknown> = {};
      for (const [key, value] of Object.entries(spec)) {
        if (key === 'level') continue;
        const schema = rule.options?.[key];
        if (!schema) {
          const known = Object.keys(rule.options ?? {});
          problems.push(['rules', id, key], `rule '${id}' has no option '${key}' (${known.length ? `options: level, ${known.join(', ')}` : 'only "level"'})`);
          continue;
        }
        const problem = optionProblem(schema, value) ?? (id === UNEXPLAINED_RULE && key === 'approvedFqdns' ? approvedProblem(value as string[]) : undefined);
        if (problem) problems.push(['rules', id, key], `option '${key}' of '${id}' ${problem}`);
        else options[key] = value;
      }
      if (Object.keys(options).length) ruleOptions[id] = options;
    }
    settings.rules = rules;
    if (Object.keys(ruleOptions).length) settings.ruleOptions = ruleOptions;
  }
  if (obj.ownerTagNames !== undefined) {
    if (Array.isArray(obj.ownerTagNames) && obj.ownerTagNames.length > 0 && obj.ownerTagNames.every((n) => typeof n === 'string' && n)) settings.ownerTagNames = obj.ownerTagNames as string[];
    else problems.push(['ownerTagNames'], '"ownerTagNames" must be a non-empty array of tag names');
  }
  if (obj.approvedFqdns !== undefined) {
    const value = obj.approvedFqdns;
    const problem = !Array.isArray(value) || !value.every((p) => typeof p === 'string' && p) ? 'must be an array of host names and *.domain patterns' : approvedProblem(value as string[]);
    if (problem) problems.push(['approvedFqdns'], `"approvedFqdns" ${problem}`);
    else settings.approvedFqdns = value as string[];
  }
  if (obj.exclude !== undefined) {
    if (Array.isArray(obj.exclude) && obj.exclude.every((n) => typeof n === 'string')) settings.exclude = obj.exclude as string[];
    else problems.push(['exclude'], '"exclude" must be an array of glob patterns');
  }
  if (obj.parameterFiles !== undefined) {
    const value = obj.parameterFiles as Record<string, unknown>;
    if (typeof value === 'object' && value !== null && !Array.isArray(value)
      && Object.values(value).every((files) => Array.isArray(files) && files.every((f) => typeof f === 'string'))) {
      settings.parameterFiles = value as Record<string, string[]>;
    } else {
      problems.push(['parameterFiles'], '"parameterFiles" must map a template glob to an array of parameter file paths');
    }
  }
  if (obj.cloud !== undefined) {
    if (typeof obj.cloud === 'string' && CLOUDS.has(obj.cloud)) settings.cloud = obj.cloud as CloudName;
    else problems.push(['cloud'], `"cloud" must be one of ${[...CLOUDS].join(', ')}`);
  }
  return { settings, issues };
}

/** The approved allow-list patterns in force: the rule's option, which the top-level `approvedFqdns` also sets. */
export function approvedFqdnsOf(settings: Settings): readonly string[] {
  const value = settings.ruleOptions?.[UNEXPLAINED_RULE]?.approvedFqdns ?? settings.approvedFqdns;
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string' && v !== '') : [];
}

/** Why approvedFqdns patterns are not host names or `*.domain` patterns, or undefined. */
function approvedProblem(patterns: readonly string[]): string | undefined {
  for (const p of patterns) {
    const host = p.startsWith('*.') ? p.slice(2) : p;
    const problem = host.includes('*') ? 'a wildcard is allowed only as the first label (`*.contoso.com`)' : hostProblem(host);
    if (problem) return `has '${p}': ${problem}`;
  }
  return undefined;
}

/** Why a value does not fit an option's schema, or undefined when it does. */
export function optionProblem(schema: OptionSchema, value: unknown): string | undefined {
  switch (schema.type) {
    case 'array':
      if (!Array.isArray(value) || !value.every((v) => typeof v === 'string' && v !== '')) return 'must be an array of non-empty strings';
      if (schema.minItems !== undefined && value.length < schema.minItems) return `must have at least ${schema.minItems} item${schema.minItems === 1 ? '' : 's'}`;
      return undefined;
    case 'string':
      if (typeof value !== 'string') return 'must be a string';
      return schema.enum && !schema.enum.includes(value) ? `must be one of ${schema.enum.join(', ')}` : undefined;
    case 'boolean':
      return typeof value === 'boolean' ? undefined : 'must be true or false';
    case 'number':
      if (typeof value !== 'number' || !Number.isFinite(value)) return 'must be a number';
      return schema.minimum !== undefined && value < schema.minimum ? `must be at least ${schema.minimum}` : undefined;
  }
}

/** Later layers win; rule levels and rule options merge per rule. */
export function mergeSettings(...layers: Partial<Settings>[]): Settings {
  let result: Settings = DEFAULT_SETTINGS;
  for (const layer of layers) {
    const ruleOptions: Record<string, OptionValues> = { ...result.ruleOptions };
    // The old top-level spelling sets the rule's option at its own layer's precedence; the rule's own
    // option in the same layer, the newer spelling, wins over it.
    if (layer.ownerTagNames) ruleOptions[OWNER_RULE] = { ...ruleOptions[OWNER_RULE], ownerTagNames: layer.ownerTagNames };
    if (layer.approvedFqdns) ruleOptions[UNEXPLAINED_RULE] = { ...ruleOptions[UNEXPLAINED_RULE], approvedFqdns: layer.approvedFqdns };
    for (const [id, options] of Object.entries(layer.ruleOptions ?? {})) ruleOptions[id] = { ...ruleOptions[id], ...options };
    result = {
      rules: { ...result.rules, ...layer.rules },
      ruleOptions,
      ownerTagNames: layer.ownerTagNames ?? result.ownerTagNames,
      approvedFqdns: layer.approvedFqdns ?? result.approvedFqdns,
      exclude: [...result.exclude, ...(layer.exclude ?? [])],
      cloud: layer.cloud ?? result.cloud,
      parameterFiles: { ...result.parameterFiles, ...layer.parameterFiles },
    };
  }
  return result;
}

export interface ConfigFile {
  readonly path: string;
  readonly settings: Partial<Settings>;
  /** `path:line:col: message` for each mistake (the editor shows these). */
  readonly problems: string[];
  /** The same mistakes with 1-based line and column, for the CLI (a broken config is exit 2, as in ESLint). */
  readonly issues: readonly { readonly line: number; readonly column: number; readonly message: string }[];
}

/**
 * Finds the nearest config file from `dir` upwards: `.ai-egress-guard.json`, else a bicepconfig.json
 * with an `aiEgressGuard` key. `readFile` returns undefined for a missing file.
 */
export function findConfig(dir: string, readFile: (path: string) => string | undefined, join: (a: string, b: string) => string, parent: (p: string) => string): ConfigFile | undefined {
  for (let current = dir, depth = 0; depth < 64; depth++) {
    const own = join(current, CONFIG_FILE_NAME);
    const ownText = readFile(own);
    if (ownText !== undefined) return fromText(own, ownText, undefined);
    const bicepconfig = join(current, 'bicepconfig.json');
    const bicepText = readFile(bicepconfig);
    if (bicepText !== undefined) {
      const found = fromText(bicepconfig, bicepText, BICEPCONFIG_KEY);
      if (found) return found;
    }
    const up = parent(current);
    if (up === current) break;
    current = up;
  }
  return undefined;
}

function fromText(path: string, text: string, key: string | undefined): ConfigFile | undefined {
  const errors: ParseError[] = [];
  const tooDeepAt = jsonDepthExceeded(text);
  const root = tooDeepAt === undefined ? parseTree(text, errors, { allowTrailingComma: true }) : undefined;
  const located = (offset: number, message: string) => {
    const { line, character } = positionAt(text, offset);
    return { line: line + 1, column: character + 1, message };
  };
  const failed = (issues: ConfigFile['issues']): ConfigFile => ({ path, settings: {}, issues, problems: issues.map((i) => `${path}:${i.line}:${i.column}: ${i.message}`) });
  if (tooDeepAt !== undefined) return failed([located(tooDeepAt, `nested deeper than ${MAX_JSON_DEPTH} levels`)]);
  if (errors.length) {
    const words = printParseErrorCode(errors[0].error).replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
    return failed([located(errors[0].offset, `not valid JSON: ${words}`)]);
  }
  const raw = root ? getNodeValue(root) : undefined;
  const section = key ? (raw as Record<string, unknown> | undefined)?.[key] : raw;
  if (key && section === undefined) return undefined;
  const { settings, issues } = checkSettings(section);
  const at = (p: readonly (string | number)[]) => {
    const node = root && findNodeAtLocation(root, key ? [key, ...p] : [...p]);
    // A member's key is where the reader looks for it; the value when there is no key.
    const keyNode = node?.parent?.type === 'property' ? node.parent.children?.[0] : undefined;
    return (keyNode ?? node)?.offset ?? 0;
  };
  const placed = issues.map((i) => located(at(i.path), i.message));
  return {
    path,
    settings: settings.parameterFiles ? { ...settings, parameterFiles: resolveParameterFiles(path, settings.parameterFiles) } : settings,
    issues: placed,
    problems: placed.map((i) => `${path}:${i.line}:${i.column}: ${i.message}`),
  };
}

/** Makes the config's relative template globs and parameter file paths absolute file URIs. */
function resolveParameterFiles(configPath: string, map: Readonly<Record<string, readonly string[]>>): Record<string, string[]> {
  const base = new URL(`file://${configPath.startsWith('/') ? '' : '/'}${configPath.replace(/\\/g, '/')}`);
  const out: Record<string, string[]> = {};
  for (const [glob, files] of Object.entries(map)) {
    out[new URL(glob.replace(/\*/g, '%2A'), base).href.replace(/%2A/g, '*')] = files.map((f) => new URL(f, base).href);
  }
  return out;
}

/** Parameter files the settings name for a template. */
export function parameterFilesFor(settings: Settings, templateUri: string, matches: (glob: string, uri: string) => boolean): string[] {
  return Object.entries(settings.parameterFiles).filter(([glob]) => matches(glob, templateUri)).flatMap(([, files]) => files);
}

/** The tag names require-owner-tag accepts as the owner tag (its option, else its default). */
export function ownerTagNamesOf(settings: Settings): readonly string[] {
  const rule = ruleById.get('require-owner-tag');
  const options = { ...(rule ? defaultOptions(rule) : {}), ...settings.ruleOptions[rule?.id ?? ''] };
  const names = options.ownerTagNames;
  return Array.isArray(names) && names.length ? names as string[] : ['owner'];
}
