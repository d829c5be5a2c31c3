// The egress map of one AI service: whether outbound access is restricted, what it depends on, and
// each allow-list entry with the reason it is there (a dependency, a resource of the deployment, an
// approved pattern) or none. Rules, the explain report and JSON output read it. Engine code.

import { isUnknown, type Value } from '../expressions/value';
import type { DeploymentGraph, GraphResource } from '../graph/graph';
import { fitsPieces, HOLE, patternOf } from '../graph/ids';
import type { AiResource, Loc, ValueNode } from '../model';
import { dependenciesOf, display, namesEqual, type Dependency, type Evidence } from './dependencies';
import { serviceHostSuffix } from '../graph/runtime';

export type EntryStatus =
  /** Admits a host the service depends on. */
  | 'dependency'
  /** The host of a resource of this deployment (its own storage account, a search service it declares). */
  | 'ownResource'
  /** Matches a pattern of the config's `approvedFqdns`. */
  | 'approved'
  /** None of these: nothing in the template explains it. */
  | 'unexplained'
  /** Not known before deployment: cannot be judged. */
  | 'unknown';

export interface EntryInfo {
  readonly node: ValueNode;
  /** The entry as shown: unknown pieces as `{…}`. */
  readonly shown: string;
  readonly status: EntryStatus;
  /** The dependencies it admits (exactly or by wildcard). */
  readonly dependencies: readonly Dependency[];
  /** For `ownResource`: the resource whose host it is. */
  readonly resource?: GraphResource;
  /** For `approved`: the pattern that approves it. */
  readonly approvedBy?: string;
}

export interface Egress {
  readonly account: AiResource;
  /** What `restrictOutboundNetworkAccess` deploys as. */
  readonly restricted: boolean | 'unknown';
  /** `properties.allowedFqdnList`, when set (not null: see `allowListNode`). */
  readonly listNode?: ValueNode;
  /** The entries; undefined when the list is absent or not known before deployment. */
  readonly entries?: readonly EntryInfo[];
  readonly dependencies: readonly Dependency[];
  /**
   * Dependencies whose host (known or partially known) no entry admits. Empty when the list holds an entry
   * that is not known at all, or is not known itself: then nothing can be said.
   */
  readonly missing: readonly Dependency[];
}

/**
 * `properties.allowedFqdnList` as it deploys: undefined when it is absent or null (a nullable parameter nobody
 * passes; ARM sends null, and the service takes it as not set, so a restricted account reaches nothing).
 */
export function allowListNode(account: AiResource): ValueNode | undefined {
  const node = account.properties?.member('allowedFqdnList');
  return node && node.value !== null ? node : undefined;
}

const egressCache = new WeakMap<DeploymentGraph, Map<AiResource, Map<string, Egress>>>();

/** The egress map of an AI account of `graph`; `approved` are the config's approvedFqdns patterns. Computed once per account. */
export function egressOf(account: AiResource, graph: DeploymentGraph, approved: readonly string[] = []): Egress {
  let byAccount = egressCache.get(graph);
  if (!byAccount) egressCache.set(graph, (byAccount = new Map()));
  let byApproved = byAccount.get(account);
  if (!byApproved) byAccount.set(account, (byApproved = new Map()));
  const key = approved.join('\n');
  let egress = byApproved.get(key);
  if (!egress) byApproved.set(key, (egress = computeEgress(account, graph, approved)));
  return egress;
}

/**
 * The dependencies whose host no entry admits, without judging the other entries (see `Egress.missing`).
 * Cheaper than `egressOf`, for the rules that only ask what is missing.
 */
export function missingOf(account: AiResource, graph: DeploymentGraph): { readonly dependencies: readonly Dependency[]; readonly missing: readonly Dependency[] } {
  const dependencies = dependenciesOf(account, graph);
  const known = dependencies.filter((d) => patternOf(d.host) !== undefined);
  const listNode = allowListNode(account);
  if (!listNode) return { dependencies, missing: known };
  const items = listNode.items();
  if (!items || items.some((node) => patternOf(node.value) === undefined)) return { dependencies, missing: [] };
  return { dependencies, missing: known.filter((d) => !items.some((node) => admits(node.value, d.host))) };
}

