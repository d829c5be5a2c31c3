// Runs a template through both the linter and the generated policy, account by account, and says whether
// they agree or which listed difference (docs/enforcing-in-azure.md, "Where policy and the linter differ")
// explains it. Anything else is a disagreement, and the agreement test fails on it.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { rules as registry, ruleById, defaultOptions, subjectTypes, type Report, type Rule } from '../../rules';
import { NETWORK_HOLDERS, OUTBOUND_RULES, WORKSPACE_MANAGED_NETWORK } from '../../rules/support/managed-network';
import { type AnalyzeOptions, type Finding, type Loaded } from '../../server/src/engine/analyze';
import { loadArm } from '../../server/src/engine/arm/load';
import { loadBicep, loadBicepParam } from '../../server/src/engine/bicep/load';
import type { Settings } from '../../server/src/engine/config';
import { getProperty, isObject, isUnknown, type Value } from '../../server/src/engine/expressions/value';
import type { DeploymentGraph } from '../../server/src/engine/graph/graph';
import type { AiResource, SourceFile, ValueNode } from '../../server/src/engine/model';
import { memberParameterValues, type Json, type Member, type PolicyDefinition, type PolicySet } from '../../server/src/policy/definitions';
import { evaluatePolicy, type PolicyResource, type Truth } from '../../server/src/policy/evaluate';
import { generatePolicy } from '../../server/src/policy/generate';
import { policyResourceOf } from '../../server/src/policy/resource';
import { ROOT } from '../support/paths';

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
  /** Isolation mode Disabled or not set (no managed network): policy requires AllowOnlyApprovedOutbound, the linter flags only AllowInternetOutbound (and asks about hubs). */
  'isolation-not-approved': 'a managed network whose isolation mode is Disabled or not set',
  /** Outbound rules written in the managedNetwork.outboundRules map of the parent: no alias iterates a map. */
  'rules-in-map': 'outbound rules inside the parent\'s managedNetwork.outboundRules map',
  /** A workspaces/managedNetworks child: no definition reads it (the built-in reads the workspace). */
  'workspace-network-child': 'a workspace managed network declared as a workspaces/managedNetworks child',
  /** A wildcard under a domain one party controls (`*.pytorch.org`): policy flags every wildcard. */
  'narrow-wildcard': 'a wildcard FQDN rule under a domain one party controls',
  /** An FQDN rule for Azure Storage in approved-only mode: the mode is the parent's, which policy does not see. */
  'storage-fqdn': 'an FQDN rule for Azure Storage (the mode is the parent\'s)',
  /** Ports in `portRanges`: no alias for FQDN rules' portRanges. */
  'port-ranges': 'ports in portRanges of an FQDN rule',
} as const;

export type Difference = keyof typeof DIFFERENCES;

export interface Comparison {
  /** The deployed instance: file label, run (parameter file), account id in the graph. */
  readonly key: string;
  readonly account: string;
  /** The resource's type: an AI account, a managed network or an outbound rule. */
  readonly type: string;
  readonly ruleId: string;
  readonly policy: Truth;
  /** Message ids the rule reports for the account, suppressed or not. */
  readonly linter: readonly string[];
  readonly suppressed: boolean;
  readonly outcome: 'agree' | Difference | 'disagree' | 'not-comparable';
}

/** Resource types compared besides AI accounts: managed networks and their outbound rules. */
const MANAGED_TYPES = [...NETWORK_HOLDERS, ...OUTBOUND_RULES];

/**
 * Rules checked on resource types no definition evaluates: policy is compliant there, and a finding of the
 * rule is this listed difference.
 */
const WITHOUT_DEFINITION: readonly { ruleId: string; types: readonly string[]; difference: Difference }[] = [
  { ruleId: 'no-broad-outbound-rules', types: NETWORK_HOLDERS, difference: 'rules-in-map' },
  { ruleId: 'restrict-managed-network-outbound', types: [WORKSPACE_MANAGED_NETWORK], difference: 'workspace-network-child' },
];

const FIXTURES = path.join(ROOT, 'test', 'policy', 'fixtures');

/** Built-ins whose rule is transcribed in test/policy/fixtures (built-in-<id>.json): the test evaluates them too. */
export function builtInDefinition(id: string): PolicyDefinition | undefined {
  const file = path.join(FIXTURES, `built-in-${id}.json`);
  return fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8')) as PolicyDefinition : undefined;
}

const isOfType = (type: string, types: readonly string[]) => types.some((t) => t.toLowerCase() === type.toLowerCase());

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

