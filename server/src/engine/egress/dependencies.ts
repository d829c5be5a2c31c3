// What an AI service must reach, read from the deployment graph: its dependencies, each with the host
// it calls (evaluated per cloud, partially known where names are) and the evidence in the template.
//
// Evidence, strongest first:
//   connection        Foundry connections of the account or of its projects (`properties.target`, `metadata.ResourceId`)
//   capabilityHost    capability hosts naming connections (vector store, storage, thread storage, AI services)
//   userOwnedStorage  `properties.userOwnedStorage[].resourceId` (Speech, Document Intelligence, ...)
//   roleAssignment    a data-plane role granted to the account's or a project's managed identity on a resource
//
// The account's pieces may live in other modules that reference it as `existing` by a name passed down:
// they are matched to the declared account by evaluated name (and scope) within the deployment. Connections
// of Azure ML workspaces that target the account go the other way and are not dependencies.
// Engine code: no file format, no LSP.

import { isObject, isUnknown, Unknown, type Value } from '../expressions/value';
import type { DeploymentGraph, GraphResource } from '../graph/graph';
import { fitsPattern, HOLE, parseResourceId, patternOf, valueOfPattern } from '../graph/ids';
import { principalOf, serviceHostSuffix } from '../graph/runtime';
import { writtenAt, type Loc, type ValueNode } from '../model';
import { dataRoleOf, type RoleService } from './roles';

export type EvidenceKind = 'connection' | 'capabilityHost' | 'userOwnedStorage' | 'roleAssignment';

/** Strongest first. */
export const EVIDENCE_ORDER: readonly EvidenceKind[] = ['connection', 'capabilityHost', 'userOwnedStorage', 'roleAssignment'];

export interface Evidence {
  readonly kind: EvidenceKind;
  /** Where the evidence is written: the connection's target, the capability host's list, the principal passed. */
  readonly loc: Loc;
  /** What it says, for messages: "connection 'search' (CognitiveSearch) of project 'proj'". */
  readonly detail: string;
  /** The connection, capability host or role assignment. */
  readonly source?: GraphResource;
  /** The value the host is read from (a connection's target, a userOwnedStorage id) and the resource it is written on: fixes say the host only where that value is known. */
  readonly value?: { readonly node: ValueNode; readonly of: GraphResource };
}

/** The kind of endpoint the service calls. */
export type Service = RoleService | 'dfs' | 'web' | 'other';

export interface Dependency {
  /** The resource called: the declared one when an `existing` reference names it; undefined when not in the deployment. */
  readonly resource?: GraphResource;
  /** Its evaluated name (partially known where needed), for messages. */
  readonly name?: Value;
  /** The host the service must reach: a string, an Unknown with `parts`, or an Unknown when it cannot be known. */
  readonly host: Value;
  readonly service: Service;
  /** The strongest evidence. */
  readonly evidence: Evidence;
  /** Further evidence for the same host. */
  readonly also: readonly Evidence[];
}

export const CONNECTION_TYPES = ['Microsoft.CognitiveServices/accounts/connections', 'Microsoft.CognitiveServices/accounts/projects/connections'];
export const CAPABILITY_HOST_TYPES = ['Microsoft.CognitiveServices/accounts/capabilityHosts', 'Microsoft.CognitiveServices/accounts/projects/capabilityHosts'];
const ACCOUNT_TYPE = 'microsoft.cognitiveservices/accounts';
const PROJECT_TYPE = 'Microsoft.CognitiveServices/accounts/projects';
const ROLE_ASSIGNMENT_TYPE = 'Microsoft.Authorization/roleAssignments';
const SQL_ROLE_ASSIGNMENT_TYPE = 'Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments';
const UAI_TYPE = 'microsoft.managedidentity/userassignedidentities';

