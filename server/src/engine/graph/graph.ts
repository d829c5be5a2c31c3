// The deployment graph: every resource one evaluated deployment declares (AI accounts and all the
// others, `existing` references included), with their relations. Readers add resources; rules query.

import type { CloudName } from '../expressions/environment';
import { accessProperty } from '../expressions/evaluator';
import { isUnknown, type Value } from '../expressions/value';
import { resourceValue } from './runtime';
import type { AiResource, Loc, SourceFile, ValueNode } from '../model';
import { fullNameOf, matchesName, parseResourceId, patternOf, RESOURCE_REF, type ResourceIdPattern } from './ids';

export { RESOURCE_REF };

export type Relation =
  /** The resource's parent (nesting, `parent:`, or a name of the form `acct/child`); for `child`, its children. */
  | 'parent' | 'child'
  /**
   * Extension resources (diagnostic settings, role assignments, locks) whose `scope` is the subject, and the reverse;
   * also the `<type>/providers/<extension type>` form, whose type and name say what it extends.
   */
  | 'scopedTo' | 'scope'
  /** `dependsOn` in either direction. */
  | 'dependsOn' | 'dependedOnBy'
  /** Resources the subject's declaration refers to (`storage.id`, `reference(...)`, `resourceId(...)`), and the reverse. */
  | 'references' | 'referencedBy';

type ForwardRelation = 'parent' | 'scope' | 'dependsOn' | 'references';
type ReverseRelation = Exclude<Relation, ForwardRelation>;

const INVERSE = {
  parent: 'child', child: 'parent', scopedTo: 'scope', scope: 'scopedTo',
  dependsOn: 'dependedOnBy', dependedOnBy: 'dependsOn', references: 'referencedBy', referencedBy: 'references',
} as const satisfies Record<Relation, Relation>;

function isForward(relation: Relation): relation is ForwardRelation {
  return relation === 'parent' || relation === 'scope' || relation === 'dependsOn' || relation === 'references';
}

/** How a resource is declared: what a reader knows without evaluating anything. */
export interface GraphResource {
  /** Unique in its graph: the deployment path and the symbolic name (or position) of the declaration. */
  readonly id: string;
  /** The full type as written (`Microsoft.Storage/storageAccounts/blobServices`, child types composed). */
  readonly type: string;
  readonly apiVersion?: { readonly value: string; readonly loc: Loc };
  /** The languageVersion 2.0 key or Bicep identifier. */
  readonly symbolicName?: string;
  readonly file: SourceFile;
  readonly typeLoc: Loc;
  /** The declaration (resource object / Bicep body); undefined when the reader skipped it because no rule reads its type. */
  readonly declaration?: ValueNode;
  readonly existing: boolean;
  /** `condition` / `if (...)`: undefined when the resource is always deployed. */
  readonly condition?: ValueNode;
  /** Set for a declaration inside a copy loop / `for` expression: the loop's name and count, as written. */
  readonly loop?: { readonly name?: string; readonly count?: ValueNode };
  /**
   * A looped declaration evaluated once per iteration (`copyIndex()` known), when its count is known and at most
   * MAX_LOOP_ITERATIONS; undefined otherwise (then only the declaration evaluated once, with the index unknown).
   */
  iterations?(): readonly ValueNode[] | undefined;
  /** For each of `iterations()`: the array element a Bicep loop's item is, where it is written literally (a caller's entry). */
  elements?(): readonly (ValueNode | undefined)[] | undefined;
  /**
   * Set on one iteration of a looped declaration read as a resource of its own (`sts[1]`, see `loopIteration`):
   * its index in the loop. The graph holds the loop; the iteration has it as its prototype.
   */
  readonly loopIndex?: number;
  /** The enclosing resource (nesting, Bicep `parent:`). */
  readonly declaredParent?: GraphResource;
  /** `scope` of an extension resource, as written. */
  readonly scopeNode?: ValueNode;
  /** `dependsOn` as written. */
  readonly dependsOnNode?: ValueNode;
  /** The nested deployments / modules that lead to this resource, outermost first. */
  readonly deploymentPath: readonly string[];
  /** The resource's own `name` value (for a nested child, the last segment only). */
  readonly nameNode?: ValueNode;
  /** Values that name the resources the declaration refers to (resource objects, ids, symbolic names), computed on demand. */
  references?(): readonly Value[];
  /** This resource as a rule subject (name for messages, settings, suppressions), built on demand. */
  subject?(): AiResource | undefined;
  /** A nested deployment: output `name` of its template, `{ type, value }` (`reference(d).outputs.<name>`); undefined when it has none. */
  output?(name: string): Value | undefined;
}