/** The definition Azure evaluates for a member: ours as generated, or a built-in's transcribed rule. */
function definitionOf(member: Member, definitions: Map<string, PolicyDefinition>): PolicyDefinition | undefined {
  return member.definition ? definitions.get(member.definition.name)! : builtInDefinition(member.builtIn!.id);
}

/**
 * Compares policy and linter on every AI account, managed network and outbound rule resource the file deploys
 * (each parameter file a deployment).
 */
export function compareFile(label: string, file: SourceFile, options: AnalyzeOptions): Comparison[] {
  const loaded = load(file, options);
  if (!loaded.isTemplate) return [];
  const { set, definitions } = policyFor(options.settings);
  const out: Comparison[] = [];
  for (const [run, graph] of loaded.runs.entries()) {
    for (const subject of [...graph.accounts, ...graph.subjects(MANAGED_TYPES)]) {
      const key = `${label}#${run}#${subject.id}`;
      const resource = policyResourceOf(subject, graph);
      for (const member of set.members) {
        if (!isOfType(subject.type, member.resourceTypes)) continue;
        const definition = definitionOf(member, definitions);
        if (!definition) continue;
        const verdict = evaluatePolicy(definition, resource, memberParameterValues(set, member) as Record<string, Json>).nonCompliant;
        const rule = ruleById.get(member.ruleId);
        out.push(rule
          ? classify(key, subject, graph, resource, rule, options.settings, loaded, verdict)
          : { key, account: subject.name, type: subject.type, ruleId: member.ruleId, policy: verdict, linter: [], suppressed: false, outcome: 'not-comparable' });
      }
      for (const { ruleId, types, difference } of WITHOUT_DEFINITION) {
        const rule = ruleById.get(ruleId);
        if (!rule || !isOfType(subject.type, types) || !set.members.some((m) => m.ruleId === ruleId)) continue;
        const c = classify(key, subject, graph, resource, rule, options.settings, loaded, false);
        out.push(c.outcome === 'disagree' ? { ...c, outcome: difference } : c);
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
  const base = { key, account: account.name, type: account.type, ruleId: rule.id, policy, linter: reports.map((r) => r.messageId), suppressed };
  const outcome = ((): Comparison['outcome'] => {
    if (policy === 'unknown') return 'unknown-value';
    const agrees = policy ? definite.length > 0 : reports.length === 0;
    if (agrees) return suppressed ? 'suppressed' : 'agree';
    if (!policy && reports.every((r) => r.messageId === 'kindNotListed')) return 'kind-not-listed';
    if (!policy && rule.id === 'require-owner-tag' && reports.every((r) => r.messageId === 'empty') && hasBlankOwner(resource, options.ownerTagNames)) return 'blank-owner';
    if (policy && !reports.length && rule.id === 'no-unexplained-fqdns') return 'dependency';
    if (policy && !definite.length && rule.id === 'restrict-managed-network-outbound' && isolationNotApproved(resource)) return 'isolation-not-approved';
    if (rule.id === 'no-broad-outbound-rules') {
      const destination = at(resource.properties, ['destination']);
      if (policy && !reports.length && typeof destination === 'string' && destination.includes('*')) return 'narrow-wildcard';
      if (!policy && reports.every((r) => r.messageId === 'storageFqdn')) return 'storage-fqdn';
      if (!policy && typeof at(resource.properties, ['portRanges']) === 'string' && reports.every((r) => r.messageId === 'unsupportedPort' || r.messageId === 'storageFqdn')) return 'port-ranges';
    }
    return 'disagree';
  })();
  return { ...base, outcome };
}

function at(value: Value | undefined, keys: readonly string[]): Value | undefined {
  let v = value;
  for (const k of keys) v = v !== undefined && isObject(v) ? getProperty(v, k) : undefined;
  return v;
}

/** The isolation mode where policy reads it (properties.managedNetwork.isolationMode) is absent or Disabled. */
function isolationNotApproved(resource: PolicyResource): boolean {
  const mode = at(resource.properties, ['managedNetwork', 'isolationMode']);
  return mode === undefined || (typeof mode === 'string' && mode.toLowerCase() === 'disabled');
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
  return `${name}: ${f.accounts} resources (AI accounts, managed networks, outbound rules), ${f.comparisons} resource×definition pairs, ${f.agreements} agree, listed differences (${diffs}), ${f.notComparable} without a linter rule yet, ${f.disagreements.length} disagree`;
}