/** Resource types whose declarations dependency inference reads (rules list them in `resourceTypes`). */
export const DEPENDENCY_READ_TYPES: readonly string[] = [
  ...CONNECTION_TYPES, ...CAPABILITY_HOST_TYPES, PROJECT_TYPE,
  ROLE_ASSIGNMENT_TYPE, 'Microsoft.Authorization/roleDefinitions',
  SQL_ROLE_ASSIGNMENT_TYPE, 'Microsoft.DocumentDB/databaseAccounts/sqlRoleDefinitions',
  'Microsoft.ManagedIdentity/userAssignedIdentities',
  'Microsoft.Storage/storageAccounts', 'Microsoft.Storage/storageAccounts/blobServices', 'Microsoft.Storage/storageAccounts/blobServices/containers',
  'Microsoft.Search/searchServices', 'Microsoft.DocumentDB/databaseAccounts', 'Microsoft.KeyVault/vaults',
];

/** Which service a resource type offers, when the evidence does not say (a connection's category does). */
const SERVICE_BY_TYPE: Readonly<Record<string, Service>> = {
  'microsoft.storage/storageaccounts': 'blob',
  'microsoft.search/searchservices': 'search',
  'microsoft.documentdb/databaseaccounts': 'cosmos',
  'microsoft.keyvault/vaults': 'keyvault',
  'microsoft.cognitiveservices/accounts': 'cognitive',
  'microsoft.web/sites': 'web',
};

/** The type a role's service belongs to. */
const TYPE_BY_SERVICE: Readonly<Record<RoleService, string>> = {
  blob: 'microsoft.storage/storageaccounts', queue: 'microsoft.storage/storageaccounts', table: 'microsoft.storage/storageaccounts',
  file: 'microsoft.storage/storageaccounts', search: 'microsoft.search/searchservices', cosmos: 'microsoft.documentdb/databaseaccounts',
  keyvault: 'microsoft.keyvault/vaults', cognitive: ACCOUNT_TYPE,
};

/** Connection categories (any case) → the endpoint they call. */
const SERVICE_BY_CATEGORY: Readonly<Record<string, Service>> = {
  azureblob: 'blob', azurestorageaccount: 'blob', azuredatalakegen2: 'dfs', cognitivesearch: 'search', cosmosdb: 'cosmos',
  cosmosdbmongodbapi: 'cosmos', azureopenai: 'cognitive', aiservices: 'cognitive', cognitiveservice: 'cognitive', azurekeyvault: 'keyvault',
};

const cache = new WeakMap<DeploymentGraph, Map<GraphResource, readonly Dependency[]>>();

/** The dependencies of an AI account of `graph`, one per host, strongest evidence first, in the order first found. */
export function dependenciesOf(account: GraphResource, graph: DeploymentGraph): readonly Dependency[] {
  let byAccount = cache.get(graph);
  if (!byAccount) cache.set(graph, (byAccount = new Map()));
  let found = byAccount.get(account);
  if (!found) {
    // Most deployments have no evidence besides the account's own settings: no inference to set up then.
    const index = indexOf(graph);
    const bare = !index.connections.length && !index.capabilityHosts.length && !index.roleAssignments.length && !index.sqlRoleAssignments.length
      && !account.declaration?.member('properties')?.member('userOwnedStorage');
    found = bare ? [] : new Inference(account, graph).run();
    byAccount.set(account, found);
  }
  return found;
}

/** `as`: a connection's own name in its iteration of a loop. */
interface Found { resource?: GraphResource; name?: Value; host: Value; service: Service; evidence: Evidence; as?: Value }

class Inference {
  private readonly found: Found[] = [];
  /** The account and the `existing` references to it elsewhere in the deployment. */
  private readonly accounts: readonly GraphResource[];
  /** Its projects (children of any of `accounts`). */
  private readonly projects: readonly GraphResource[];

  private readonly index: GraphIndex;

  constructor(private readonly account: GraphResource, private readonly graph: DeploymentGraph) {
    this.index = indexOf(graph);
    this.accounts = [account, ...this.index.existing(account.type).filter((r) => r !== account && this.same(r, account))];
    this.projects = this.index.projects.filter((p) => this.ownedBy(p, this.accounts));
  }

  run(): Dependency[] {
    const connections = this.connections();
    this.capabilityHosts(connections);
    this.userOwnedStorage();
    this.roleAssignments();
    return merge(this.found);
  }