function computeEgress(account: AiResource, graph: DeploymentGraph, approved: readonly string[]): Egress {
  const restrictValue = account.properties?.member('restrictOutboundNetworkAccess')?.value;
  const restricted = isUnknown(restrictValue) ? 'unknown' : restrictValue === true;
  const dependencies = dependenciesOf(account, graph);
  const listNode = allowListNode(account);
  const items = listNode?.items();
  const known = dependencies.filter((d) => patternOf(d.host) !== undefined);
  if (!items) {
    return { account, restricted, listNode, dependencies, missing: listNode ? [] : known };
  }
  const entries: EntryInfo[] = items.map((node) => {
    const shown = display(node.value);
    if (patternOf(node.value) === undefined) return { node, shown, status: 'unknown', dependencies: [] };
    const admitted = dependencies.filter((d) => admits(node.value, d.host));
    if (admitted.length) return { node, shown, status: 'dependency', dependencies: admitted };
    const resource = ownResourceOf(graph, node.value);
    if (resource) return { node, shown, status: 'ownResource', dependencies: [], resource };
    const approvedBy = approved.find((p) => approves(p, node.value));
    if (approvedBy) return { node, shown, status: 'approved', dependencies: [], approvedBy };
    return { node, shown, status: 'unexplained', dependencies: [] };
  });
  const anyUnknown = entries.some((e) => e.status === 'unknown');
  const missing = anyUnknown ? [] : known.filter((d) => !items.some((node) => admits(node.value, d.host)));
  return { account, restricted, listNode, entries, dependencies, missing };
}

/**
 * Whether an allow-list entry admits a host: 'exact' (the same host, known or as the same pattern),
 * 'wildcard' (a `*` entry covering it), or undefined. Hosts and entries compare case-insensitively,
 * without a trailing dot.
 */
export function admits(entry: Value, host: Value): 'exact' | 'wildcard' | undefined {
  const ep = patternOf(entry), hp = patternOf(host);
  if (ep === undefined || hp === undefined) return undefined;
  const e = ep.replace(/\.$/, ''), h = hp.replace(/\.$/, '');
  if (e.includes('*')) {
    return fitsPieces(e.toLowerCase().split(WILDCARDS), h.replaceAll(HOLE, 'x').toLowerCase()) ? 'wildcard' : undefined;
  }
  return namesEqual(e, h) ? 'exact' : undefined;
}

/** Whether an approvedFqdns pattern (`*.contoso.com`: any host under it; otherwise one host) approves an entry. */
export function approves(pattern: string, entry: Value): boolean {
  const ep = patternOf(entry);
  if (ep === undefined) return false;
  const text = ep.replace(/\.$/, '').toLowerCase().replaceAll(HOLE, 'x');
  const p = pattern.trim().replace(/\.$/, '').toLowerCase();
  if (p.startsWith('*.')) return text.endsWith(p.slice(1)) && text.length > p.length - 1;
  return text === p;
}

/** A `*` of an entry, or an unknown piece of it. */
const WILDCARDS = new RegExp(`[*${HOLE}]`);

const AI_TYPE = 'microsoft.cognitiveservices/accounts';

/**
 * The resource type whose hosts are `<label>.<suffix>` in the graph's cloud (`x.search.windows.net` → search
 * services, `x.queue.core.windows.net` → storage accounts), for a host whose part after the first label is one
 * of those suffixes; undefined otherwise.
 */
function typeOfSuffix(suffix: string, cloud: DeploymentGraph['cloud']): string | undefined {
  let table = suffixCache.get(cloud);
  if (!table) {
    table = new Map();
    const storage = serviceHostSuffix(cloud, 'storage').toLowerCase();
    for (const s of ['blob', 'queue', 'table', 'file', 'dfs']) table.set(`${s}.${storage}`, 'microsoft.storage/storageaccounts');
    table.set(serviceHostSuffix(cloud, 'search').toLowerCase(), 'microsoft.search/searchservices');
    table.set(serviceHostSuffix(cloud, 'cosmos').toLowerCase(), 'microsoft.documentdb/databaseaccounts');
    table.set(serviceHostSuffix(cloud, 'keyvault').toLowerCase(), 'microsoft.keyvault/vaults');
    table.set(serviceHostSuffix(cloud, 'web').toLowerCase(), 'microsoft.web/sites');
    for (const s of ['cognitive', 'openai', 'foundry'] as const) table.set(serviceHostSuffix(cloud, s).toLowerCase(), AI_TYPE);
    suffixCache.set(cloud, table);
  }
  return table.get(suffix);
}

