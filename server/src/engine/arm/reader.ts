// ARM JSON reader: finds every declared Microsoft.CognitiveServices/accounts in a
// deployment template (resources array or languageVersion 2.0 object, child resources,
// inline nested deployments up to MAX_NESTED_DEPLOYMENTS deep, past which the walk reports a limit
// hit) and exposes it as the shared resource model.

import { findNodeAtLocation, getNodeValue, type Node as JsonNode, type ParseError } from 'jsonc-parser';
import { MAX_NESTED_DEPLOYMENTS, MAX_TEMPLATE_INSTANCES, parseJsonTree, type LimitSink } from '../limits';
import { TemplateInstances } from '../instances';
import { mapDecodedOffset } from '../expressions/parser';
import { findStringLiteral } from '../expressions/walk';
import { TemplateScope } from '../expressions/scope';
import type { CloudName } from '../expressions/environment';
import { getProperty, isObject, isUnknown, Unknown, type Value, type ValueObject } from '../expressions/value';
import type { ParameterFile } from './parameters';
import { derived, LazyValueNode } from '../nodes';
import { memberOf, plainValue } from '../json-tree';
import { quotedName, type AiResource, type Loc, type Origin, type OriginKind, type SourceFile, type ValueNode, type WrittenValue } from '../model';
import type { Expr } from '../expressions/ast';
import type { WrittenSuppression } from '../../../../rules/rule';
import { evaluate, parseTemplateStringCached, type EvalEnv } from '../expressions/evaluator';
import { DeploymentGraph, MAX_LOOP_ITERATIONS, type GraphResource } from '../graph/graph';
import { resourceValue } from '../graph/runtime';
import { collectReferences } from '../graph/references';

export const AI_ACCOUNT_TYPE = 'microsoft.cognitiveservices/accounts';
const DEPLOYMENT_TYPE = 'microsoft.resources/deployments';

export interface ArmDocument {
  readonly file: SourceFile;
  readonly root: JsonNode | undefined;
  readonly errors: readonly ParseError[];
  /** Set when the text is nested deeper than MAX_JSON_DEPTH (then there is no tree): where the limit is crossed. */
  readonly tooDeepAt?: number;
}

export function parseArm(file: SourceFile): ArmDocument {
  const errors: ParseError[] = [];
  const { root, tooDeepAt } = parseJsonTree(file.text, errors, { allowTrailingComma: true, disallowComments: false });
  return { file, root, errors, tooDeepAt };
}