  // Connections --------------------------------------------------------------------------------

  private connections(): Map<GraphResource, Found[]> {
    const out = new Map<GraphResource, Found[]>();
    const owners = [...this.accounts, ...this.projects];
    {
      for (const c of this.index.connections) {
        if (!this.ownedBy(c, owners)) continue;
        // A loop of connections read per iteration: each is one, named as that iteration names it.
        const iterations = c.iterations?.();
        const elements = iterations && c.elements?.();
        const entries: Found[] = [];
        (iterations ?? [c.declaration!]).forEach((declaration, i) => {
          if (declaration !== c.declaration && declaration.member('condition')?.value === false) return;
          const entry = this.connection(c, declaration, iterations ? declaration.member('name')?.value : undefined, elements?.[i]);
          if (entry) entries.push(entry);
        });
        this.found.push(...entries);
        out.set(c, entries);
      }
    }
    return out;
  }

  /** One connection (or one iteration of a loop of them, `name` its own name there): what it targets, undefined for the service's own endpoint. */
  private connection(c: GraphResource, declaration: ValueNode, name: Value | undefined, element: ValueNode | undefined): Found | undefined {
    const props = declaration.member('properties');
    const category = props?.member('category')?.value;
    const target = props?.member('target');
    const resourceIdNode = props?.member('metadata')?.member('ResourceId') ?? props?.member('metadata')?.member('resourceId');
    const named = this.resolve(resourceIdNode?.value, c) ?? (target && looksLikeId(target.value) ? this.resolve(target.value, c) : undefined);
    if (named && this.accounts.some((a) => this.same(named, a))) return undefined; // the service's own endpoint
    const categoryService = typeof category === 'string' ? SERVICE_BY_CATEGORY[category.toLowerCase()] : undefined;
    const service: Service = categoryService ?? (named ? SERVICE_BY_TYPE[named.type.toLowerCase()] ?? 'other' : 'other');
    let host: Value | undefined = target && !looksLikeId(target.value) ? hostOfUrl(target.value) : undefined;
    if (host === undefined || (isUnknown(host) && !host.parts)) {
      const derivedHost = named ? this.hostOf(named, service) : undefined;
      if (derivedHost !== undefined && !(isUnknown(derivedHost) && !derivedHost.parts)) host = derivedHost;
    }
    host ??= new Unknown(`the target of connection ${display(this.graph.fullName(c), true)} is only known at deployment`);
    const own = name !== undefined && patternOf(name) !== undefined ? display(lastSegment(name), true) : ownName(this.graph, c);
    const evidence: Evidence = {
      kind: 'connection',
      loc: this.entryOf(c, element) ?? (target ?? resourceIdNode)?.loc ?? c.typeLoc,
      detail: `connection ${own}${typeof category === 'string' ? ` (${category})` : ''} of ${this.ownerLabel(c)}`,
      source: c,
      ...(target ?? resourceIdNode ? { value: { node: (target ?? resourceIdNode)!, of: c } } : {}),
    };
    return { resource: named && this.declared(named), name: named && this.graph.fullName(named), host, service, evidence, ...(name !== undefined ? { as: name } : {}) };
  }

  // Capability hosts ---------------------------------------------------------------------------