const suffixCache = new Map<DeploymentGraph['cloud'], Map<string, string>>();

/**
 * The deployment's resources of one type that have hosts of their own, indexed by the first label of those hosts
 * (the resource's name; an AI account's customSubDomainName), so an entry is compared with the few resources
 * that can be its host. Names known only in part are also kept aside, compared by pattern. Built per type on
 * first use: most templates never ask, and names are evaluated only for the types asked about.
 */
interface OwnIndex {
  readonly byLabel: Map<string, GraphResource[]>;
  /** Labels with unknown pieces, split at them. */
  readonly partial: { pieces: readonly string[]; resource: GraphResource }[];
}

const ownCache = new WeakMap<DeploymentGraph, Map<string, OwnIndex>>();

function ownIndex(graph: DeploymentGraph, type: string): OwnIndex {
  let byType = ownCache.get(graph);
  if (!byType) ownCache.set(graph, (byType = new Map()));
  const cached = byType.get(type);
  if (cached) return cached;
  const index: OwnIndex = { byLabel: new Map(), partial: [] };
  for (const r of graph.ofType(type)) {
    if (!r.declaration) continue;
    const label = type === AI_TYPE ? r.declaration.member('properties')?.member('customSubDomainName')?.value : graph.fullName(r);
    const pattern = label === undefined ? undefined : patternOf(label)?.toLowerCase();
    if (pattern === undefined || pattern.includes('/') || pattern.includes('.')) continue;
    if (pattern.includes(HOLE)) index.partial.push({ pieces: pattern.split(HOLE), resource: r });
    const list = index.byLabel.get(pattern);
    if (list) list.push(r); else index.byLabel.set(pattern, [r]);
  }
  byType.set(type, index);
  return index;
}

/**
 * The resource of the deployment whose host an entry is, if any: `<name>.<suffix>` of a resource of the type that
 * suffix belongs to (an AI account's customSubDomainName), compared as names are (known, or the same pattern).
 */
export function ownResourceOf(graph: DeploymentGraph, entry: Value): GraphResource | undefined {
  const pattern = patternOf(entry)?.toLowerCase().replace(/\.$/, '');
  if (pattern === undefined || pattern.includes('*')) return undefined;
  const dot = pattern.indexOf('.');
  const suffix = pattern.slice(dot + 1);
  const type = dot > 0 && !suffix.includes(HOLE) ? typeOfSuffix(suffix, graph.cloud) : undefined;
  if (!type) return undefined;
  const label = pattern.slice(0, dot);
  const index = ownIndex(graph, type);
  const exact = index.byLabel.get(label)?.[0];
  if (exact) return exact;
  // A known label against a name known in part (`st{…}`), and the reverse.
  if (!label.includes(HOLE)) return index.partial.find((p) => fitsPieces(p.pieces, label))?.resource;
  const pieces = label.split(HOLE);
  for (const [known, list] of index.byLabel) if (!known.includes(HOLE) && fitsPieces(pieces, known)) return list[0];
  return undefined;
}

/** The owner to ask about an entry: the value of the account's owner tag (`owner`, else a tag whose name contains "owner"). */
export function ownerOf(account: AiResource, tagNames: readonly string[] = ['owner']): string | undefined {
  const tags = account.tags?.value;
  if (!tags || typeof tags !== 'object' || Array.isArray(tags) || isUnknown(tags)) return undefined;
  const wanted = tagNames.map((t) => t.toLowerCase());
  const entries = Object.entries(tags).filter(([, value]) => typeof value === 'string' && value);
  const exact = entries.find(([key]) => wanted.includes(key.toLowerCase()));
  const loose = entries.find(([key]) => key.toLowerCase().includes('owner'));
  return (exact ?? loose)?.[1] as string | undefined;
}

