// A table-driven rule tester in the spirit of typescript-eslint's RuleTester. Each case is written
// once (a format-neutral TemplateSpec, see render.ts), runs as ARM JSON and as Bicep, and checks the
// rule's findings exactly (id, message id, data, range) and the text its fixes produce.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parse as parseJsonc, printParseErrorCode, type ParseError } from 'jsonc-parser';
import { rules as registry, type Level, type OptionValues, type Rule } from '../../rules';
import { analyze, type AnalysisResult, type Finding } from '../../server/src/engine/analyze';
import { mergeSettings, optionProblem, type Settings } from '../../server/src/engine/config';
import { applyToFiles, DEPLOYMENT_RULES_OFF } from './lint';
import type { Fix } from '../../server/src/engine/fixes';
import type { FileKind } from '../../server/src/engine/model';
import { parseBicep, parseBicepParam } from '../../server/src/engine/bicep/parser';
import { positionAt } from '../../server/src/engine/text';
import { DIR, markKey, pathKey, render, URIS, type Format, type Path, type Range, type TemplateSpec } from './render';

export { absent, expr, marked, param, variable } from './render';
export type { Format, Path, TemplateSpec, Val } from './render';

const FORMATS: readonly Format[] = ['arm', 'bicep'];

/** 1-based, end exclusive, as ESLint reports them. */
export interface Position { readonly line: number; readonly column: number; readonly endLine: number; readonly endColumn: number }

export interface CaseBase extends TemplateSpec {
  /** The test's title. */
  readonly name: string;
  /** Run in one format only (parameter-file layouts, suppression syntax, syntax the other lacks). */
  readonly only?: Format;
  /** Skip, saying why (a known rule or writer bug): in every format, or in the formats named. */
  readonly skip?: string | Partial<Record<Format, string>>;
  /** Literal file text instead of a rendered spec; the formats it gives are the ones that run. */
  readonly code?: Partial<Record<Format, string>>;
  /** Other files beside the template (modules, linked templates): name relative to its folder → text. */
  readonly files?: Readonly<Record<string, string>>;
  /** The rule's options (`rules.<id>.<key>`), checked against its schema. */
  readonly options?: OptionValues;
  readonly settings?: Partial<Settings>;
}

export interface ValidCase extends CaseBase {
  /** Every rule of the registry must stay silent, not only the one under test. */
  readonly allRules?: boolean;
}

export interface ExpectedError<M extends string = string> {
  readonly messageId: M;
  /** Compared key by key; keys left out are not checked. */
  readonly data?: Readonly<Record<string, string | number>>;
  /** The whole message shown, or a pattern it matches. */
  readonly message?: string | RegExp;
  readonly level?: Level;
  /** The name of the resource the finding is about, as reports show it (as declared: a child's own name in Bicep), or per format. */
  readonly resource?: string | Partial<Record<Format, string>>;
  /** Where: a `marked(label, ...)` value, or a rendered path (`['properties', 'kind']`, `['type']`). */
  readonly at?: string | Path;
  /** The range as literal `line:col-endLine:endCol` (1-based), checked besides `at`. */
  readonly arm?: string;
  readonly bicep?: string;
  /** Every fix title offered, in order (the engine's suppression fix included). */
  readonly fixTitles?: readonly string[];
  /** Fixes to apply one at a time, each with the output it must produce. */
  readonly fixes?: readonly FixCase[];
}

export interface FixCase {
  /** Picks the fix whose title starts with this (exactly one must). */
  readonly title?: string;
  /** Or picks it by position. */
  readonly index?: number;
  /** Apply in one format only (where the formats' writers differ, e.g. where a suppression goes). */
  readonly only?: Format;
  readonly safe?: boolean;
  readonly preferred?: boolean;
  /** The fixed files: the case's spec with these fields replaced, rendered the same way. */
  readonly output?: Partial<TemplateSpec>;
  /** The fixed template's literal text, for the formats it gives (with `output`, both are checked). */
  readonly outputText?: Partial<Record<Format, string>>;
  /** The output must be clean for every rule of the registry. */
  readonly clean?: boolean;
  /** For a fix that asks for a value (`Fix.ask`): what the user types; the fix then writes it. */
  readonly answer?: string;
  /** With `code`: other fixed files (modules), by file name, per format; files not named must stay as they were. */
  readonly outputFiles?: Partial<Record<Format, Readonly<Record<string, string>>>>;
  /**
   * Re-analysed with every rule, the fixed files have exactly the findings they had, less the fixed one: the
   * template, and each other file the fix changes (a module) analysed on its own.
   */
  readonly nothingElse?: boolean;
}