  private capabilityHosts(connections: Map<GraphResource, Found[]>): void {
    const owners = [...this.accounts, ...this.projects];
    const roles: Record<string, string> = {
      vectorstoreconnections: 'vector store', storageconnections: 'file storage',
      threadstorageconnections: 'thread storage', aiservicesconnections: 'AI services connection',
    };
    {
      for (const h of this.index.capabilityHosts) {
        if (!this.ownedBy(h, owners)) continue;
        const props = h.declaration!.member('properties');
        const hostOwner = this.graph.related(h, 'parent')[0];
        for (const [key, role] of Object.entries(roles)) {
          const list = props?.member(key);
          for (const item of list?.items() ?? []) {
            const name = item.value;
            if (typeof name !== 'string' && !(isUnknown(name) && name.parts)) continue;
            // By its name, or (a loop of connections) the name of one of its iterations.
            const named = (c: GraphResource) => namesEqual(lastSegment(this.graph.fullName(c)), lastSegment(name))
              || !!connections.get(c)?.some((t) => t.as !== undefined && namesEqual(lastSegment(t.as), lastSegment(name)));
            const connection = [...connections.keys()].find((c) => named(c)
              && (!hostOwner || this.graph.related(c, 'parent')[0] === hostOwner || this.accounts.includes(this.graph.related(c, 'parent')[0])));
            const evidence: Evidence = {
              kind: 'capabilityHost',
              loc: item.loc,
              detail: `capability host ${ownName(this.graph, h)} uses connection ${display(lastSegment(name), true)} as its ${role}`,
              source: h,
            };
            // Of a loop of connections, the iterations of that name (all when their names are not known).
            const targets = (connection ? connections.get(connection) ?? [] : []).filter((t) => t.as === undefined || patternOf(t.as) === undefined || namesEqual(lastSegment(t.as), lastSegment(name)));
            if (targets.length) for (const t of targets) this.found.push({ ...t, evidence });
            else this.found.push({ host: new Unknown(`connection ${display(lastSegment(name), true)} is not declared in this deployment`), service: 'other', evidence });
          }
        }
      }
    }
  }

  // userOwnedStorage ---------------------------------------------------------------------------

  private userOwnedStorage(): void {
    for (const a of this.accounts) {
      const items = a.declaration?.member('properties')?.member('userOwnedStorage')?.items() ?? [];
      for (const item of items) {
        const idNode = item.member('resourceId');
        if (!idNode) continue;
        const storage = this.resolve(idNode.value, a);
        const name = storage ? this.graph.fullName(storage) : storageNameOf(idNode.value);
        if (!storage && name === undefined) continue;
        const host = storage ? this.hostOf(storage, 'blob') : this.hostFromName(name!, 'blob');
        this.found.push({
          resource: storage && this.declared(storage),
          name,
          host,
          service: 'blob',
          evidence: { kind: 'userOwnedStorage', loc: idNode.loc, detail: `storage account ${display(name ?? null, true)} is the service's userOwnedStorage`, value: { node: idNode, of: a } },
        });
      }
    }
  }

  // Role assignments ---------------------------------------------------------------------------

  private roleAssignments(): void {
    if (!this.index.roleAssignments.length && !this.index.sqlRoleAssignments.length) return;
    const identities = this.identities();
    if (!identities.length) return;
    const holder = (principal: Value | undefined): string | undefined => {
      const of = principalOf(principal);
      if (!of) return undefined;
      const match = identities.find((i) => i.resource === of || (i.resource.type.toLowerCase() === of.type.toLowerCase() && this.same(i.resource, of)));
      return match?.label;
    };
    for (const { resource: ra, declaration, principalNode, element } of this.index.roleAssignments) {
      const props = declaration.member('properties');
      const who = holder(principalNode.value);
      if (!who) continue;
      const roleId = patternOf(props?.member('roleDefinitionId')?.value ?? null);
      const role = roleId === undefined ? undefined : dataRoleOf(roleId);
      if (!role) continue;
      // A loop's scope is usually the same for every iteration (read once); else this iteration's.
      const scope = this.graph.related(ra, 'scope')[0] ?? (declaration !== ra.declaration ? this.resolve(declaration.member('scope')?.value, ra) : undefined);
      const target = scope && topLevel(this.graph, scope);
      if (!target || target.type.toLowerCase() !== TYPE_BY_SERVICE[role.service]) continue;
      this.pushRole(target, role.service, role.name, who, ra, principalNode, element);
    }
    for (const { resource: sql, declaration, principalNode, element } of this.index.sqlRoleAssignments) {
      const props = declaration.member('properties');
      const who = holder(principalNode.value);
      if (!who) continue;
      const roleId = patternOf(props?.member('roleDefinitionId')?.value ?? null);
      const role = roleId === undefined ? undefined : dataRoleOf(roleId, 'cosmos');
      const cosmos = this.graph.related(sql, 'parent')[0];
      if (!role || !cosmos) continue;
      this.pushRole(cosmos, 'cosmos', role.name, who, sql, principalNode, element);
    }
  }