/** A deployment template: a deploymentTemplate `$schema`, or top-level `resources` and `contentVersion`. */
export function isDeploymentTemplate(root: JsonNode | undefined): boolean {
  if (!root || root.type !== 'object') return false;
  const schema = property(root, '$schema');
  if (schema?.type === 'string' && /deploymenttemplate\.json#?$/i.test(String(schema.value))) return true;
  return !!property(root, 'resources') && !!property(root, 'contentVersion');
}

/** `metadata._generator.name` of the template, e.g. 'bicep'. */
export function generatorOf(root: JsonNode | undefined): string | undefined {
  const name = root && findNodeAtLocation(root, ['metadata', '_generator', 'name']);
  return name?.type === 'string' ? String(name.value) : undefined;
}

export interface ReadOptions {
  readonly cloud?: CloudName;
  /** Values from a parameter file, by parameter name. */
  readonly parameterFile?: ParameterFile;
  readonly generatedFrom?: AiResource['context']['generatedFrom'];
  /** Values a caller in another file passes (a Bicep module call of a compiled template). */
  readonly caller?: { readonly via: string; readonly values: ReadonlyMap<string, ValueNode>; readonly path: readonly string[] };
  /** The graph to add to (a Bicep module's deployment); a new one otherwise. */
  readonly graph?: DeploymentGraph;
  /** Told when the walk stops at a limit (nested deployments deeper than MAX_NESTED_DEPLOYMENTS, too many instances). */
  readonly onLimit?: LimitSink;
  /** Template instances read for the deployment (a Bicep deployment's, for a JSON module); a new count otherwise. */
  readonly instances?: TemplateInstances;
}

/** Reads the deployment a template describes: every resource, and the AI accounts among them. */
export function readArmDeployment(doc: ArmDocument, options: ReadOptions = {}): DeploymentGraph {
  const graph = options.graph ?? new DeploymentGraph(options.cloud);
  if (!doc.root || !isDeploymentTemplate(doc.root)) return graph;
  const bindings = new Map<string, Binding>();
  for (const [name, node] of options.parameterFile?.values ?? []) {
    bindings.set(name.toLowerCase(), { node, kind: 'parameter-file' });
  }
  for (const [name, node] of options.caller?.values ?? []) {
    bindings.set(name.toLowerCase(), { node, kind: 'caller', via: options.caller!.via });
  }
  const env = new Env(doc.file, doc.root, bindings, options.instances ? options : { ...options, instances: new TemplateInstances() }, options.caller?.path ?? [], graph);
  walkResources(property(doc.root, 'resources'), env, undefined, 0);
  return graph;
}

/** Reads the AI service resources a template deploys. */
export function readArmResources(doc: ArmDocument, options: ReadOptions = {}): AiResource[] {
  const graph = readArmDeployment(doc, options);
  return [...graph.accounts];
}

// ---------------------------------------------------------------------------

interface Binding { readonly node: ValueNode; readonly kind: OriginKind; readonly via?: string }

/** One template's evaluation environment. The scope is built on first use: most templates have no AI service. */
class Env {
  private lazyScope: TemplateScope | undefined;

  constructor(
    readonly file: SourceFile,
    readonly template: JsonNode,
    readonly bindings: ReadonlyMap<string, Binding>,
    readonly options: ReadOptions,
    readonly path: readonly string[],
    readonly graph: DeploymentGraph,
    private readonly shared?: Env,
    /** The copy loop iteration expressions are evaluated at (`copyIndex()`), for a declaration's members at one index. */
    readonly iteration?: EvalEnv,
  ) {}

  get scope(): TemplateScope {
    if (this.shared) return this.shared.scope;
    if (!this.lazyScope) {
      // Only the sections expressions read are converted to plain values, never the resources
      // (definitions: a parameter typed by a nullable one is null when left out).
      const plain: ValueObject = {};
      for (const section of ['parameters', 'variables', 'functions', 'copy', 'definitions']) {
        const node = property(this.template, section);
        if (node) plain[section] = getNodeValue(node) as Value;
      }
      const parameterValues = new Map<string, () => Value>();
      for (const [name, binding] of this.bindings) parameterValues.set(name, () => binding.node.value);
      // reference('x'), reference(resourceId(...)): resources of this deployment, as far as they are known.
      const resource = (ref: Value, form: 'full' | 'properties') => {
        const target = this.graph.resolve(ref, this.path);
        return target && resourceValue(target, this.graph, form);
      };
      this.lazyScope = new TemplateScope(plain, { cloud: this.options.cloud, parameterValues, resource });
    }
    return this.lazyScope;
  }

  /** Identifies the template expressions are written in (outer-scope nested templates share their parent's). */
  get templateKey(): string {
    return `${this.file.uri}#${(this.shared ?? this).template.offset}`;
  }

  /** The same scope (and copy index) under another deployment path (outer-scope nested templates). */
  at(path: readonly string[]): Env {
    return new Env(this.file, this.template, this.bindings, this.options, path, this.graph, this.shared ?? this, this.iteration);
  }

  /** The same scope at index `index` of the copy loop `loop` (any case). */
  atIndex(loop: string, index: number): Env {
    const name = loop.toLowerCase();
    const copyIndexes = new Map(this.iteration?.copyIndexes ?? []);
    copyIndexes.set(name, index);
    return new Env(this.file, this.template, this.bindings, this.options, this.path, this.graph, this.shared ?? this, { copyIndexes, currentCopy: name });
  }
}

const MAX_DEPTH = MAX_NESTED_DEPLOYMENTS;

function walkResources(resources: JsonNode | undefined, env: Env, parent: GraphResource | undefined, depth: number): void {
  if (!resources || depth > MAX_DEPTH) return;
  const symbolic = resources.type === 'object';
  if (!symbolic && resources.type !== 'array') return;
  const list = resources.children ?? [];
  // `index`: the place among the entries (a languageVersion 2.0 member without a key or value is no entry).
  let index = -1;
  for (const entry of list) {
    let node: JsonNode | undefined = entry;
    let name: string | undefined;
    if (symbolic) {
      const key = entry.children?.[0];
      node = entry.children?.[1];
      if (!key || !node) continue;
      name = String(key.value);
    }
    index++;
    if (node.type !== 'object') continue;
    const typeNode = property(node, 'type');
    if (typeNode?.type !== 'string') continue;
    const type = composeType(parent?.type, String(typeNode.value));
    const lower = type.toLowerCase();
    const isAi = lower === AI_ACCOUNT_TYPE;
    const declaration = new JsonValueNode(node, env);
    // Conditions are evaluated where they decide what is read (accounts, deployments); elsewhere they stay lazy.
    const condition = property(node, 'condition') ? declaration.member('condition') : undefined;
    if ((isAi || lower === DEPLOYMENT_TYPE) && condition && condition.value === false) continue;
    const existing = !!property(node, 'existing') && declaration.member('existing')?.value === true;
    const deployment = !existing && lower === DEPLOYMENT_TYPE;
    const id = `${env.path.join('/')}#${name ?? `${parent ? `${parent.id}>` : ''}${index}`}`;
    const resource = !existing && isAi ? new ArmAccount(id, node, declaration, typeNode, type, name, env, parent, existing, condition)
      : deployment ? new ArmDeployment(id, node, declaration, typeNode, type, name, env, parent, existing, condition)
      : new ArmResource(id, node, declaration, typeNode, type, name, env, parent, existing, condition);
    if (resource instanceof ArmAccount) env.graph.addAccount(resource);
    else env.graph.add(resource);
    if (resource instanceof ArmDeployment) {
      // A copy loop of deployments whose count is known: each index is a deployment of its own (`copyIndex()` known).
      const loop = resource.loop;
      const iterations = resource.iterations();
      if (loop && iterations) {
        iterations.forEach((at, i) => {
          if (at.member('condition')?.value !== false) walkDeployment(node, at, name, index, env.atIndex(loop.name ?? '', i), depth, i);
        });
      } else resource.nested = walkDeployment(node, declaration, name, index, env, depth);
    }
    const children = property(node, 'resources');
    if (children && depth + 1 > MAX_DEPTH) {
      stoppedAt(env, node, `child resources nested deeper than ${MAX_DEPTH}: analysis stopped at ${quotedName(displayName(declaration, name))}`);
    } else {
      // Nested children point at the object the graph holds: for an account, its subject.
      walkResources(children, env, resource, depth + 1);
    }
  }
}

/** Reports where the walk stops at a limit: the declaration's name, else the declaration. */
function stoppedAt(env: Env, node: JsonNode, message: string, code: 'depth-limit' | 'size-limit' = 'depth-limit'): void {
  const at = property(node, 'name') ?? node;
  env.options.onLimit?.({ code, loc: locOf(env.file, at), message });
}

/** A resource declaration as the graph holds it. One class (one shape), its members looked up on first use: most resources are never asked about. */
class ArmResource implements GraphResource {
  readonly file: SourceFile;
  readonly deploymentPath: readonly string[];
  private lazyLoop: { value: GraphResource['loop'] } | undefined;
  private iterationNodes: ValueNode[] | undefined;
  private lazyApiVersion: { value: GraphResource['apiVersion'] } | undefined;

  constructor(
    readonly id: string,
    protected readonly node: JsonNode,
    readonly declaration: JsonValueNode,
    private readonly typeNode: JsonNode,
    readonly type: string,
    readonly symbolicName: string | undefined,
    protected readonly env: Env,
    readonly declaredParent: GraphResource | undefined,
    readonly existing: boolean,
    readonly condition: ValueNode | undefined,
  ) {
    this.file = env.file;
    this.deploymentPath = env.path;
  }

  get typeLoc(): Loc { return locOf(this.file, this.typeNode); }

  get apiVersion(): GraphResource['apiVersion'] {
    if (!this.lazyApiVersion) {
      const api = property(this.node, 'apiVersion');
      this.lazyApiVersion = { value: api?.type === 'string' ? { value: String(api.value), loc: locOf(this.file, api) } : undefined };
    }
    return this.lazyApiVersion.value;
  }

  get loop(): GraphResource['loop'] {
    if (!this.lazyLoop) {
      const copy = property(this.node, 'copy') ? this.declaration.member('copy') : undefined;
      this.lazyLoop = { value: copy ? { name: stringOf(copy.member('name')?.value), count: copy.member('count') } : undefined };
    }
    return this.lazyLoop.value;
  }

  iterations(): readonly ValueNode[] | undefined {
    const loop = this.loop;
    const count = loop?.count?.value;
    if (!loop || typeof count !== 'number' || !Number.isInteger(count) || count < 0 || count > MAX_LOOP_ITERATIONS) return undefined;
    return (this.iterationNodes ??= Array.from({ length: count }, (_, i) => new JsonValueNode(this.node, this.env.atIndex(loop.name ?? '', i))));
  }

  get scopeNode(): ValueNode | undefined { return property(this.node, 'scope') ? this.declaration.member('scope') : undefined; }
  get dependsOnNode(): ValueNode | undefined { return property(this.node, 'dependsOn') ? this.declaration.member('dependsOn') : undefined; }
  get nameNode(): ValueNode | undefined { return this.declaration.member('name'); }
  references(): Value[] { return referencesIn(this.node, this.env); }

  subject(): AiResource {
    // The graph entry stays the prototype, so its members stay lazy.
    return Object.assign(Object.create(this) as GraphResource, subjectFields(this, this.declaration, this.node, this.env));
  }
}

/** A nested deployment: its outputs are read through `reference(<deployment>).outputs`. */
class ArmDeployment extends ArmResource {
  /** Its inline template, once read (`walkDeployment`). */
  nested: NestedTemplate | undefined;

  output(name: string): Value | undefined {
    return this.nested && nestedOutput(this.nested, name);
  }
}

/** An AI account: a graph resource and a rule subject in one. */
class ArmAccount extends ArmResource implements AiResource {
  readonly name: string;
  readonly kind: ValueNode | undefined;
  readonly properties: ValueNode | undefined;
  readonly tags: ValueNode | undefined;
  readonly suppressions: ReadonlyMap<string, string>;
  readonly context: AiResource['context'];

  constructor(...args: ConstructorParameters<typeof ArmResource>) {
    super(...args);
    const fields = subjectFields(this, this.declaration, this.node, this.env);
    this.name = fields.name;
    this.kind = fields.kind;
    this.properties = fields.properties;
    this.tags = fields.tags;
    this.suppressions = fields.suppressions;
    this.context = fields.context;
  }
}

/** A nested deployment's inline template and the environment its expressions are evaluated in (set once read). */
interface NestedTemplate {
  env?: Env;
  template?: JsonNode;
  /** Outputs evaluated so far (undefined while one is being evaluated: it refers to itself). */
  outputs?: Map<string, Value | undefined>;
}

/**
 * Output `name` of a nested deployment's template as `reference(deployment).outputs.<name>` reads it, `{ type, value }`,
 * the value evaluated where the nested template's expressions are (its own parameters, or the parent's in outer
 * scope), as Bicep module outputs are. Undefined when the deployment has no such output.
 */
function nestedOutput(nested: NestedTemplate, name: string): Value | undefined {
  const { env, template } = nested;
  if (!env || !template) return undefined;
  const outputs = (nested.outputs ??= new Map());
  const key = name.toLowerCase();
  if (outputs.has(key)) return outputs.get(key) ?? new Unknown(`output '${name}' refers to itself`);
  const output = caseInsensitivePath(template, ['outputs', name]);
  if (output?.type !== 'object') return undefined;
  outputs.set(key, undefined);
  const declared = new JsonValueNode(output, env);
  const type = declared.member('type')?.value;
  const value: Value = property(output, 'copy') ? new Unknown(`output '${name}' is built by a copy loop`)
    : declared.member('value')?.value ?? new Unknown(`output '${name}' has no value`);
  const result: ValueObject = { type: type ?? null, value };
  outputs.set(key, result);
  return result;
}

function stringOf(v: Value | undefined): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

/** The values naming the resources a declaration refers to: `reference(x)`, `resourceId(...)`, `listKeys(x, v)`. */
function referencesIn(node: JsonNode, env: Env): Value[] {
  const out: Value[] = [];
  const stack: JsonNode[] = [node];
  const inScope = (e: Expr) => evaluate(e, env.scope);
  while (stack.length) {
    const current = stack.pop()!;
    if (current.type === 'string') {
      if (!isExpression(current)) continue;
      const parsed = parseTemplateStringCached(String(current.value));
      if (parsed.kind === 'expression' && parsed.expr) collectReferences(parsed.expr, inScope, out);
    } else if (current.type === 'object' || current.type === 'array') {
      for (const child of current.children ?? []) {
        if (current.type === 'object') {
          const value = child.children?.[1];
          const key = child.children?.[0]?.value;
          // A nested deployment's template is another template's business.
          if (value && !(typeof key === 'string' && key.toLowerCase() === 'template')) stack.push(value);
        } else stack.push(child);
      }
    }
  }
  return out;
}

/** Child resources may give their type relative to the parent's (`deployments` under `.../accounts`). */
function composeType(parentType: string | undefined, type: string): string {
  if (!parentType || /^[^/]*\.[^/]*\//.test(type)) return type;
  return `${parentType}/${type}`;
}

/**
 * Reads a nested deployment's inline template; returns it with the environment its expressions are evaluated in.
 * `index`: its place in its `resources`, which tells it from a deployment of the same name when it has no symbolic name.
 * `copyIndex`: set for one index of a copy loop read on its own (`declaration` and `env` at that index); an index
 * passing what an earlier one passed (see `TemplateInstances`) is that instance, not read again.
 */
function walkDeployment(node: JsonNode, declaration: ValueNode, symbolic: string | undefined, index: number, env: Env, depth: number, copyIndex?: number): NestedTemplate | undefined {
  const template = caseInsensitivePath(node, ['properties', 'template']);
  if (template?.type !== 'object') return undefined;
  const name = displayName(declaration, symbolic);
  const scopeSetting = declaration.member('properties')?.member('expressionEvaluationOptions')?.member('scope')?.value;
  const inner = typeof scopeSetting === 'string' && scopeSetting.toLowerCase() === 'inner';
  const key = symbolic ?? `resources[${index}]`;
  // An index by its name and index (`outer[1]`), as a Bicep module's iteration: the name may be the same for each.
  const path = copyIndex === undefined ? env.graph.pathOf(env.path, name, key) : env.graph.pathOf(env.path, `${name}[${copyIndex}]`, `${key}[${copyIndex}]`);
  if (depth + 1 > MAX_DEPTH) {
    stoppedAt(env, node, `nested deployments deeper than ${MAX_DEPTH}: analysis stopped at ${quotedName(name)}`);
    return undefined;
  }
  const step = {
    path, name, loc: declaration.loc, declaration,
    resourceGroup: property(node, 'resourceGroup') ? declaration.member('resourceGroup') : undefined,
    subscriptionId: property(node, 'subscriptionId') ? declaration.member('subscriptionId') : undefined,
    scope: property(node, 'scope') ? declaration.member('scope') : undefined,
    ...(copyIndex !== undefined ? { iteration: { index: copyIndex } }
      : property(node, 'copy') ? { loop: { count: declaration.member('copy')?.member('count'), filtered: !!property(node, 'condition') && declaration.member('condition')?.value !== true } } : {}),
  };
  const bindings = inner ? innerBindings(node, declaration, name) : undefined;
  if (copyIndex !== undefined) {
    // Inner scope: the template sees what is passed. Outer: the parent's scope, the same for every index but the index.
    const values = bindings ? new Map([...bindings].map(([k, b]) => [k, b.node]))
      : new Map(usesCopyIndex(template) ? [['copyIndex()', derived(copyIndex, declaration.loc)!]] : []);
    const instances = env.options.instances!;
    const same = instances.same(`${env.file.uri}#${template.offset}${bindings ? '' : `@${env.path.join('\u0000')}`}`, values, path);
    if (same) {
      env.graph.addDeployment({ ...step, sameAs: same });
      return undefined;
    }
    if (!instances.admit(() => stoppedAt(env, node, `more than ${MAX_TEMPLATE_INSTANCES} template instances: analysis stopped at nested deployment ${quotedName(name)}`, 'size-limit'))) return undefined;
  }
  env.graph.addDeployment(step);
  if (!bindings) {
    // Outer scope: the nested template sees the parent's parameters and variables.
    const outer = env.at(path);
    walkResources(property(template, 'resources'), outer, undefined, depth + 1);
    return { env: outer, template };
  }
  const innerEnv = new Env(env.file, template, bindings, env.options, path, env.graph);
  walkResources(property(template, 'resources'), innerEnv, undefined, depth + 1);
  return { env: innerEnv, template };
}

const copyIndexUse = new WeakMap<JsonNode, boolean>();

/**
 * Whether a template's expressions call copyIndex() (outside strings' quoted text, a close enough test). Asked for
 * every index of a loop: the template is walked once.
 */
function usesCopyIndex(template: JsonNode): boolean {
  const known = copyIndexUse.get(template);
  if (known !== undefined) return known;
  let uses = false;
  const stack: JsonNode[] = [template];
  while (stack.length && !uses) {
    const current = stack.pop()!;
    if (current.type === 'string') uses = isExpression(current) && /copyindex\s*\(/i.test(String(current.value));
    else stack.push(...(current.children ?? []));
  }
  copyIndexUse.set(template, uses);
  return uses;
}

/** What an inner-scope nested deployment passes its template, by parameter name (lower case). */
function innerBindings(node: JsonNode, declaration: ValueNode, name: string): Map<string, Binding> {
  const bindings = new Map<string, Binding>();
  const parameters = declaration.member('properties')?.member('parameters');
  const parametersJson = caseInsensitivePath(node, ['properties', 'parameters']);
  for (const prop of parametersJson?.type === 'object' ? parametersJson.children ?? [] : []) {
    const [key, value] = prop.children ?? [];
    if (!key || !value) continue;
    const paramName = String(key.value);
    const entry = parameters?.member(paramName);
    if (!entry) continue;
    const passed = entry.literal
      ? entry.member('value') ?? derived(new Unknown(`parameter '${paramName}' is a Key Vault reference`), entry.loc)
      : derived(getProperty(asObject(entry.value), 'value'), entry.loc);
    if (passed) bindings.set(paramName.toLowerCase(), { node: passed, kind: 'caller', via: name });
  }
  return bindings;
}

function asObject(v: Value): ValueObject {
  return isObject(v) ? v : {};
}

/** What makes a resource a rule subject: an AI account, or a resource of a type some rule checks. */
function subjectFields(base: GraphResource, declaration: ValueNode, node: JsonNode, env: Env) {
  return {
    name: displayName(declaration, base.symbolicName),
    declaration,
    kind: declaration.member('kind'),
    properties: declaration.member('properties'),
    tags: declaration.member('tags'),
    suppressions: suppressionsOf(node, env.file),
    context: {
      parameterFile: env.options.parameterFile?.name,
      deploymentPath: env.path,
      generatedFrom: env.options.generatedFrom,
    },
  };
}

/** Suppressions live in the resource's metadata, which ARM ignores: `"metadata": { "aiEgressGuard": { "suppress": { "<rule-id>": "<reason>" } } }`. */
export const SUPPRESS_PATH = ['metadata', 'aiEgressGuard', 'suppress'] as const;

const NO_SUPPRESSIONS: ReadonlyMap<string, string> = new Map();

/**
 * Whether the file may hold a suppression: its text names the marker key (any case), or has a `\u` escape that
 * could spell it. One scan per file, so files without suppressions skip the tree walks.
 */
function maySuppress(file: SourceFile): boolean {
  let found = markerSeen.get(file);
  if (found === undefined) markerSeen.set(file, (found = /aiegressguard/i.test(file.text) || file.text.includes('\\u')));
  return found;
}
const markerSeen = new WeakMap<SourceFile, boolean>();

function suppressionsOf(node: JsonNode, file: SourceFile): ReadonlyMap<string, string> {
  if (!maySuppress(file)) return NO_SUPPRESSIONS;
  const map = new Map<string, string>();
  const suppress = caseInsensitivePath(node, [...SUPPRESS_PATH]);
  for (const prop of suppress?.type === 'object' ? suppress.children ?? [] : []) {
    const [key, value] = prop.children ?? [];
    if (key) map.set(String(key.value), value?.type === 'string' ? String(value.value) : '');
  }
  return map;
}

/**
 * Every suppression entry written in the file, on any resource object at any depth (nested templates too), for
 * the rules about suppressions. Iterative: the tree is already depth-bounded by the parse, the walk adds no stack.
 */
export function writtenSuppressions(file: SourceFile, root: JsonNode | undefined): WrittenSuppression[] {
  const out: WrittenSuppression[] = [];
  const stack: JsonNode[] = root && maySuppress(file) ? [root] : [];
  while (stack.length) {
    const node = stack.pop()!;
    for (const child of node.children ?? []) if (child.type === 'object' || child.type === 'array' || child.type === 'property') stack.push(child);
    if (node.type !== 'object') continue;
    const suppress = caseInsensitivePath(node, [...SUPPRESS_PATH]);
    if (suppress?.type !== 'object' || property(node, 'type')?.type !== 'string') continue;
    const name = property(node, 'name');
    const literalName = name?.type === 'string' && !String(name.value).startsWith('[') ? String(name.value) : undefined;
    const entries = (suppress.children ?? []).flatMap((prop) => {
      const [key, value] = prop.children ?? [];
      return key ? [{ prop, id: String(key.value), reason: value?.type === 'string' ? String(value.value).trim() : '' }] : [];
    });
    const ids = entries.map((e) => e.id);
    for (const { prop, id, reason } of entries) {
      out.push({ ruleId: id, reason, loc: locOf(file, prop), ...(literalName !== undefined ? { resource: literalName } : {}), alongside: ids.filter((other) => other !== id) });
    }
  }
  return out.sort((a, b) => a.loc.start - b.loc.start);
}

function displayName(declaration: ValueNode, symbolic: string | undefined): string {
  const name = declaration.member('name');
  const value = name?.value;
  if (typeof value === 'string') return value;
  if (symbolic) return symbolic;
  // Never the raw expression: what names it, in parentheses (no Azure name has them), see `quotedName`.
  const parameter = name?.origin && name.origin.kind !== 'variable' ? name.origin.name : isUnknown(value) ? value.parameter : undefined;
  if (parameter) return `(named by parameter '${parameter}')`;
  return name ? '(name known only at deployment)' : '(unnamed)';
}

// ---------------------------------------------------------------------------
// Value nodes over the JSON tree, evaluated on demand.

function locOf(file: SourceFile, node: JsonNode): Loc {
  return { file, start: node.offset, end: node.offset + node.length };
}

/** A member of a JSON object by name: the exact spelling first, else case-insensitively (ARM's rule). */
const property = memberOf;

function isExpression(json: JsonNode): boolean {
  return json.type === 'string' && /^\[(?!\[)[\s\S]*\]$/.test(String(json.value));
}

class JsonValueNode extends LazyValueNode {
  /** `keyNode`: the key of the member that holds this value, if any. */
  constructor(private readonly json: JsonNode, private readonly env: Env, private readonly keyNode?: JsonNode) {
    super();
  }

  get keyLoc(): Loc | undefined { return this.keyNode && locOf(this.env.file, this.keyNode); }

  get loc(): Loc { return locOf(this.env.file, this.json); }
  get literal(): boolean { return !isExpression(this.json); }

  protected computeValue(): Value {
    const json = this.json;
    return json.type === 'string' ? this.env.scope.evaluateString(String(json.value), this.env.iteration)
      : json.type === 'object' || json.type === 'array' ? this.env.scope.evaluateJson(plainValue(json), this.env.iteration)
      : (json.value as Value);
  }

  /** A value written as exactly `[parameters('x')]` or `[variables('x')]` was set where x is. */
  protected findOrigin(): Origin | undefined {
    if (!isExpression(this.json)) return undefined;
    const parsed = parseTemplateStringCached(String(this.json.value));
    const expr = parsed.kind === 'expression' ? parsed.expr : undefined;
    if (expr?.kind !== 'call' || expr.namespace || expr.args.length !== 1 || expr.args[0].kind !== 'string') return undefined;
    const fn = expr.name.toLowerCase();
    const name = expr.args[0].value;
    if (fn === 'parameters') return this.parameterOrigin(name);
    if (fn === 'variables') {
      const variable = caseInsensitivePath(this.env.template, ['variables', name]);
      return variable ? { kind: 'variable', name, node: new JsonValueNode(variable, this.env) } : undefined;
    }
    return undefined;
  }

  private parameterOrigin(name: string): Origin | undefined {
    const binding = this.env.bindings.get(name.toLowerCase());
    if (binding) return { kind: binding.kind, name, node: binding.node, via: binding.via };
    const def = caseInsensitivePath(this.env.template, ['parameters', name, 'defaultValue']);
    return def ? { kind: 'parameter-default', name, node: new JsonValueNode(def, this.env) } : undefined;
  }

  private members: Map<string, ValueNode | undefined> | undefined;
  private itemNodes: readonly ValueNode[] | undefined;

  written(): WrittenValue {
    const json = this.json;
    const template = this.env.templateKey;
    const parameter = (name: string) => this.parameterOrigin(name);
    if (json.type === 'string') {
      const parsed = parseTemplateStringCached(String(json.value));
      if (parsed.kind === 'literal') return { template, parameter, expr: { kind: 'string', value: parsed.value, span: { start: 0, end: 0 } } };
      return { template, parameter, ...(parsed.expr && !parsed.errors.length ? { expr: parsed.expr } : {}) };
    }
    if (json.type === 'number') return { template, parameter, expr: { kind: 'number', value: json.value as number, span: { start: 0, end: 0 } } };
    if (json.type === 'boolean') return { template, parameter, expr: { kind: 'boolean', value: json.value as boolean, span: { start: 0, end: 0 } } };
    return { template, parameter };
  }

  literalWithin(test: (text: string) => boolean): Loc | undefined {
    if (!isExpression(this.json)) return undefined;
    const parsed = parseTemplateStringCached(String(this.json.value));
    const literal = parsed.kind === 'expression' && parsed.expr ? findStringLiteral(parsed.expr, test) : undefined;
    if (!literal) return undefined;
    const raw = this.env.file.text.slice(this.json.offset, this.json.offset + this.json.length);
    return { file: this.env.file, start: this.json.offset + mapDecodedOffset(raw, literal.start), end: this.json.offset + mapDecodedOffset(raw, literal.end) };
  }

  member(name: string): ValueNode | undefined {
    if (this.json.type === 'object') {
      // Rules ask for the same members again and again: remember each one found.
      this.members ??= new Map();
      const lower = name.toLowerCase();
      let node = this.members.get(lower);
      if (node === undefined && !this.members.has(lower)) {
        const value = property(this.json, name);
        const key = value?.parent?.children?.[0];
        node = key && value ? new JsonValueNode(value, this.env, key) : undefined;
        this.members.set(lower, node);
      }
      return node;
    }
    return this.memberThrough(name);
  }

  items(): readonly ValueNode[] | undefined {
    if (this.itemNodes) return this.itemNodes;
    if (this.json.type === 'array') return (this.itemNodes = (this.json.children ?? []).map((child) => new JsonValueNode(child, this.env)));
    const through = this.itemsThrough();
    if (through && !this.origin) this.itemNodes = through;
    return through;
  }
}

function caseInsensitivePath(root: JsonNode, path: string[]): JsonNode | undefined {
  let node: JsonNode | undefined = root;
  for (const segment of path) {
    node = node && property(node, segment);
  }
  return node;
}