export interface InvalidCase<M extends string = string> extends CaseBase {
  readonly errors: readonly ExpectedError<M>[];
  /**
   * What the safe fixes (source.fixAll) make of the files, as for FixCase.output. Required when
   * they change anything, as ESLint requires `output` when a rule autofixes.
   */
  readonly output?: Partial<TemplateSpec>;
  readonly outputText?: Partial<Record<Format, string>>;
}

export interface RuleCases<M extends string> {
  readonly valid: readonly ValidCase[];
  readonly invalid: readonly InvalidCase<M>[];
}

/** Registers one node:test test per case and format, under `describe(rule.id)`. */
export function ruleTester<M extends string>(rule: Rule<M>, cases: RuleCases<NoInfer<M>>): void {
  const r = rule as Rule;
  const names = [...cases.valid, ...cases.invalid].map((c) => c.name);
  const repeated = names.filter((n, i) => names.indexOf(n) !== i);
  if (repeated.length) throw new Error(`${r.id}: case names must be unique: ${repeated.join(', ')}`);
  describe(r.id, () => {
    for (const c of cases.valid) {
      for (const format of formatsOf(c)) test(`valid: ${c.name} [${format}]`, { skip: skipOf(c, format) }, () => runValid(r, c, format));
    }
    for (const c of cases.invalid) {
      for (const format of formatsOf(c)) test(`invalid: ${c.name} [${format}]`, { skip: skipOf(c, format) }, () => runInvalid(r, c, format));
    }
  });
}

function skipOf(c: CaseBase, format: Format): string | undefined {
  return typeof c.skip === 'string' ? c.skip : c.skip?.[format];
}

export function formatsOf(c: CaseBase): Format[] {
  const available = c.code ? FORMATS.filter((f) => c.code![f] !== undefined) : FORMATS;
  const chosen = available.filter((f) => !c.only || f === c.only);
  if (!chosen.length) throw new Error(`case '${c.name}': no format to run (code gives ${Object.keys(c.code ?? {}).join(', ') || 'none'}, only: ${c.only})`);
  return chosen;
}

// ---------------------------------------------------------------------------------------------
// Running one case in one format. These throw AssertionErrors; ruleTester.test.ts calls them directly.

interface Input {
  readonly format: Format;
  readonly uri: string;
  readonly files: Readonly<Record<string, string>>;
  readonly ranges: ReadonlyMap<string, Range>;
}

export function runValid(rule: Rule, c: ValidCase, format: Format): void {
  const input = inputOf(c, format);
  const result = lintInput(rule, c, input, c.allRules ?? false);
  const found = c.allRules ? result.findings : ofRule(result, rule);
  assert.equal(found.length, 0, `${format}: a valid case must have no findings${c.allRules ? ' of any rule' : ''}, got:\n${list(found)}\n${input.files[input.uri]}`);
}

