// Runs a template through both the linter and the generated policy, account by account, and says whether
// they agree or which listed difference (docs/enforcing-in-azure.md, "Where policy and the linter differ")
// explains it. Anything else is a disagreement, and the agreement test fails on it.

import { rules as registry, ruleById, defaultOptions, subjectTypes, type Report, type Rule } from '../../rules';
import { type AnalyzeOptions, type Finding, type Loaded } from '../../server/src/engine/analyze';
import { loadArm } from '../../server/src/engine/arm/load';
import { loadBicep, loadBicepParam } from '../../server/src/engine/bicep/load';
import type { Settings } from '../../server/src/engine/config';
import { isObject, isUnknown } from '../../server/src/engine/expressions/value';
import type { DeploymentGraph } from '../../server/src/engine/graph/graph';
import type { AiResource, SourceFile, ValueNode } from '../../server/src/engine/model';
import { memberParameterValues, type Json, type PolicyDefinition, type PolicySet } from '../../server/src/policy/definitions';
import { evaluatePolicy, type PolicyResource, type Truth } from '../../server/src/policy/evaluate';
import { generatePolicy } from '../../server/src/policy/generate';
import { policyResourceOf } from '../../server/src/policy/resource';

/** The differences the docs list. Each is asserted to occur where it is expected, and only there. */
export const DIFFERENCES = {
  /** A value the definition reads is unknown before deployment: policy sees it, the linter cannot. */
  'unknown-value': 'a value known only at deployment',
  /** The linter's finding is suppressed in the template; in Azure that takes an exemption. */
  suppressed: 'suppressed in the template (an exemption in Azure)',
  /** A kind outside the kinds parameter: the linter asks (advisory), policy does not check it. */
  'kind-not-listed': 'a kind not listed as supporting outbound restriction',
  /** An owner tag of only spaces: the linter trims, policy's operators cannot. */
  'blank-owner': 'an owner tag of only spaces',
  /** An allow-list entry the template explains (a dependency, its own resource): policy sees no other resources. */
  dependency: 'an entry explained by a dependency in the template',
} as const;

export type Difference = keyof typeof DIFFERENCES;

export interface Comparison {
  /** The deployed instance: file label, run (parameter file), account id in the graph. */
  readonly key: string;
  readonly account: string;
  readonly ruleId: string;
  readonly policy: Truth;
  /** Message ids the rule reports for the account, suppressed or not. */
  readonly linter: readonly string[];
  readonly suppressed: boolean;
  readonly outcome: 'agree' | Difference | 'disagree' | 'not-comparable';
}

/** Types any registered rule reads, so loaders read every body a rule may need. */
function readScope() {
  const types = new Set<string>();
  for (const rule of registry) for (const t of [...rule.resourceTypes ?? [], ...subjectTypes(rule)]) types.add(t.toLowerCase());
  return { types };
}

export function load(file: SourceFile, options: AnalyzeOptions): Loaded {
  return file.kind === 'arm' ? loadArm(file, options) : file.kind === 'bicep' ? loadBicep(file, options, readScope()) : loadBicepParam(file, options, readScope());
}

const generated = new Map<string, { set: PolicySet; definitions: Map<string, PolicyDefinition> }>();

/** The policy generated for these settings, its definitions read back from the generated files. */
export function policyFor(settings: Settings): { set: PolicySet; definitions: Map<string, PolicyDefinition> } {
  const key = JSON.stringify(settings);
  let entry = generated.get(key);
  if (!entry) {
    const { set, files } = generatePolicy({ settings, format: 'json' });
    const definitions = new Map<string, PolicyDefinition>();
    for (const f of files) {
      if (f.path.startsWith('definitions/')) {
        const d = JSON.parse(f.content) as PolicyDefinition;
        definitions.set(d.name, d);
      }
    }
    entry = { set, definitions };
    generated.set(key, entry);
  }
  return entry;
}