  /**
   * Where evidence read in a loop comes from: the array element of its own iteration, else of the innermost module
   * call iteration on its way that the account is not in (a caller's `storageAccounts: [ {...}, {...} ]` entry).
   */
  private entryOf(source: GraphResource, element?: ValueNode): Loc | undefined {
    if (element) return element.loc;
    if (!source.deploymentPath.length) return undefined;
    const own = this.graph.deploymentChain(this.account);
    return this.graph.deploymentChain(source).filter((s) => s.iteration?.element && !own.includes(s)).at(-1)?.iteration?.element?.loc;
  }

  private pushRole(target: GraphResource, service: RoleService, roleName: string, who: string, source: GraphResource, principal: ValueNode, element?: ValueNode): void {
    if (this.accounts.some((a) => this.same(target, a))) return;
    this.found.push({
      resource: this.declared(target),
      name: this.graph.fullName(target),
      host: this.hostOf(target, service),
      service,
      evidence: {
        kind: 'roleAssignment',
        // The loop entry it comes from, else where the identity is handed to it (through modules: the outermost caller's value).
        loc: this.entryOf(source, element) ?? writtenAt(principal).loc,
        detail: `${who} has ${roleName} on ${typeLabel(target.type)} ${display(this.graph.fullName(target), true)}`,
        source,
      },
    });
  }

  /** The managed identities of the account and its projects: the resources whose principal ids stand for them. */
  private identities(): { resource: GraphResource; label: string }[] {
    const out: { resource: GraphResource; label: string }[] = [];
    for (const owner of [...this.accounts, ...this.projects]) {
      const isProject = owner.type.toLowerCase() !== ACCOUNT_TYPE;
      const whose = isProject ? `project ${ownName(this.graph, owner)}` : 'the service';
      out.push({ resource: owner, label: `the managed identity of ${whose}` });
      const identity = owner.declaration?.member('identity');
      const type = identity?.member('type')?.value;
      if (typeof type !== 'string' || !type.toLowerCase().includes('userassigned')) continue;
      const assigned = identity?.member('userAssignedIdentities')?.value;
      let uais: GraphResource[] = [];
      if (isObject(assigned)) {
        for (const key of Object.keys(assigned)) {
          const uai = parseResourceId(key)?.type.toLowerCase() === UAI_TYPE ? this.graph.resolve(key, owner.deploymentPath) : undefined;
          if (uai) uais.push(uai);
        }
      }
      // Keys computed from an identity's id (`'${uai.id}': {}`) are not known: the identities the declaration refers to.
      if (!uais.length) uais = [...this.graph.related(owner, 'references', UAI_TYPE)];
      for (const uai of uais) out.push({ resource: uai, label: `the identity ${display(this.graph.fullName(uai), true)} of ${whose}` });
    }
    return out;
  }

  // Helpers ------------------------------------------------------------------------------------

  /** The host of a resource's endpoint for a service, from the graph's runtime values (per cloud). */
  private hostOf(resource: GraphResource, service: Service): Value {
    const g = this.graph;
    switch (service) {
      case 'blob': case 'queue': case 'table': case 'file': case 'dfs':
        return resource.type.toLowerCase() === 'microsoft.storage/storageaccounts'
          ? hostOfUrl(g.runtime(resource, ['properties', 'primaryEndpoints', service]))
          : new Unknown(`'${resource.symbolicName ?? resource.type}' is not a storage account`);
      case 'search': return hostOfUrl(g.runtime(resource, ['properties', 'endpoint']));
      case 'cosmos': return hostOfUrl(g.runtime(resource, ['properties', 'documentEndpoint']));
      case 'keyvault': return hostOfUrl(g.runtime(resource, ['properties', 'vaultUri']));
      case 'cognitive': return hostOfUrl(g.runtime(resource, ['properties', 'endpoint']));
      case 'web': return hostOfUrl(g.runtime(resource, ['properties', 'defaultHostName']));
      default: {
        const kind = SERVICE_BY_TYPE[resource.type.toLowerCase()];
        return kind && kind !== 'other' ? this.hostOf(resource, kind) : new Unknown(`the endpoint of '${resource.symbolicName ?? resource.type}' is only known at deployment`);
      }
    }
  }