/** The egress map as plain data (no graph): what `--explain` prints and JSON output carries, per account. */
export interface EgressSummary {
  /** The parameter file the template was evaluated with, when there was one. */
  readonly parameterFile?: string;
  readonly restricted: boolean | 'unknown';
  readonly dependencies: readonly DependencySummary[];
  /** The allow-list entries with their status; undefined when there is no list, or it is not known before deployment. */
  readonly allowList?: readonly EntrySummary[];
  /** `allowedFqdnList` is set but not known before deployment. */
  readonly allowListUnknown?: boolean;
  /** Hosts of dependencies no entry admits (with unknown pieces as `{…}`). */
  readonly missing: readonly string[];
}

export interface DependencySummary {
  /** The host, unknown pieces as `{…}`; `(unknown)` when nothing of it is known. */
  readonly host: string;
  readonly hostKnown: 'known' | 'partial' | 'unknown';
  readonly service: Dependency['service'];
  readonly resource?: { readonly type: string; readonly name: string; readonly existing: boolean; readonly loc: Loc };
  /** Strongest first. */
  readonly evidence: readonly { readonly kind: Evidence['kind']; readonly detail: string; readonly loc: Loc }[];
  /** Whether an entry admits the host: 'unknown' when the list (or an entry) is not known before deployment. */
  readonly allowed: boolean | 'unknown';
}

export interface EntrySummary {
  readonly entry: string;
  readonly loc: Loc;
  readonly status: EntryStatus;
  /** Why: the dependency hosts it admits, the resource whose host it is, the approving pattern. */
  readonly because: string;
}

export function summarizeEgress(account: AiResource, graph: DeploymentGraph, approved: readonly string[], parameterFile?: string): EgressSummary {
  const egress = egressOf(account, graph, approved);
  const entries = egress.entries;
  const anyUnknownEntry = !!entries?.some((e) => e.status === 'unknown');
  const dependencies: DependencySummary[] = egress.dependencies.map((d) => {
    const pattern = patternOf(d.host);
    const hostKnown = typeof d.host === 'string' ? 'known' : pattern !== undefined ? 'partial' : 'unknown';
    const admitted = !!entries?.some((e) => e.dependencies.includes(d));
    const allowed: boolean | 'unknown' = admitted ? true
      : hostKnown === 'unknown' || (egress.listNode && !entries) || anyUnknownEntry ? 'unknown' : false;
    return {
      host: display(d.host),
      hostKnown,
      service: d.service,
      ...(d.resource ? { resource: { type: d.resource.type, name: display(graph.fullName(d.resource)), existing: d.resource.existing, loc: d.resource.typeLoc } } : {}),
      evidence: [d.evidence, ...d.also].map((e) => ({ kind: e.kind, detail: e.detail, loc: e.loc })),
      allowed,
    };
  });
  const allowList = entries?.map((e): EntrySummary => ({ entry: e.shown, loc: e.node.loc, status: e.status, because: because(e, graph) }));
  return {
    ...(parameterFile ? { parameterFile } : {}),
    restricted: egress.restricted,
    dependencies,
    ...(allowList ? { allowList } : {}),
    ...(egress.listNode && !entries ? { allowListUnknown: true } : {}),
    missing: egress.missing.map((d) => display(d.host)),
  };
}

function because(e: EntryInfo, graph: DeploymentGraph): string {
  switch (e.status) {
    case 'dependency': return `admits ${e.dependencies.map((d) => `'${display(d.host)}' (${d.evidence.detail})`).join(', ')}`;
    case 'ownResource': return `the host of ${e.resource!.type} '${display(graph.fullName(e.resource!))}' of this deployment`;
    case 'approved': return `approvedFqdns pattern '${e.approvedBy}'`;
    case 'unexplained': return 'nothing in the template uses it';
    case 'unknown': return 'not known before deployment';
  }
}
