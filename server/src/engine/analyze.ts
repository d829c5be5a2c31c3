// The engine's entry point: one file in, findings out. Used by the language server and the CLI.

import { rules, type Level, type Rule } from '../../../rules';
import { keepShapes } from './shapes';
import { loadArm } from './arm/load';
import { loadBicep, loadBicepParam } from './bicep/load';
import type { Settings } from './config';
import type { Fix } from './fixes';
import { isUnknown } from './expressions/value';
import { writtenAt, type AiResource, type FileKind, type Loc, type SourceFile, type ValueNode } from './model';

export interface Related { readonly loc: Loc; readonly message: string }

export interface Finding {
  readonly ruleId: string;
  readonly level: Level;
  readonly message: string;
  readonly loc: Loc;
  readonly resource: string;
  readonly related: readonly Related[];
  readonly fixes: readonly Fix[];
  /** Where the offending value is written, when it flowed in from elsewhere (parameter default, parameter file, caller). */
  readonly site?: Loc;
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
  /** Bicep's module cache (`~/.bicep`) as a file URI, where `bicep restore` puts registry modules. */
  readonly moduleCacheUri?: string;
  /** False to leave fixes out (an audit reports; it does not edit): results then hold no syntax trees. */
  readonly fixes?: boolean;
}

/** What a format loader hands the engine: resources evaluated once per parameter file (or once). */
export interface Loaded {
  readonly isTemplate: boolean;
  readonly problems: readonly Problem[];
  readonly runs: readonly (readonly AiResource[])[];
  /** For a parameter file: report only what the values set in it cause, at those values. */
  readonly reportAtSitesIn?: string;
  /** Drops findings the file's own suppression comments cover (Bicep's #disable-next-line). */
  readonly isSuppressed?: (finding: Finding) => boolean;
}

export function fileKindOf(uri: string): FileKind | undefined {
  const lower = uri.toLowerCase();
  if (lower.endsWith('.json') || lower.endsWith('.jsonc')) return 'arm';
  if (lower.endsWith('.bicep')) return 'bicep';
  if (lower.endsWith('.bicepparam')) return 'bicepparam';
  return undefined;
}

export function analyze(file: SourceFile, options: AnalyzeOptions): AnalysisResult {
  const loaded = file.kind === 'arm' ? loadArm(file, options) : file.kind === 'bicep' ? loadBicep(file, options) : loadBicepParam(file, options);
  if (!loaded.isTemplate) return { file, isTemplate: false, resources: [], findings: [], problems: loaded.problems };
  let findings = mergeFindings(loaded.runs.map((resources) => check(resources, options.settings, options.fixes ?? true)));
  const sites = loaded.reportAtSitesIn;
  if (sites) {
    findings = findings
      .filter((f) => f.site?.file.uri === sites)
      .map((f) => ({ ...f, loc: f.site!, related: [{ loc: f.loc, message: `used here by AI service '${f.resource}'` }, ...f.related] }));
  }
  // Findings located in other files (inside a module) belong to those files' own analysis.
  findings = findings.filter((f) => f.loc.file.uri === file.uri && !loaded.isSuppressed?.(f));
  // In reading order, as ESLint lists them; the sort is stable, so rule order breaks ties.
  findings.sort((a, b) => a.loc.start - b.loc.start);
  const own = loaded.runs.map((resources) => resources.filter((r) => r.file.uri === file.uri).map(summarize));
  return { file, isTemplate: true, resources: mergeSummaries(own), findings, problems: loaded.problems };
}

/** One finding per place and rule: the same problem under several parameter files is reported once, naming them. */
function mergeFindings(runs: readonly Finding[][]): Finding[] {
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
function mergeSummaries(runs: readonly ResourceSummary[][]): ResourceSummary[] {
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

function summarize(resource: AiResource): ResourceSummary {
  const value = resource.properties?.member('restrictOutboundNetworkAccess')?.value;
  return { name: resource.name, loc: resource.typeLoc, restricted: isUnknown(value) ? 'unknown' : value === true };
}

/** Runs every enabled rule on every resource. */
export function check(resources: readonly AiResource[], settings: Settings, withFixes = true): Finding[] {
  const findings: Finding[] = [];
  const options = { ownerTagNames: settings.ownerTagNames };
  for (const resource of resources) {
    for (const rule of rules) {
      const setting = settings.rules[rule.id] ?? rule.defaultLevel;
      if (setting === 'off' || resource.suppressions.has(rule.id)) continue;
      for (const report of rule.check(resource, options)) {
        findings.push(toFinding(rule, setting, resource, report, withFixes));
      }
    }
  }
  return findings;
}

function isNode(at: ValueNode | Loc): at is ValueNode {
  return 'value' in at;
}

function toFinding(rule: Rule, level: Level, resource: AiResource, report: ReturnType<Rule['check']>[number], withFixes: boolean): Finding {
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
    const declaration = resource.symbolicName ? context.generatedFrom.declarationOf?.(resource.symbolicName) : undefined;
    if (declaration) related.push({ loc: declaration, message: `'${resource.symbolicName}' is declared here in the Bicep source` });
  }
  const site = isNode(report.at) ? writtenAt(report.at).loc : undefined;
  let fixes: readonly Fix[] | undefined;
  return {
    ruleId: rule.id,
    level: report.advisory ? 'info' : level,
    message,
    loc,
    resource: resource.name,
    related,
    // Computed on first use: most findings are shown, few are fixed.
    get fixes() {
      fixes ??= withFixes ? [...(report.fixes?.() ?? []), suppressFix(rule.id, resource, loc)] : [];
      return fixes;
    },
    site,
  };
}

/** Suppression is recorded on the resource (metadata in ARM, `#disable-next-line` in Bicep), with a reason to fill in. */
function suppressFix(ruleId: string, resource: AiResource, at: Loc): Fix {
  return {
    title: `Suppress ${ruleId} for '${resource.name}' (with a reason)`,
    safe: false,
    changes: [{ kind: 'suppress', resource, ruleId, reason: 'TODO: say why this is acceptable', at }],
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

let shapesKept = false;

/** Keeps one small ARM analysis, with its fixes, alive for good: see `keepShapes`. */
export function keepArmShapes(settings: Settings): void {
  if (shapesKept) return;
  shapesKept = true;
  const text = JSON.stringify({
    $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#',
    contentVersion: '1.0.0.0',
    parameters: { p: { type: 'string', defaultValue: 'x' } },
    variables: { v: "[toUpper(parameters('p'))]" },
    resources: [{
      type: 'Microsoft.CognitiveServices/accounts', apiVersion: '2024-10-01', name: "[format('{0}-ai', parameters('p'))]", kind: 'OpenAI',
      tags: { owner: "[variables('v')]" },
      properties: { restrictOutboundNetworkAccess: false, allowedFqdnList: ['*.x.com', 'https://y.com/', 'a.b.com', 'A.b.com'], publicNetworkAccess: 'Enabled' },
    }],
  });
  const result = analyze({ uri: 'inmemory:///shapes.json', text, kind: 'arm' }, { settings });
  keepShapes(result, result.findings.map((f) => f.fixes));
}
