// The engine's entry point: one file in, findings out. Used by the language server and the CLI.

import { parseTree, printParseErrorCode } from 'jsonc-parser';
import { conventionalNames, readParameterFile, templateNamedBy, type ParameterFile } from './arm/parameters';
import { rules, type Level, type Rule } from '../../../rules';
import { generatorOf, isDeploymentTemplate, parseArm, readArmResources } from './arm/reader';
import type { Settings } from './config';
import type { Fix } from './fixes';
import { isUnknown } from './expressions/value';
import { writtenAt, type AiResource, type FileKind, type Loc, type SourceFile, type ValueNode } from './model';
import { positionAt } from './text';

export interface Related { readonly loc: Loc; readonly message: string }

export interface Finding {
  readonly ruleId: string;
  readonly level: Level;
  readonly message: string;
  readonly loc: Loc;
  readonly resource: string;
  readonly related: readonly Related[];
  readonly fixes: readonly Fix[];
}

export interface ResourceSummary {
  readonly name: string;
  readonly loc: Loc;
  /** restrictOutboundNetworkAccess deploys as true; 'unknown' when it cannot be verified. */
  readonly restricted: boolean | 'unknown';
}

export interface Problem { readonly message: string; readonly start: number; readonly end: number }

export interface AnalysisResult {
  readonly file: SourceFile;
  /** False for files that are not templates (package.json, parameter files, ...): they get nothing. */
  readonly isTemplate: boolean;
  readonly resources: readonly ResourceSummary[];
  readonly findings: readonly Finding[];
  /** Syntax errors and the like: the file was analysed as far as it could be read. */
  readonly problems: readonly Problem[];
}

/** Reads other files (parameter files, modules, sibling sources); undefined when absent or unreadable. */
export interface FileHost {
  readFile(uri: string): string | undefined;
  /** Names of the files in a folder (URI without trailing slash). */
  listDir?(uri: string): readonly string[] | undefined;
}

export interface AnalyzeOptions {
  readonly settings: Settings;
  readonly host?: FileHost;
}

export function fileKindOf(uri: string): FileKind | undefined {
  const lower = uri.toLowerCase();
  if (lower.endsWith('.json') || lower.endsWith('.jsonc')) return 'arm';
  return undefined;
}

export function analyze(file: SourceFile, options: AnalyzeOptions): AnalysisResult {
  const doc = parseArm(file);
  if (!isDeploymentTemplate(doc.root)) return { file, isTemplate: false, resources: [], findings: [], problems: [] };
  // One problem for a malformed file: the first error is the one to fix, the rest often follow from it.
  const first = doc.errors[0];
  const more = doc.errors.length > 1 ? ` (and ${doc.errors.length - 1} more error${doc.errors.length > 2 ? 's' : ''})` : '';
  const problems = first ? [{
    message: `not valid JSON: ${printParseErrorCode(first.error)} at line ${positionAt(file.text, first.offset).line + 1}${more}; analysed what could be read`,
    start: first.offset,
    end: first.offset + first.length,
  }] : [];
  const generated = generatorOf(doc.root) === 'bicep' ? generatedFrom(file, options.host) : undefined;
  const cloud = options.settings.cloud;
  const parameterFiles = options.host ? parameterFilesOf(file, options.host) : [];
  // Evaluated once per parameter file, as each would be deployed; without one, with the defaults.
  const runs = parameterFiles.length
    ? parameterFiles.map((parameterFile) => readArmResources(doc, { cloud, parameterFile, generatedFrom: generated }))
    : [readArmResources(doc, { cloud, generatedFrom: generated })];
  return {
    file,
    isTemplate: true,
    resources: mergeSummaries(runs.map((resources) => resources.map(summarize))),
    findings: mergeFindings(runs.map((resources) => check(resources, options.settings))),
    problems,
  };
}

function parameterFilesOf(file: SourceFile, host: FileHost): ParameterFile[] {
  const slash = file.uri.lastIndexOf('/');
  const dir = file.uri.slice(0, slash);
  const name = file.uri.slice(slash + 1);
  const siblings = host.listDir?.(dir) ?? [];
  const out: ParameterFile[] = [];
  const seen = new Set<string>();
  const consider = (sibling: string, requireMetadata: boolean) => {
    if (seen.has(sibling) || sibling === name) return;
    const uri = `${dir}/${sibling}`;
    const text = host.readFile(uri);
    if (text === undefined) return;
    const root = parseTree(text, [], { allowTrailingComma: true });
    if (requireMetadata && templateNamedBy(root)?.replace(/^\.\//, '') !== name) return;
    const parsed = readParameterFile({ uri, text, kind: 'arm' }, root);
    if (parsed) {
      seen.add(sibling);
      out.push(parsed);
    }
  };
  for (const sibling of conventionalNames(name, siblings)) consider(sibling, false);
  // Other JSON files beside it may name the template in their metadata; cheap check before parsing.
  for (const sibling of siblings) {
    if (/\.json$/i.test(sibling) && !seen.has(sibling)) {
      const text = host.readFile(`${dir}/${sibling}`);
      if (text !== undefined && text.includes('"template"') && text.includes(name)) consider(sibling, true);
    }
  }
  return out;
}

/** One finding per place and rule: the same problem under several parameter files is reported once, naming them. */
function mergeFindings(runs: Finding[][]): Finding[] {
  if (runs.length === 1) return runs[0];
  const byKey = new Map<string, { finding: Finding; files: string[] }>();
  for (const findings of runs) {
    for (const f of findings) {
      const base = f.message.replace(/ \[with parameter file [^\]]*\]/, '');
      const key = `${f.ruleId}|${f.loc.file.uri}|${f.loc.start}|${f.loc.end}|${base}`;
      const entry = byKey.get(key);
      const pf = /\[with parameter file ([^\]]*)\]/.exec(f.message)?.[1];
      if (entry) {
        if (pf) entry.files.push(pf);
      } else {
        byKey.set(key, { finding: f, files: pf ? [pf] : [] });
      }
    }
  }
  return [...byKey.values()].map(({ finding, files }) => files.length > 1
    ? { ...finding, message: finding.message.replace(/\[with parameter file [^\]]*\]/, `[with parameter files ${files.join(', ')}]`) }
    : finding);
}