/** A nested deployment or module call on the way to a resource. */
export interface DeploymentStep {
  /**
   * Deployment paths of this step (outermost first), as in `GraphResource.deploymentPath`: one element per call,
   * unique among the calls of its template (`DeploymentGraph.pathOf`).
   */
  readonly path: readonly string[];
  /** The call's deployment name as evaluated, else its symbolic name: what messages and reports show. */
  readonly name: string;
  /** Where the call is declared (the nested deployment resource, the Bicep module). */
  readonly loc: Loc;
  /** The call's declaration (the deployment resource object, the module body): where fixes pass values to it. */
  readonly declaration?: ValueNode;
  /** Target scope as written: Bicep `scope:`, or ARM's `resourceGroup` / `subscriptionId` of the deployment. */
  readonly scope?: ValueNode;
  readonly resourceGroup?: ValueNode;
  readonly subscriptionId?: ValueNode;
  /** Set when this call passes the same values as an earlier call of the same module: its resources were read there. */
  readonly sameAs?: readonly string[];
  /** The template the call deploys, when it is another file (a module): the inventory's entry points are the files no one calls. */
  readonly target?: string;
  /**
   * A loop over the call (Bicep `[for ...]`, ARM `copy`): what it iterates (an array, or a count) as written,
   * and whether a filter (`if`) may leave iterations out.
   */
  readonly loop?: { readonly count?: ValueNode; readonly filtered: boolean };
  /**
   * Set instead of `loop` for one iteration of a loop over the call read on its own (a Bicep `for` over an array
   * known here, at most MAX_LOOP_ITERATIONS): its index, and the array element its item is, where written literally.
   */
  readonly iteration?: { readonly index: number; readonly element?: ValueNode };
}

/** Iterations of a copy loop read one by one (`GraphResource.iterations`); past it, a loop is read once, index unknown. */
export const MAX_LOOP_ITERATIONS = 64;

const DEPLOYMENT_TYPE = 'microsoft.resources/deployments';
const AI_ACCOUNT = 'microsoft.cognitiveservices/accounts';

/** One evaluated deployment (entry template + parameter file): its resources and their relations. */
export class DeploymentGraph {
  /** `cloud`: the cloud `environment()` describes, which decides derived hosts (`blob.core.windows.net`, ...). */
  constructor(readonly cloud: CloudName = 'AzureCloud') {}

  private readonly list: GraphResource[] = [];
  private readonly accountList: AiResource[] = [];
  private byTypeIndex: Map<string, GraphResource[]> | undefined;
  private readonly edges = new Map<Relation, Map<GraphResource, GraphResource[]>>();
  private readonly forward = new Map<ForwardRelation, Map<GraphResource, readonly GraphResource[]>>();
  private readonly reverseByType = new Map<string, Map<GraphResource, GraphResource[]>>();
  private readonly fullNames = new Map<GraphResource, Value>();

  get resources(): readonly GraphResource[] {
    return this.list;
  }

  /** The AI accounts the deployment deploys: the subjects rules check. */
  get accounts(): readonly AiResource[] {
    return this.accountList;
  }

  add(resource: GraphResource): void {
    this.list.push(resource);
    this.byTypeIndex = undefined;
    this.symbolIndex = undefined;
    this.members = undefined;
    this.edges.clear();
    this.forward.clear();
    this.reverseByType.clear();
  }

  private members: Set<GraphResource> | undefined;

  /** The resource as the graph holds it: a rule subject built from a resource has it as its prototype. */
  private inGraph(resource: GraphResource): GraphResource {
    this.members ??= new Set(this.list);
    let current: GraphResource | null = resource;
    for (let depth = 0; current && depth < 4; depth++) {
      if (this.members.has(current)) return current;
      current = Object.getPrototypeOf(current) as GraphResource | null;
    }
    return resource;
  }

  private readonly steps = new Map<string, DeploymentStep>();
  /** Each path a call took (`pathOf`), and the call's key. */
  private readonly claimed = new Map<string, string>();

  /** Limits the readers hit (depth, instances): the graph is incomplete, and the analysis must say so. */
  readonly limits: { readonly message: string; readonly loc: Loc }[] = [];