export function runInvalid(rule: Rule, c: InvalidCase, format: Format): void {
  if (!c.errors.length) throw new Error(`case '${c.name}': an invalid case expects at least one error`);
  const input = inputOf(c, format);
  const result = lintInput(rule, c, input, false);
  const found = ofRule(result, rule);
  const text = input.files[input.uri];
  assert.equal(found.length, c.errors.length, `${format}: expected ${c.errors.length} finding(s) of ${rule.id}, got ${found.length}:\n${list(found)}\n${text}`);
  c.errors.forEach((expected, i) => {
    const f = found[i];
    const label = `${format}: finding ${i + 1} (${expected.messageId})`;
    assert.equal(f.messageId, expected.messageId, `${format}: finding ${i + 1} message id (${f.message})`);
    assert.ok(f.messageId in rule.messages, `${label}: not a message id of ${rule.id}`);
    assert.doesNotMatch(f.messageText, /\{\{\s*\w+\s*\}\}/, `${label}: a placeholder the report's data does not fill`);
    for (const [key, value] of Object.entries(expected.data ?? {})) {
      assert.ok(key in f.data, `${label}: data has no '${key}' (data: ${JSON.stringify(f.data)})`);
      assert.equal(f.data[key], value, `${label}: data.${key}`);
    }
    if (typeof expected.message === 'string') assert.equal(f.message, expected.message, `${label}: message`);
    else if (expected.message) assert.match(f.message, expected.message, `${label}: message`);
    if (expected.level) assert.equal(f.level, expected.level, `${label}: level`);
    const resource = typeof expected.resource === 'string' ? expected.resource : expected.resource?.[format];
    if (resource !== undefined) assert.equal(f.resource, resource, `${label}: resource`);
    assertRange(f, expected, input, label);
    if (expected.fixTitles) assert.deepEqual(f.fixes.map((x) => x.title), expected.fixTitles, `${label}: fix titles`);
    for (const fc of expected.fixes ?? []) {
      if (fc.only && fc.only !== format) continue;
      const fix = pickFix(f, fc, label);
      if (fc.safe !== undefined) assert.equal(fix.safe, fc.safe, `${label}: '${fix.title}' safe`);
      if (fc.preferred !== undefined) assert.equal(fix.preferred ?? false, fc.preferred, `${label}: '${fix.title}' preferred`);
      if (fc.answer !== undefined) assert.ok(fix.ask, `${label}: '${fix.title}' asks for no value`);
      const applied = fc.answer !== undefined && fix.ask ? { ...fix, changes: fix.ask.answer(fc.answer) } : fix;
      const fixed = applyToFiles([applied], input.files);
      assertOutput(c, fc, input, fixed, `${label}: '${fix.title}'`);
      assertFixedAway(rule, c, input, fixed, [f], found, fc.clean ?? false, `${label}: '${fix.title}'`);
      if (fc.outputFiles || c.files) assertOtherFiles(fc, input, fixed, `${label}: '${fix.title}'`);
      if (fc.nothingElse) assertNothingElse(rule, c, input, fixed, f, `${label}: '${fix.title}'`);
    }
  });
  // source.fixAll: every safe fix of the rule's findings at once.
  const safe = found.flatMap((f) => f.fixes.filter((x) => x.safe));
  const fixed = applyToFiles(safe, input.files);
  if (c.output === undefined && c.outputText?.[format] === undefined) {
    const changed = Object.keys(fixed).filter((uri) => fixed[uri] !== input.files[uri]);
    assert.deepEqual(changed, [], `${format}: the safe fixes (${safe.map((x) => x.title).join(' | ')}) change the files: state the case's output`);
    return;
  }
  assert.ok(safe.length > 0, `${format}: the case states an output, but no finding has a safe fix`);
  assertOutput(c, c, input, fixed, `${format}: safe fixes`);
  assertFixedAway(rule, c, input, fixed, found.filter((f) => f.fixes.some((x) => x.safe)), found, false, `${format}: safe fixes`);
}

function inputOf(c: CaseBase, format: Format): Input {
  const input = ((): Input => {
    if (c.code) {
      const text = c.code[format];
      if (text === undefined) throw new Error(`case '${c.name}': no ${format} code`);
      const uri = URIS[format].template;
      return { format, uri, files: { [uri]: text }, ranges: new Map() };
    }
    const rendered = render(c, format);
    return { format, uri: rendered.uri, files: rendered.files, ranges: rendered.ranges };
  })();
  return { ...input, files: withFiles(c, input.uri, input.files) };
}

/** The case's other files (`files`) added beside the template. */
function withFiles(c: CaseBase, templateUri: string, written: Readonly<Record<string, string>>): Readonly<Record<string, string>> {
  if (!c.files) return written;
  const files = { ...written };
  for (const [name, text] of Object.entries(c.files)) {
    const uri = new URL(name, templateUri).href;
    if (uri in files) throw new Error(`case '${c.name}': file ${name} is already written by the case`);
    files[uri] = text;
  }
  return files;
}

function settingsOf(rule: Rule, c: CaseBase): Settings {
  for (const [key, value] of Object.entries(c.options ?? {})) {
    const schema = rule.options?.[key];
    if (!schema) throw new Error(`case '${c.name}': ${rule.id} has no option '${key}'`);
    const problem = optionProblem(schema, value);
    if (problem) throw new Error(`case '${c.name}': option '${key}' ${problem}`);
  }
  // The account-wide info rules (no private endpoint, no logs) would fire on every case of other rules.
  const quiet = Object.fromEntries(Object.entries(DEPLOYMENT_RULES_OFF).filter(([id]) => id !== rule.id));
  return mergeSettings({ rules: quiet }, c.settings ?? {}, c.options ? { ruleOptions: { [rule.id]: c.options } } : {});
}

function kindOf(uri: string): FileKind {
  return uri.endsWith('.bicep') ? 'bicep' : uri.endsWith('.bicepparam') ? 'bicepparam' : 'arm';
}