/** Compares policy and linter on every AI account the file deploys (each parameter file a deployment). */
export function compareFile(label: string, file: SourceFile, options: AnalyzeOptions): Comparison[] {
  const loaded = load(file, options);
  if (!loaded.isTemplate) return [];
  const { set, definitions } = policyFor(options.settings);
  const out: Comparison[] = [];
  for (const [run, graph] of loaded.runs.entries()) {
    for (const account of graph.accounts) {
      const key = `${label}#${run}#${account.id}`;
      const resource = policyResourceOf(account, graph);
      for (const member of set.members) {
        if (!member.definition) continue;
        const definition = definitions.get(member.definition.name)!;
        const verdict = evaluatePolicy(definition, resource, memberParameterValues(set, member) as Record<string, Json>).nonCompliant;
        const rule = ruleById.get(member.ruleId);
        out.push(rule
          ? classify(key, account, graph, resource, rule, options.settings, loaded, verdict)
          : { key, account: account.name, ruleId: member.ruleId, policy: verdict, linter: [], suppressed: false, outcome: 'not-comparable' });
      }
    }
  }
  return out;
}

function classify(key: string, account: AiResource, graph: DeploymentGraph, resource: PolicyResource, rule: Rule, settings: Settings, loaded: Loaded, policy: Truth): Comparison {
  const options = { ...defaultOptions(rule), ...settings.ruleOptions[rule.id] };
  // What the rule says without suppressions; then whether the findings would be shown.
  const reports: Report[] = rule.check(account, { options, graph });
  // Bicep's #disable-next-line works on findings: ask it as analyze does.
  const directive = (r: Report) => !!loaded.suppressionOf?.({ ruleId: rule.id, loc: 'value' in r.at ? (r.at as ValueNode).loc : r.at } as Finding);
  const suppressed = reports.length > 0 && (account.suppressions.has(rule.id) || reports.every(directive));
  const definite = reports.filter((r) => !r.advisory);
  const base = { key, account: account.name, ruleId: rule.id, policy, linter: reports.map((r) => r.messageId), suppressed };
  const outcome = ((): Comparison['outcome'] => {
    if (policy === 'unknown') return 'unknown-value';
    const agrees = policy ? definite.length > 0 : reports.length === 0;
    if (agrees) return suppressed ? 'suppressed' : 'agree';
    if (!policy && reports.every((r) => r.messageId === 'kindNotListed')) return 'kind-not-listed';
    if (!policy && rule.id === 'require-owner-tag' && reports.every((r) => r.messageId === 'empty') && hasBlankOwner(resource, options.ownerTagNames)) return 'blank-owner';
    if (policy && !reports.length && rule.id === 'no-unexplained-fqdns') return 'dependency';
    return 'disagree';
  })();
  return { ...base, outcome };
}

function hasBlankOwner(resource: PolicyResource, names: unknown): boolean {
  const tags = resource.tags;
  if (!isObject(tags) || !Array.isArray(names)) return false;
  const wanted = names.map((n) => String(n).toLowerCase());
  return Object.entries(tags).some(([k, v]) => wanted.includes(k.toLowerCase()) && typeof v === 'string' && v !== '' && v.trim() === '');
}

/** Whether a resource holds a value unknown before deployment anywhere (for the unknown-value difference). */
export function holdsUnknown(resource: PolicyResource): boolean {
  const visit = (v: unknown): boolean => isUnknown(v) || (Array.isArray(v) ? v.some(visit) : typeof v === 'object' && v !== null ? Object.values(v).some(visit) : false);
  return [resource.kind, resource.tags, resource.properties].some(visit);
}

export interface Figures {
  accounts: number;
  comparisons: number;
  agreements: number;
  differences: Partial<Record<Difference, number>>;
  notComparable: number;
  disagreements: Comparison[];
}

export function tally(comparisons: readonly Comparison[]): Figures {
  const figures: Figures = { accounts: new Set(comparisons.map((c) => c.key)).size, comparisons: comparisons.length, agreements: 0, differences: {}, notComparable: 0, disagreements: [] };
  for (const c of comparisons) {
    if (c.outcome === 'agree') figures.agreements++;
    else if (c.outcome === 'disagree') figures.disagreements.push(c);
    else if (c.outcome === 'not-comparable') figures.notComparable++;
    else figures.differences[c.outcome] = (figures.differences[c.outcome] ?? 0) + 1;
  }
  return figures;
}

export function describeFigures(name: string, f: Figures): string {
  const diffs = Object.entries(f.differences).map(([k, v]) => `${k}: ${v}`).join(', ') || 'none';
  return `${name}: ${f.accounts} accounts, ${f.comparisons} account×definition pairs, ${f.agreements} agree, listed differences (${diffs}), ${f.notComparable} without a linter rule yet, ${f.disagreements.length} disagree`;
}