  /**
   * The deployment path of a call under `parent` named `name`, for the call `key` (unique among the calls of its
   * template: a symbolic name, a position). The name, unless another call took it first (two modules named
   * 'deploy' in two resource groups): then the name with the key, `deploy (b)`. Each call gets a path of its own,
   * and the same path each time it is asked for; a call named alone keeps its path when another is added.
   */
  pathOf(parent: readonly string[], name: string, key: string): string[] {
    let element = name;
    for (let n = 1; ; n++) {
      const path = [...parent, element];
      const at = path.join('\u0000');
      const owner = this.claimed.get(at);
      if (owner === undefined) this.claimed.set(at, key);
      else if (owner !== key) {
        element = n === 1 ? `${name} (${key})` : `${name} (${key}, ${n})`;
        continue;
      }
      return path;
    }
  }

  addDeployment(step: DeploymentStep): void {
    this.steps.set(step.path.join('\u0000'), step);
  }

  /** Every nested deployment and module call of the deployment, in the order read. */
  get deployments(): readonly DeploymentStep[] {
    return [...this.steps.values()];
  }

  /** The nested deployments / module calls that lead to a resource, outermost first. */
  deploymentChain(resource: GraphResource): readonly DeploymentStep[] {
    const out: DeploymentStep[] = [];
    for (let i = 1; i <= resource.deploymentPath.length; i++) {
      const step = this.steps.get(resource.deploymentPath.slice(0, i).join('\u0000'));
      if (step) out.push(step);
    }
    return out;
  }

  addAccount(account: AiResource): void {
    this.accountList.push(account);
    this.add(account);
  }

  /** Resources of a type (any case); nested deployments are not resources a rule reads. */
  ofType(type: string): readonly GraphResource[] {
    if (!this.byTypeIndex) {
      this.byTypeIndex = new Map();
      for (const r of this.list) {
        const key = r.type.toLowerCase();
        const bucket = this.byTypeIndex.get(key);
        if (bucket) bucket.push(r); else this.byTypeIndex.set(key, [r]);
      }
    }
    return this.byTypeIndex.get(type.toLowerCase()) ?? [];
  }

  private readonly subjectCache = new Map<GraphResource, AiResource | undefined>();

  /**
   * The resources of these types that rules check: declared (not `existing`), read (not skipped), and not
   * known to be left out by their condition. AI accounts are `accounts`.
   */
  subjects(types: readonly string[]): readonly AiResource[] {
    const out: AiResource[] = [];
    for (const type of types) {
      if (type.toLowerCase() === AI_ACCOUNT) { out.push(...this.accountList); continue; }
      for (const r of this.ofType(type)) {
        if (r.existing || !r.declaration || r.condition?.value === false) continue;
        if (!this.subjectCache.has(r)) this.subjectCache.set(r, r.subject?.());
        const subject = this.subjectCache.get(r);
        if (subject) out.push(subject);
      }
    }
    return out;
  }

  /** The full ARM name (`acct/child` for a child resource), evaluated, partially known where needed. */
  fullName(resource: GraphResource): Value {
    if (!this.fullNames.has(resource)) this.fullNames.set(resource, fullNameOf(resource));
    return this.fullNames.get(resource)!;
  }

  /**
   * The runtime state of a resource (what `reference(x, v, 'Full')` returns) at `path`, e.g.
   * `['properties', 'primaryEndpoints', 'blob']`: known hosts, declared settings, else Unknown.
   */
  runtime(resource: GraphResource, path: readonly string[] = []): Value {
    let value = resourceValue(resource, this, 'full');
    for (const key of path) value = accessProperty(value, key, false);
    return value;
  }