function analyzeFiles(uri: string, files: Readonly<Record<string, string>>, settings: Settings, rules: readonly Rule[]): AnalysisResult {
  const host = {
    readFile: (u: string) => files[u],
    listDir: (dir: string) => Object.keys(files).filter((u) => u.slice(0, u.lastIndexOf('/')) === dir).map((u) => u.slice(u.lastIndexOf('/') + 1)),
  };
  return analyze({ uri, text: files[uri], kind: kindOf(uri) }, { settings, host, rules });
}

function lintInput(rule: Rule, c: CaseBase, input: Input, allRules: boolean): AnalysisResult {
  const result = analyzeFiles(input.uri, input.files, settingsOf(rule, c), allRules ? registry : [rule]);
  // A case that does not parse tests the reader's recovery, not the rule.
  assert.deepEqual(result.problems.map((p) => p.message), [], `${input.format}: the case's template has problems:\n${input.files[input.uri]}`);
  assert.ok(result.isTemplate, `${input.format}: not read as a template`);
  return result;
}

function ofRule(result: AnalysisResult, rule: Rule): Finding[] {
  return result.findings.filter((f) => f.ruleId === rule.id);
}

/** `line:col-endLine:endCol` → numbers. */
export function parseRange(s: string): Position {
  const m = /^(\d+):(\d+)-(\d+):(\d+)$/.exec(s);
  if (!m) throw new Error(`expected 'line:col-endLine:endCol', got '${s}'`);
  return { line: +m[1], column: +m[2], endLine: +m[3], endColumn: +m[4] };
}

export function positionOf(text: string, start: number, end: number): Position {
  const s = positionAt(text, start);
  const e = positionAt(text, end);
  return { line: s.line + 1, column: s.character + 1, endLine: e.line + 1, endColumn: e.character + 1 };
}

function show(p: Position): string {
  return `${p.line}:${p.column}-${p.endLine}:${p.endColumn}`;
}

function list(findings: readonly Finding[]): string {
  return findings.map((f) => `  ${f.ruleId} ${f.messageId} ${show(positionOf(f.loc.file.text, f.loc.start, f.loc.end))} ${JSON.stringify(f.loc.file.text.slice(f.loc.start, f.loc.end))}: ${f.message}`).join('\n') || '  (none)';
}

function assertRange(f: Finding, expected: ExpectedError, input: Input, label: string): void {
  const actual = positionOf(f.loc.file.text, f.loc.start, f.loc.end);
  const context = `${label} at ${show(actual)} ${JSON.stringify(f.loc.file.text.slice(f.loc.start, f.loc.end))}`;
  const literal = expected[input.format];
  if (expected.at === undefined && literal === undefined) throw new Error(`${label}: say where the finding is (at, or a literal ${input.format} range)`);
  if (expected.at !== undefined) {
    const key = typeof expected.at === 'string' ? markKey(expected.at) : pathKey(expected.at);
    const range = input.ranges.get(key);
    if (!range) throw new Error(`${label}: nothing recorded at ${typeof expected.at === 'string' ? `mark '${expected.at}'` : JSON.stringify(expected.at)} in the ${input.format} rendering`);
    assert.equal(f.loc.file.uri, range.uri, `${context}: file`);
    assert.deepEqual(actual, positionOf(input.files[range.uri], range.start, range.end), `${context}: range of ${JSON.stringify(expected.at)}`);
  }
  if (literal !== undefined) {
    assert.equal(f.loc.file.uri, input.uri, `${context}: file`);
    assert.deepEqual(actual, parseRange(literal), `${context}: literal range`);
  }
}

function pickFix(f: Finding, fc: FixCase, label: string): Fix {
  const titles = f.fixes.map((x) => x.title).join(' | ');
  if (fc.index !== undefined) {
    const fix = f.fixes[fc.index];
    if (!fix) throw new Error(`${label}: no fix at index ${fc.index} among: ${titles}`);
    if (fc.title !== undefined) assert.ok(fix.title.startsWith(fc.title), `${label}: fix ${fc.index} is '${fix.title}', not '${fc.title}…'`);
    return fix;
  }
  if (fc.title === undefined) throw new Error(`${label}: a fix case names its fix by title or index`);
  const matches = f.fixes.filter((x) => x.title.startsWith(fc.title!));
  if (matches.length !== 1) throw new Error(`${label}: ${matches.length} fixes start with '${fc.title}' among: ${titles}`);
  return matches[0];
}