/** A resource is restricted only when it is under every parameter file. */
function mergeSummaries(runs: ResourceSummary[][]): ResourceSummary[] {
  if (runs.length === 1) return runs[0];
  const byLoc = new Map<string, ResourceSummary>();
  for (const summaries of runs) {
    for (const s of summaries) {
      const key = `${s.loc.file.uri}|${s.loc.start}`;
      const prev = byLoc.get(key);
      const restricted = !prev ? s.restricted
        : prev.restricted === false || s.restricted === false ? false
        : prev.restricted === 'unknown' || s.restricted === 'unknown' ? 'unknown' : true;
      byLoc.set(key, { ...s, restricted });
    }
  }
  return [...byLoc.values()];
}

function generatedFrom(file: SourceFile, host: FileHost | undefined): AiResource['context']['generatedFrom'] {
  const sibling = file.uri.replace(/\.jsonc?$/i, '.bicep');
  return { tool: 'bicep', sourceUri: sibling !== file.uri && host?.readFile(sibling) !== undefined ? sibling : undefined };
}

function summarize(resource: AiResource): ResourceSummary {
  const value = resource.properties?.member('restrictOutboundNetworkAccess')?.value;
  return { name: resource.name, loc: resource.typeLoc, restricted: isUnknown(value) ? 'unknown' : value === true };
}

/** Runs every enabled rule on every resource. */
export function check(resources: readonly AiResource[], settings: Settings): Finding[] {
  const findings: Finding[] = [];
  const options = { ownerTagNames: settings.ownerTagNames };
  for (const resource of resources) {
    for (const rule of rules) {
      const setting = settings.rules[rule.id] ?? rule.defaultLevel;
      if (setting === 'off' || resource.suppressions.has(rule.id)) continue;
      for (const report of rule.check(resource, options)) {
        findings.push(toFinding(rule, setting, resource, report));
      }
    }
  }
  return findings;
}

function isNode(at: ValueNode | Loc): at is ValueNode {
  return 'value' in at;
}

function toFinding(rule: Rule, level: Level, resource: AiResource, report: ReturnType<Rule['check']>[number]): Finding {
  let loc = isNode(report.at) ? report.at.loc : report.at;
  const related: Related[] = [];
  // A value passed in by a caller is reported where the caller writes it: that is where the fix belongs.
  if (isNode(report.at)) {
    const caller = outermostCaller(report.at);
    if (caller) {
      related.push({ loc, message: `received here by AI service '${resource.name}'` });
      loc = caller.loc;
    }
  }
  let message = report.message;
  const context = resource.context;
  if (context.parameterFile) message += ` [with parameter file ${context.parameterFile}]`;
  // A value set in another file (a parameter file) is shown there too.
  if (isNode(report.at) && !related.length) {
    const site = writtenAt(report.at);
    if (site !== report.at && site.loc.file.uri !== loc.file.uri) related.push({ loc: site.loc, message: 'the value is set here' });
  }
  if (context.generatedFrom) {
    const source = context.generatedFrom.sourceUri;
    message += source
      ? ` This file is generated by Bicep: make the change in ${source.slice(source.lastIndexOf('/') + 1)} next to it.`
      : ' This file is generated by Bicep: make the change in the Bicep source.';
    if (source) related.push({ loc: { file: { uri: source, text: '', kind: 'bicep' }, start: 0, end: 0 }, message: 'the Bicep source of this template' });
  }
  return {
    ruleId: rule.id,
    level: report.advisory ? 'info' : level,
    message,
    loc,
    resource: resource.name,
    related,
    fixes: [...(report.fixes ?? []), suppressFix(rule.id, resource)],
  };
}

/** Suppression is recorded on the resource (metadata in ARM, `#disable-next-line` in Bicep), with a reason to fill in. */
function suppressFix(ruleId: string, resource: AiResource): Fix {
  return {
    title: `Suppress ${ruleId} for '${resource.name}' (with a reason)`,
    safe: false,
    changes: [{ kind: 'suppress', resource, ruleId, reason: 'TODO: say why this is acceptable' }],
  };
}

function outermostCaller(node: ValueNode): ValueNode | undefined {
  let found: ValueNode | undefined;
  let current: ValueNode | undefined = node;
  for (let depth = 0; current?.origin && depth < 64; depth++) {
    if (current.origin.kind === 'caller') found = current.origin.node;
    current = current.origin.node;
  }
  return found;
}