  /** A storage host from a name when the storage account is not in the deployment. */
  private hostFromName(name: Value, service: 'blob'): Value {
    const pattern = patternOf(name);
    if (pattern === undefined) return new Unknown('the storage account name is only known at deployment');
    return valueOfPattern(`${pattern}.${service}.${serviceHostSuffix(this.graph.cloud, 'storage')}`, 'the storage account name is only known at deployment');
  }

  private resolve(ref: Value | undefined, from: GraphResource): GraphResource | undefined {
    if (ref === undefined || (isUnknown(ref) && !ref.parts)) return undefined;
    return this.graph.resolve(ref, from.deploymentPath);
  }

  /** The declared resource an `existing` reference stands for, when the deployment declares exactly one. */
  private declared(resource: GraphResource): GraphResource {
    if (!resource.existing) return resource;
    const candidates = this.index.declared(resource.type).filter((r) => this.same(r, resource));
    return candidates.length === 1 ? candidates[0] : resource;
  }

  /** Whether two declarations of a type are the same resource: the same evaluated name in the same scope. */
  private same(a: GraphResource, b: GraphResource): boolean {
    if (a === b) return true;
    if (a.type.toLowerCase() !== b.type.toLowerCase()) return false;
    return namesEqual(this.graph.fullName(a), this.graph.fullName(b)) && scopeKey(this.graph, a) === scopeKey(this.graph, b);
  }

  /** Whether `r` is a child of one of `owners` (by nesting, `parent:`, or its name). */
  private ownedBy(r: GraphResource, owners: readonly GraphResource[]): boolean {
    const parent = this.graph.related(r, 'parent')[0];
    if (parent) return owners.includes(parent) || owners.some((o) => this.same(o, parent));
    // Not resolved (two candidates of the same name, one `existing`): compare the name's leading segments.
    const name = patternOf(this.graph.fullName(r))?.split('/');
    if (!name) return false;
    return owners.some((o) => {
      const own = patternOf(this.graph.fullName(o))?.split('/');
      return !!own && o.type.split('/').length === r.type.split('/').length - 1 && own.length === name.length - 1
        && own.every((s, i) => namesEqual(s, name[i])) && scopeKey(this.graph, o) === scopeKey(this.graph, r);
    });
  }

  private ownerLabel(c: GraphResource): string {
    const parent = this.graph.related(c, 'parent')[0];
    if (parent && parent.type.toLowerCase() !== ACCOUNT_TYPE) return `project ${ownName(this.graph, parent)}`;
    return 'the service';
  }
}

/**
 * What inference reads of a graph, gathered once per graph: the resources of the relevant types that are
 * deployed and read, and the role assignments whose principal is a managed identity of the deployment.
 * (Reading the members of many resources, each its own prototype, is slow: once per graph, not per account.)
 */
interface RoleAssignmentEntry { resource: GraphResource; declaration: ValueNode; principalNode: ValueNode; element?: ValueNode }

interface GraphIndex {
  readonly projects: readonly GraphResource[];
  readonly connections: readonly GraphResource[];
  readonly capabilityHosts: readonly GraphResource[];
  /**
   * `declaration`: the resource's, or one iteration's for a loop whose count is known (`GraphResource.iterations`);
   * `element`: the array element that iteration's item is, where written.
   */
  readonly roleAssignments: readonly RoleAssignmentEntry[];
  readonly sqlRoleAssignments: readonly RoleAssignmentEntry[];
  existing(type: string): readonly GraphResource[];
  declared(type: string): readonly GraphResource[];
}

const indexes = new WeakMap<DeploymentGraph, GraphIndex>();