  /**
   * Resources related to `subject` by `relation`, optionally only those of `type`. Only what is asked is
   * computed: the subject's own edges for `parent`, `scope`, `dependsOn`, `references`; for the reverse
   * relations with a type, the edges of the resources of that type; all edges only for a reverse relation of any type.
   */
  related(subject: GraphResource, relation: Relation, type?: string): readonly GraphResource[] {
    const resource = this.inGraph(subject);
    if (isForward(relation)) {
      const found = this.targets(relation, resource);
      return type ? found.filter((r) => r.type.toLowerCase() === type.toLowerCase()) : found;
    }
    if (type) return this.sourcesOfType(relation, type).get(resource) ?? [];
    return this.edgesOf(relation).get(resource) ?? [];
  }
  /**
   * The resource a value names: a resource object (a Bicep symbol, `reference(..., 'Full')`), a resource
   * id (full, or relative as `Microsoft.X/y/name`), a languageVersion 2.0 symbolic name, or a plain name.
   * Undefined when none or more than one resource fits.
   */
  resolve(ref: Value, from?: readonly string[]): GraphResource | undefined {
    const target = resourceOfValue(ref);
    if (target) return target;
    if (typeof ref === 'string' && !ref.includes('/')) {
      // Symbolic names (languageVersion 2.0, Bicep) belong to one template: the caller's.
      const symbolic = (this.symbols().get(ref) ?? []).filter((r) => !from || samePath(r.deploymentPath, from));
      if (symbolic.length === 1) return symbolic[0];
      // Classic templates may name a resource of the same template by its name alone (dependsOn: ['acct']).
      if (symbolic.length || this.hasSymbols(from)) return undefined;
      const named = this.list.filter((r) => (!from || samePath(r.deploymentPath, from)) && this.fullName(r) === ref);
      const resources = named.filter((r) => r.type.toLowerCase() !== DEPLOYMENT_TYPE);
      // A deployment by its name (`reference('nested').outputs.x`) when no other resource has that name.
      return resources.length === 1 ? resources[0] : !resources.length && named.length === 1 ? named[0] : undefined;
    }
    const pattern = parseResourceId(ref);
    return pattern ? this.byPattern(pattern, from) : undefined;
  }

  private symbolIndex: Map<string, GraphResource[]> | undefined;

  private symbols(): Map<string, GraphResource[]> {
    if (!this.symbolIndex) {
      this.symbolIndex = new Map();
      for (const r of this.list) {
        if (r.symbolicName === undefined) continue;
        const bucket = this.symbolIndex.get(r.symbolicName);
        if (bucket) bucket.push(r); else this.symbolIndex.set(r.symbolicName, [r]);
      }
    }
    return this.symbolIndex;
  }

  /** Whether the template at this deployment path uses symbolic names (languageVersion 2.0, Bicep). */
  private hasSymbols(path: readonly string[] | undefined): boolean {
    return this.list.some((r) => r.symbolicName !== undefined && (!path || samePath(r.deploymentPath, path)));
  }

  private byPattern(pattern: ResourceIdPattern, from: readonly string[] | undefined): GraphResource | undefined {
    const candidates = this.ofType(pattern.type).filter((r) => matchesName(this.fullName(r), pattern.name));
    if (candidates.length <= 1) return candidates[0];
    // The same name pattern in several deployments: prefer the caller's own deployment.
    const own = from ? candidates.filter((r) => samePath(r.deploymentPath, from)) : [];
    if (own.length === 1) return own[0];
    // A declared resource and `existing` references to it elsewhere: the declared one.
    const declared = candidates.filter((r) => !r.existing);
    if (declared.length === 1) return declared[0];
    const exact = candidates.filter((r) => typeof this.fullName(r) === 'string');
    return exact.length === 1 ? exact[0] : undefined;
  }

  /** What a resource links to by a forward relation, in the order found, each once, never itself. Computed once per resource. */
  private targets(forward: ForwardRelation, r: GraphResource): readonly GraphResource[] {
    let byResource = this.forward.get(forward);
    if (!byResource) this.forward.set(forward, (byResource = new Map()));
    let list = byResource.get(r);
    if (list) return list;
    const found: GraphResource[] = [];
    const link = (b: GraphResource | undefined) => {
      if (b && b !== r && !found.includes(b)) found.push(b);
    };
    switch (forward) {
      case 'parent': link(this.parentOf(r)); break;
      case 'scope': link(r.scopeNode ? this.resolveNode(r.scopeNode, r.deploymentPath) : this.providerScopeOf(r)); break;
      case 'dependsOn':
        for (const item of r.dependsOnNode?.items() ?? []) link(this.resolve(item.value, r.deploymentPath));
        break;
      case 'references':
        for (const ref of r.references?.() ?? []) link(this.resolve(ref, r.deploymentPath));
        break;
    }
    list = found;
    byResource.set(r, list);
    return list;
  }

  /** For a reverse relation: the resources of `type` that link to each resource, in graph order. */
  private sourcesOfType(relation: ReverseRelation, type: string): Map<GraphResource, GraphResource[]> {
    const key = `${relation}|${type.toLowerCase()}`;
    let map = this.reverseByType.get(key);
    if (map) return map;
    map = new Map();
    for (const a of this.ofType(type)) for (const b of this.targets(INVERSE[relation], a)) push(map, this.inGraph(b), a);
    this.reverseByType.set(key, map);
    return map;
  }