function assertOutput(c: CaseBase, expected: { output?: Partial<TemplateSpec>; outputText?: Partial<Record<Format, string>> }, input: Input, fixed: Record<string, string>, label: string): void {
  const text = expected.outputText?.[input.format];
  if (text === undefined && expected.output === undefined) throw new Error(`${label}: state the fixed ${input.format} output (output, or outputText.${input.format})`);
  // Both may be given: the literal text then also checks the renderer.
  if (text !== undefined) assert.equal(fixed[input.uri], text, `${label}: fixed text`);
  if (expected.output !== undefined) {
    if (c.code) throw new Error(`${label}: a case given as code states its output as outputText`);
    const files = withFiles(c, input.uri, render({ ...c, ...expected.output }, input.format).files);
    for (const uri of new Set([...Object.keys(files), ...Object.keys(fixed)])) assert.equal(fixed[uri], files[uri], `${label}: fixed ${uri.slice(uri.lastIndexOf('/') + 1)}`);
  }
  for (const [uri, text] of Object.entries(fixed)) if (text !== input.files[uri]) assertWellFormed(uri, text, label);
}

/** A fixed ARM file is JSON (comments allowed, as ARM allows them); a fixed Bicep file parses without errors. */
export function assertWellFormed(uri: string, text: string, label: string): void {
  const kind = kindOf(uri);
  if (kind === 'arm') {
    const errors: ParseError[] = [];
    parseJsonc(text, errors, { allowTrailingComma: false, disallowComments: false });
    assert.deepEqual(errors.map((e) => `${printParseErrorCode(e.error)} at ${e.offset}`), [], `${label}: the fixed file is not valid JSON:\n${text}`);
  } else {
    const { diagnostics } = kind === 'bicep' ? parseBicep(text) : parseBicepParam(text);
    assert.deepEqual(diagnostics.filter((d) => d.severity === 'error').map((d) => d.message), [], `${label}: the fixed file does not parse as Bicep:\n${text}`);
  }
}

const keyOf = (f: Finding) => `${f.messageId} ${JSON.stringify(f.data)}`;

/** The files beside the template after a fix: as `outputFiles` gives them, the others unchanged. */
function assertOtherFiles(fc: FixCase, input: Input, fixed: Record<string, string>, label: string): void {
  const expected = fc.outputFiles?.[input.format] ?? {};
  for (const uri of Object.keys(fixed)) {
    if (uri === input.uri) continue;
    const name = uri.slice(DIR.length + 1);
    assert.equal(fixed[uri], expected[name] ?? input.files[uri], `${label}: fixed ${name}`);
  }
}

/**
 * Every rule's findings after the fix are the ones before, less the fixed finding (compared by rule, message id and
 * data); each other file the fix changes (a module), analysed on its own, has the findings it had.
 */
function assertNothingElse(rule: Rule, c: CaseBase, input: Input, fixed: Record<string, string>, f: Finding, label: string): void {
  const all = (uri: string, files: Readonly<Record<string, string>>) => analyzeFiles(uri, files, settingsOf(rule, c), registry).findings
    .map((x) => `${x.ruleId} ${keyOf(x)}`).sort();
  const before = all(input.uri, input.files);
  const at = before.indexOf(`${f.ruleId} ${keyOf(f)}`);
  assert.ok(at >= 0, `${label}: the fixed finding is not among all rules' findings`);
  before.splice(at, 1);
  assert.deepEqual(all(input.uri, fixed), before, `${label}: the fix changes other findings:\n${fixed[input.uri]}`);
  for (const uri of Object.keys(fixed)) {
    if (uri === input.uri || fixed[uri] === input.files[uri]) continue;
    assert.deepEqual(all(uri, fixed), all(uri, input.files), `${label}: the fix changes the findings of ${uri.slice(uri.lastIndexOf('/') + 1)} on its own:\n${fixed[uri]}`);
  }
}

/** Re-analysed, the fixed files have fewer findings like the fixed ones (positions move; message id and data do not). */
function assertFixedAway(rule: Rule, c: CaseBase, input: Input, fixed: Record<string, string>, fixedFindings: readonly Finding[], before: readonly Finding[], clean: boolean, label: string): void {
  const after = analyzeFiles(input.uri, fixed, settingsOf(rule, c), clean ? registry : [rule]);
  assert.deepEqual(after.problems.map((p) => p.message), [], `${label}: the fixed file has problems`);
  for (const key of new Set(fixedFindings.map(keyOf))) {
    const count = (fs: readonly Finding[]) => fs.filter((f) => f.ruleId === rule.id && keyOf(f) === key).length;
    assert.ok(count(after.findings) < count(before), `${label}: the finding is still there after the fix (${key}):\n${list(after.findings)}\n${fixed[input.uri]}`);
  }
  if (clean) assert.equal(after.findings.length, 0, `${label}: the fixed file should have no findings of any rule:\n${list(after.findings)}`);
}