function indexOf(graph: DeploymentGraph): GraphIndex {
  const known = indexes.get(graph);
  if (known) return known;
  const read = (types: readonly string[]) => types.flatMap((t) => graph.ofType(t).filter((r) => !r.existing && !!r.declaration && deployed(r)));
  // A loop of role assignments (AVM's over `formattedRoleAssignments[copyIndex()]`): each iteration is one.
  const assignments = (type: string) => read([type]).flatMap((resource) => (resource.iterations?.() ?? [resource.declaration!]).flatMap((declaration, i) => {
    if (declaration !== resource.declaration && declaration.member('condition')?.value === false) return [];
    const principalNode = declaration.member('properties')?.member('principalId');
    const element = declaration !== resource.declaration ? resource.elements?.()?.[i] : undefined;
    return principalNode && principalOf(principalNode.value) ? [{ resource, declaration, principalNode, ...(element ? { element } : {}) }] : [];
  }));
  const byExisting = new Map<string, { existing: GraphResource[]; declared: GraphResource[] }>();
  const split = (type: string) => {
    const key = type.toLowerCase();
    let entry = byExisting.get(key);
    if (!entry) {
      entry = { existing: [], declared: [] };
      for (const r of graph.ofType(type)) (r.existing ? entry.existing : entry.declared).push(r);
      byExisting.set(key, entry);
    }
    return entry;
  };
  const index: GraphIndex = {
    projects: graph.ofType(PROJECT_TYPE).filter(deployed),
    connections: read(CONNECTION_TYPES),
    capabilityHosts: read(CAPABILITY_HOST_TYPES),
    roleAssignments: assignments(ROLE_ASSIGNMENT_TYPE),
    sqlRoleAssignments: assignments(SQL_ROLE_ASSIGNMENT_TYPE),
    existing: (type) => split(type).existing,
    declared: (type) => split(type).declared,
  };
  indexes.set(graph, index);
  return index;
}

function deployed(r: GraphResource): boolean {
  return r.condition?.value !== false;
}

/** The top-level resource a child belongs to (a blob container → its storage account). */
function topLevel(graph: DeploymentGraph, r: GraphResource): GraphResource {
  let current = r;
  for (let depth = 0; depth < 8 && current.type.split('/').length > 2; depth++) {
    const parent = graph.related(current, 'parent')[0];
    if (!parent) break;
    current = parent;
  }
  return current;
}

/** Explicit scopes on the way to a resource (module `scope:`, nested deployment resource group, an `existing` resource's own scope). */
function scopeKey(graph: DeploymentGraph, r: GraphResource): string {
  const parts: string[] = [];
  const add = (node: ValueNode | undefined) => {
    if (!node) return;
    const text = node.loc.file.text.slice(node.loc.start, node.loc.end).replace(/\s+/g, '');
    // The deployment's own resource group, written out: the same as no scope.
    if (/^(az\.)?resourceGroup\(\)$/i.test(text) || /^"?\[resourceGroup\(\)\.name\]"?$/i.test(text)) return;
    const value = node.value;
    parts.push(typeof value === 'string' ? value.toLowerCase() : text);
  };
  for (const step of graph.deploymentChain(r)) {
    add(step.scope);
    add(step.resourceGroup);
    add(step.subscriptionId);
  }
  if (r.existing && r.scopeNode) add(r.scopeNode);
  return parts.join('|');
}

/**
 * Whether two evaluated names are the same name: equal when known; when partially known, the same
 * pattern (the same expression over the same unknown, as when a name is passed down to a module) with
 * some known text, or a known name that fits the other's pattern.
 */
export function namesEqual(a: Value, b: Value): boolean {
  const pa = patternOf(a), pb = patternOf(b);
  if (pa === undefined || pb === undefined) return false;
  const aHole = pa.includes(HOLE), bHole = pb.includes(HOLE);
  if (!aHole && !bHole) return pa.toLowerCase() === pb.toLowerCase();
  if (aHole && bHole) return pa.toLowerCase() === pb.toLowerCase() && /[a-z0-9]/i.test(pa.replaceAll(HOLE, ''));
  const [pattern, text] = aHole ? [pa, pb] : [pb, pa];
  return fitsPattern(pattern, text);
}

/** A port after the host, known or not. */
const PORT = new RegExp(`:(\\d+|${HOLE})$`);