  private edgesOf(relation: Relation): Map<GraphResource, GraphResource[]> {
    let map = this.edges.get(relation);
    if (map) return map;
    const forward = isForward(relation) ? relation : INVERSE[relation];
    const out = new Map<GraphResource, GraphResource[]>();
    const back = new Map<GraphResource, GraphResource[]>();
    for (const a of this.list) {
      for (const b of this.targets(forward, a)) {
        push(out, a, b);
        // An iteration (`sts[1]`) is related back as its loop.
        push(back, this.inGraph(b), a);
      }
    }
    this.edges.set(forward, out);
    this.edges.set(INVERSE[forward], back);
    map = this.edges.get(relation)!;
    return map;
  }

  private resolveNode(node: ValueNode, from: readonly string[]): GraphResource | undefined {
    const value = node.value;
    return isUnknown(value) && !value.parts ? undefined : this.resolve(value, from);
  }

  /**
   * An extension resource in the older form that names its scope in its type and name
   * (`Microsoft.CognitiveServices/accounts/providers/diagnosticSettings`, name `acct/Microsoft.Insights/logs`,
   * or nested under the account as `providers/diagnosticSettings`): the resource the part before `providers` names.
   */
  private providerScopeOf(r: GraphResource): GraphResource | undefined {
    const types = r.type.split('/');
    const at = types.findIndex((t, i) => i > 1 && t.toLowerCase() === 'providers');
    if (at < 0) return undefined;
    const scopeType = types.slice(0, at).join('/');
    if (r.declaredParent && r.declaredParent.type.toLowerCase() === scopeType.toLowerCase()) return r.declaredParent;
    const name = patternOf(this.fullName(r))?.split('/');
    if (!name || name.length < at) return undefined;
    const scopeName = name.slice(0, at - 1);
    const candidates = this.ofType(scopeType).filter((p) => matchesName(this.fullName(p), scopeName));
    const own = candidates.filter((p) => samePath(p.deploymentPath, r.deploymentPath));
    return own.length === 1 ? own[0] : candidates.length === 1 ? candidates[0] : undefined;
  }

  /** The declared parent, else the resource whose type and name are this one's minus the last segment. */
  private parentOf(r: GraphResource): GraphResource | undefined {
    if (r.declaredParent) return r.declaredParent;
    const slash = r.type.lastIndexOf('/');
    if (r.type.indexOf('/') === slash) return undefined;
    const name = patternOf(this.fullName(r))?.split('/');
    if (!name || name.length !== r.type.split('/').length - 1) return undefined;
    const parentType = r.type.slice(0, slash);
    const parentName = name.slice(0, -1);
    const candidates = this.ofType(parentType).filter((p) => matchesName(this.fullName(p), parentName));
    const own = candidates.filter((p) => samePath(p.deploymentPath, r.deploymentPath));
    return own.length === 1 ? own[0] : candidates.length === 1 ? candidates[0] : undefined;
  }
}

function push(map: Map<GraphResource, GraphResource[]>, key: GraphResource, value: GraphResource): void {
  const list = map.get(key);
  if (!list) map.set(key, [value]);
  else if (!list.includes(value)) list.push(value);
}

function samePath(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((p, i) => p === b[i]);
}

const iterationViews = new WeakMap<GraphResource, Map<number, GraphResource>>();

/**
 * Iteration `index` of a looped declaration as a resource (what `sts[index]` names): the loop as its prototype, so
 * the graph relates it as the loop, with `declaration` (and so name, scope) that iteration's. The same object each time.
 */
export function loopIteration(loop: GraphResource, index: number, declaration: ValueNode): GraphResource {
  let views = iterationViews.get(loop);
  if (!views) iterationViews.set(loop, (views = new Map()));
  let view = views.get(index);
  if (!view) {
    view = Object.create(loop, {
      id: { value: `${loop.id}[${index}]` },
      loopIndex: { value: index },
      declaration: { value: declaration },
      iterations: { value: () => undefined },
      elements: { value: () => undefined },
    }) as GraphResource;
    views.set(index, view);
  }
  return view;
}

/** The resource a value made by the graph stands for: a resource object, or a loop's symbol (the array of its iterations). */
export function resourceOfValue(v: Value): GraphResource | undefined {
  return typeof v === 'object' && v !== null ? (v as { [RESOURCE_REF]?: GraphResource })[RESOURCE_REF] : undefined;
}