/** The host of a URL value (`https://x.search.windows.net/`, `https://x.documents.azure.com:443/`), or of a bare host. */
export function hostOfUrl(v: Value): Value {
  const pattern = patternOf(v);
  if (pattern === undefined) return isUnknown(v) ? v : new Unknown('not a URL');
  let rest = pattern.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '');
  const cut = rest.search(/[/?#]/);
  if (cut >= 0) rest = rest.slice(0, cut);
  rest = rest.replace(PORT, '');
  if (!rest.replaceAll(HOLE, '')) return new Unknown(isUnknown(v) ? v.reason : 'no host');
  return valueOfPattern(rest.toLowerCase() === rest ? rest : rest.toLowerCase(), isUnknown(v) ? v.reason : 'part of the host is only known at deployment');
}

function looksLikeId(v: Value): boolean {
  const p = patternOf(v);
  return p !== undefined && /^\/subscriptions\//i.test(p) && parseResourceId(v) !== undefined;
}

function storageNameOf(id: Value): Value | undefined {
  const parsed = parseResourceId(id);
  if (!parsed || parsed.type.toLowerCase() !== 'microsoft.storage/storageaccounts') return undefined;
  return valueOfPattern(parsed.name[0], 'the storage account name is only known at deployment');
}

/** A child resource's own name for messages: its evaluated last segment, else its symbolic name. */
function ownName(graph: DeploymentGraph, r: GraphResource): string {
  const name = lastSegment(graph.fullName(r));
  if (patternOf(name) !== undefined) return display(name, true);
  const symbol = r.symbolicName?.split('::').pop();
  return symbol ? `'${symbol}'` : '(unknown)';
}

function lastSegment(v: Value): Value {
  const p = patternOf(v);
  if (p === undefined) return v;
  return valueOfPattern(p.slice(p.lastIndexOf('/') + 1), isUnknown(v) ? v.reason : '');
}

function typeLabel(type: string): string {
  switch (type.toLowerCase()) {
    case 'microsoft.storage/storageaccounts': return 'storage account';
    case 'microsoft.search/searchservices': return 'search service';
    case 'microsoft.documentdb/databaseaccounts': return 'Cosmos DB account';
    case 'microsoft.keyvault/vaults': return 'key vault';
    case ACCOUNT_TYPE: return 'AI service';
    default: return type;
  }
}

/** A value as shown in messages: unknown pieces as `{…}`; quoted when asked. */
export function display(v: Value, quote = false): string {
  const p = patternOf(v);
  const text = p === undefined ? '(unknown)' : p.replaceAll(HOLE, '{…}');
  return quote && p !== undefined ? `'${text}'` : text;
}

/** A key for a host: its pattern in lower case; unknown hosts are kept apart by what they belong to. */
export function hostKey(host: Value): string | undefined {
  const p = patternOf(host);
  return p === undefined ? undefined : p.toLowerCase();
}

function merge(found: readonly Found[]): Dependency[] {
  const byKey = new Map<string, { first: Found; evidence: Evidence[] }>();
  let unknown = 0;
  for (const f of found) {
    const key = hostKey(f.host) ?? `unknown:${f.resource?.id ?? f.evidence.source?.id ?? unknown++}`;
    const entry = byKey.get(key);
    if (!entry) byKey.set(key, { first: f, evidence: [f.evidence] });
    else {
      if (!entry.first.resource && f.resource) entry.first = { ...entry.first, resource: f.resource, name: f.name };
      if (!entry.evidence.some((e) => e.kind === f.evidence.kind && e.loc.start === f.evidence.loc.start && e.loc.file.uri === f.evidence.loc.file.uri)) entry.evidence.push(f.evidence);
    }
  }
  return [...byKey.values()].map(({ first, evidence }) => {
    const sorted = [...evidence].sort((a, b) => EVIDENCE_ORDER.indexOf(a.kind) - EVIDENCE_ORDER.indexOf(b.kind));
    return { resource: first.resource, name: first.name, host: first.host, service: first.service, evidence: sorted[0], also: sorted.slice(1) };
  });
}
