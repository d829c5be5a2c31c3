// Bicep reader: turns `.bicep` declarations into the shared resource model, so every rule applies
// unchanged. Expressions are lowered to the ARM expression tree and evaluated with ARM semantics.
// Local modules are followed with the values the caller passes; registry modules are read from
// Bicep's local cache (~/.bicep/br/...) or, for the Azure Verified Module of AI accounts, modelled.
// A `for` loop over an array known here is read per iteration (`iterations`), as ARM copy loops are; its symbol
// (`sts[i]`, `mods[i].outputs.x`) is the array of its iterations (`loopSymbol`).

import { jsonDepthMessage, MAX_MODULE_CHAIN, MAX_TEMPLATE_INSTANCES, parseJsonTree, type LimitSink } from '../limits';
import { TemplateInstances } from '../instances';
import { bounded, evaluate, MAX_STRING_LENGTH, spendSteps, type EvalContext, type EvalEnv } from '../expressions/evaluator';
import { findStringLiteral } from '../expressions/walk';
import type { CloudName } from '../expressions/environment';
import { OPEN_OBJECT, Unknown, isObject, type Value, type ValueObject } from '../expressions/value';
import { quotedName, type AiResource, type ParameterFile, type Loc, type Origin, type OriginKind, type SourceFile, type ValueNode, type WrittenValue } from '../model';
import { LazyValueNode } from '../nodes';
import { isDeploymentTemplate, readArmDeployment, AI_ACCOUNT_TYPE } from '../arm/reader';
import { DeploymentGraph, loopIteration, MAX_LOOP_ITERATIONS, RESOURCE_REF, resourceOfValue, type GraphResource } from '../graph/graph';
import { resourceValue } from '../graph/runtime';
import { collectReferences } from '../graph/references';
import type { Expression, IfNode, ModuleDeclaration, ObjectNode, Program, ResourceDeclaration, StringNode, TypeNode } from './ast';
import { createSymbolResolver, ERROR_SYMBOL, lowerExpression, USER_FUNCTION_NAMESPACE, type SymbolResolver } from './lower';
import { printExpression } from '../expressions/print';
import type { Expr } from '../expressions/ast';
import { keepShapes } from '../shapes';
import { findProperty, hasSpread, nestedResources, parseBicep, parseBicepParam, type BicepParseCache } from './parser';
import { avmAccountResource, isAvmAccountModule } from './avm';

const MAX_MODULE_DEPTH = MAX_MODULE_CHAIN;
/** How many type names a parameter's type may go through before it is taken as not nullable. */
const MAX_TYPE_STEPS = 32;

export interface BicepReadOptions {
  readonly cloud?: CloudName;
  readonly readFile: (uri: string) => string | undefined;
  /** Where `bicep restore` caches registry modules (`~/.bicep`), as a file URI; undefined to not look. */
  readonly moduleCacheUri?: string;
  /** Values from a .bicepparam file, by parameter name, and its file name. */
  readonly parameterFile?: ParameterFile;
  /** Lower-case types some rule reads: module files are parsed without skipping their bodies. */
  readonly readTypes?: ReadonlySet<string>;
  /** Told when reading stops at a limit (a module chain longer than MAX_MODULE_CHAIN, too many module instances). */
  readonly onLimit?: LimitSink;
  /** Shared by the templates of one deployment: parsed modules, and module instances already read. */
  readonly shared?: ModuleCache;
  /** Parses shared across the analyses of an audit. */
  readonly parses?: BicepParseCache;
}

interface ModuleCache {
  readonly programs: Map<string, Program>;
  /** Module instances read so far, by module URI; ARM templates it calls count too. */
  readonly instances: TemplateInstances;
  /** The Bicep module templates read (collected), by deployment path (`pathKey`): where a call that is `sameAs` one reads its outputs. */
  readonly read: Map<string, BicepTemplate>;
}

const pathKey = (path: readonly string[]) => path.join('\u0000');

export interface Binding { readonly node: ValueNode; readonly kind: OriginKind; readonly via?: string }

/** One iteration of a `for` loop: its index, the loop variables' values, and the array element the item is, where written. */
interface Iteration {
  readonly index: number;
  readonly locals: readonly string[];
  readonly env: EvalEnv;
  readonly item?: { readonly name: string; readonly element: ValueNode };
}

interface ModuleCall {
  readonly body: ValueNode;
  readonly via: string;
  readonly values: ReadonlyMap<string, ValueNode>;
  readonly path: readonly string[];
  readonly target: { kind: 'bicep' | 'json'; uri: string } | undefined;
  template?: BicepTemplate;
  /** The template read for the instance this call is the same as (`sameAs`): the graph holds its resources, so its outputs are read there. */
  sameAs?: BicepTemplate;
  /** A local Bicep module whose file cannot be read. */
  unreadable?: boolean;
}

/** Parses a Bicep file once; the program is reused by reader and writer. */
export function parseBicepFile(file: SourceFile): ReturnType<typeof parseBicep> {
  return file.kind === 'bicepparam' ? parseBicepParam(file.text) : parseBicep(file.text);
}

/** Reads the deployment a Bicep file describes (modules included): every resource, and the AI accounts among them. */
export function readBicepDeployment(file: SourceFile, program: Program, options: BicepReadOptions): DeploymentGraph {
  keepReaderShapes();
  const bindings = new Map<string, Binding>();
  for (const [name, node] of options.parameterFile?.values ?? []) bindings.set(name, { node, kind: 'parameter-file' });
  const graph = new DeploymentGraph(options.cloud);
  const shared: ModuleCache = { programs: new Map(), instances: new TemplateInstances(), read: new Map() };
  new BicepTemplate(file, program, bindings, { ...options, shared }, [], [file.uri], graph).collect();
  return graph;
}

export function readBicepResources(file: SourceFile, program: Program, options: BicepReadOptions): AiResource[] {
  return [...readBicepDeployment(file, program, options).accounts];
}

/** The values a .bicepparam file assigns, and the template it is for. */
export function readBicepParamFile(file: SourceFile, program: Program, cloud?: CloudName): { using?: string; values: Map<string, ValueNode> } {
  keepReaderShapes();
  const template = new BicepTemplate(file, program, new Map(), { cloud, readFile: () => undefined }, [], [file.uri], new DeploymentGraph());
  const values = new Map<string, ValueNode>();
  let using: string | undefined;
  for (const d of program.declarations) {
    if (d.kind === 'using') using = d.pathString;
    if (d.kind === 'paramAssignment' && !d.name.missing) values.set(d.name.name, template.node(d.value));
  }
  return { using, values };
}

/** Resolves a relative module path against the URI of the file that references it. */
export function resolveUri(from: string, relative: string): string {
  return new URL(relative, from).href;
}

class BicepTemplate implements EvalContext {
  readonly cloud: CloudName;
  readonly resolve: SymbolResolver;
  private readonly params = new Map<string, Expression | undefined>();
  /** Parameters of a nullable type (`string?`): null when no value is given, as Bicep deploys them. */
  private readonly nullable = new Set<string>();
  private readonly vars = new Map<string, Expression>();
  private readonly paramCache = new Map<string, Value>();
  private readonly varCache = new Map<string, Value>();
  private readonly evaluating = new Set<string>();

  constructor(
    readonly file: SourceFile,
    readonly program: Program,
    readonly bindings: ReadonlyMap<string, Binding>,
    readonly options: BicepReadOptions,
    readonly path: readonly string[],
    readonly chain: readonly string[],
    readonly graph: DeploymentGraph,
  ) {
    this.cloud = options.cloud ?? 'AzureCloud';
    const paramTypes: [string, TypeNode][] = [];
    for (const d of program.declarations) {
      if (d.kind === 'param' && !d.name.missing) {
        this.params.set(d.name.name, d.defaultValue);
        paramTypes.push([d.name.name, d.type]);
      }
      if (d.kind === 'type' && !d.name.missing) this.types.set(d.name.name, d.value);
      if (d.kind === 'var' && !d.name.missing) this.vars.set(d.name.name, d.value);
      if (d.kind === 'import' && d.fromPath && /\.bicep$/i.test(d.fromPath)) {
        for (const symbol of d.symbols ?? []) {
          const exported = symbol.name.kind === 'identifier' ? symbol.name.name : symbol.name.kind === 'string' ? symbol.name.value : undefined;
          const local = symbol.alias?.name ?? exported;
          if (exported && local) this.imports.set(local, { uri: resolveUri(file.uri, d.fromPath), exported });
        }
      }
    }
    for (const [name, type] of paramTypes) if (this.isNullableType(type, 0)) this.nullable.add(name);
    const own = createSymbolResolver(program);
    // `import { x } from './shared.bicep'`: exported variables and functions keep their kind.
    this.resolve = (name) => {
      const imported = this.imports.get(name);
      const kind = imported && this.imported(imported.uri)?.resolve(imported.exported);
      return kind === 'var' || kind === 'func' ? kind : own(name);
    };
  }

  /** `type x = ...` declarations: a parameter typed `x` is nullable when `x` is (`type x = {...}?`). */
  private readonly types = new Map<string, TypeNode>();

  /** Whether a type is nullable (`T?`), through type names declared here or imported (bounded: a cycle is not). */
  private isNullableType(type: TypeNode, steps: number): boolean {
    if (steps > MAX_TYPE_STEPS) return false;
    if (type.kind === 'nullableType') return true;
    if (type.kind === 'parenthesizedType') return this.isNullableType(type.type, steps + 1);
    if (type.kind !== 'typeReference' || type.typeArguments || type.name.missing) return false;
    const local = this.types.get(type.name.name);
    if (local) return this.isNullableType(local, steps + 1);
    const imported = this.imports.get(type.name.name);
    return !!imported && this.imported(imported.uri)?.isNullableTypeNamed(imported.exported, steps + 1) === true;
  }

  private isNullableTypeNamed(name: string, steps: number): boolean {
    const type = this.types.get(name);
    return !!type && this.isNullableType(type, steps);
  }

  private readonly imports = new Map<string, { uri: string; exported: string }>();
  private readonly importedTemplates = new Map<string, BicepTemplate | undefined>();

  private imported(uri: string): BicepTemplate | undefined {
    if (!this.importedTemplates.has(uri)) {
      const text = this.chain.includes(uri) ? undefined : this.options.readFile(uri);
      this.importedTemplates.set(uri, text === undefined ? undefined
        : new BicepTemplate({ uri, text, kind: 'bicep' }, parseBicep(text).program, new Map(), { ...this.options, parameterFile: undefined }, this.path, [...this.chain, uri], new DeploymentGraph()));
    }
    return this.importedTemplates.get(uri);
  }

  // EvalContext -------------------------------------------------------------

  parameter(name: string): Value {
    const cached = this.paramCache.get(name);
    if (cached !== undefined) return cached;
    let value: Value;
    const bound = this.bindings.get(name);
    if (bound) value = bound.node.value;
    else if (this.params.get(name)) value = this.guarded(`param:${name}`, () => this.evaluate(this.params.get(name)!));
    else if (this.nullable.has(name)) value = null;
    else value = new Unknown(`parameter '${name}' has no value (no default and no parameter file)`, name);
    this.paramCache.set(name, value);
    return value;
  }

  variable(name: string): Value {
    const cached = this.varCache.get(name);
    if (cached !== undefined) return cached;
    const expr = this.vars.get(name);
    const imported = this.imports.get(name);
    const value = expr ? this.guarded(`var:${name}`, () => this.evaluate(expr))
      : imported ? this.imported(imported.uri)?.variable(imported.exported) ?? new Unknown(`cannot read '${imported.uri}' to import '${name}'`)
      : new Unknown(`variable '${name}' is not declared`);
    this.varCache.set(name, value);
    return value;
  }

  /** A Bicep `func`, as the evaluator takes ARM user functions: its body as ARM expression text. */
  userFunction(namespace: string, name: string): { params: string[]; output: unknown } | undefined {
    if (namespace !== USER_FUNCTION_NAMESPACE) return undefined;
    const d = this.program.declarations.find((x) => x.kind === 'func' && x.name.name === name);
    if (d?.kind !== 'func') {
      const imported = this.imports.get(name);
      return imported && this.imported(imported.uri)?.userFunction(namespace, imported.exported);
    }
    const params = d.parameters.map((p) => p.name.name);
    // Inside the body only the function's parameters (and other functions) are in scope.
    const resolve: SymbolResolver = (symbol) => (params.includes(symbol) ? 'param' : this.resolve(symbol) === 'func' ? 'func' : 'other');
    return { params, output: `[${printExpression(lowerExpression(d.body, resolve))}]` };
  }

  private guarded(key: string, compute: () => Value): Value {
    if (this.evaluating.has(key)) return new Unknown(`'${key.slice(key.indexOf(':') + 1)}' refers to itself`);
    this.evaluating.add(key);
    try {
      return compute();
    } finally {
      this.evaluating.delete(key);
    }
  }

  /** The value of parameter or variable `name` when already evaluated (as `parameters`/`variables` would give it), or undefined. */
  private known(name: string): Value | undefined {
    const param = this.paramCache.get(name), variable = this.varCache.get(name);
    if (param === undefined && variable === undefined) return undefined;
    const kind = this.resolve(name);
    return kind === 'param' ? param : kind === 'var' ? variable : undefined;
  }

  /**
   * `'st${prefix}1'` of parameters and variables already evaluated to strings, joined as the `format()` it lowers to
   * would join them, without lowering it; undefined otherwise. Counts the steps that evaluation would take.
   */
  private interpolated(node: StringNode): string | undefined {
    const { segments, expressions } = node;
    let out = segments[0];
    for (let i = 0; i < expressions.length; i++) {
      const e = expressions[i];
      const value = e.kind === 'variable' ? this.known(e.name) : undefined;
      if (typeof value !== 'string') return undefined;
      out += value + segments[i + 1];
    }
    // format, its format string, and per value `parameters`/`variables` and its name; nested 3 deep.
    return out.length <= MAX_STRING_LENGTH && spendSteps(2 + 2 * expressions.length, 3) ? out : undefined;
  }

  /** A parameter or variable already evaluated, as `parameters`/`variables` and its name (2 steps, nested 2 deep) give it; undefined otherwise. */
  private knownReference(name: string): Value | undefined {
    const value = this.known(name);
    if (value === undefined || !spendSteps(2, 2)) return undefined;
    return typeof value === 'object' || typeof value === 'string' ? bounded(value, this.resolve(name) === 'param' ? 'parameters' : 'variables') : value;
  }

  evaluate(node: Expression | IfNode, iteration?: Iteration): Value {
    if (iteration) return evaluate(lowerExpression(node, this.resolve, { locals: iteration.locals }), this, iteration.env);
    // Literals, most values of a body, need no lowering: their ARM expression is the literal.
    switch (node.kind) {
      case 'string': {
        if (node.expressions.length === 0) return evaluate({ kind: 'string', value: node.segments[0], span: node }, this);
        const joined = this.interpolated(node);
        if (joined !== undefined) return joined;
        break;
      }
      case 'variable': {
        const value = this.knownReference(node.name);
        if (value !== undefined) return value;
        break;
      }
      case 'number': return evaluate({ kind: 'number', value: node.value, span: node }, this);
      case 'boolean': return evaluate({ kind: 'boolean', value: node.value, span: node }, this);
      case 'null': return evaluate({ kind: 'null', span: node }, this);
      default: break;
    }
    return evaluate(lowerExpression(node, this.resolve), this);
  }

  private readonly loops = new Map<ResourceDeclaration | ModuleDeclaration, readonly Iteration[] | undefined>();

  /**
   * The iterations of a declaration's `for` loop over an array (or range) known here, at most MAX_LOOP_ITERATIONS,
   * without those its filter leaves out; undefined otherwise (then it is read once, its loop variables unknown).
   */
  iterations(d: ResourceDeclaration | ModuleDeclaration): readonly Iteration[] | undefined {
    if (this.loops.has(d)) return this.loops.get(d);
    let out: Iteration[] | undefined;
    const loop = d.loop;
    const iterable = loop && this.node(loop.iterable);
    const values = iterable?.value;
    if (loop && Array.isArray(values) && values.length <= MAX_LOOP_ITERATIONS) {
      const [item, index] = [loop.itemVariable, loop.indexVariable].map((v) => (v && !v.missing ? v.name : undefined));
      const locals = [item, index].filter((v): v is string => v !== undefined);
      const elements = iterable!.items();
      out = [];
      for (let i = 0; i < values.length && out; i++) {
        const vars = new Map<string, Value>();
        if (item !== undefined) vars.set(item, values[i]);
        if (index !== undefined) vars.set(index, i);
        const element = elements?.[i];
        const iteration: Iteration = { index: i, locals, env: { lambdaVars: vars }, ...(item !== undefined && element?.literal ? { item: { name: item, element } } : {}) };
        const kept = d.condition ? this.evaluate(d.condition, iteration) : true;
        // A filter not known for an iteration: the loop is read once, as when its array is not known.
        if (kept === true) out.push(iteration); else if (kept !== false) out = undefined;
      }
    }
    this.loops.set(d, out);
    return out;
  }

  /**
   * A loop's symbol as Bicep sees it: one value per element of what it iterates (`each` of the iterations read),
   * Unknown where its filter leaves the element out. Undefined unless the iterations are known.
   */
  loopSymbol(d: ResourceDeclaration | ModuleDeclaration, label: string, each: (iteration: Iteration, i: number) => Value): Value[] | undefined {
    const iterations = d.loop && this.iterations(d);
    const items = iterations && this.node(d.loop!.iterable).value;
    if (!iterations || !Array.isArray(items)) return undefined;
    const out: Value[] = Array.from({ length: items.length }, (_, i) => new Unknown(`iteration ${i} of '${label}' is left out by its condition`));
    iterations.forEach((it, i) => { out[it.index] = each(it, i); });
    return out;
  }

  node(expression: Expression, keyLoc?: Loc, iteration?: Iteration): ValueNode {
    return new BicepValueNode(expression, this, keyLoc, iteration);
  }

  loc(range: { start: number; end: number }): Loc {
    return { file: this.file, start: range.start, end: range.end };
  }

  originOf(name: string): Origin | undefined {
    const kind = this.resolve(name);
    if (kind === 'param') {
      const bound = this.bindings.get(name);
      if (bound) return { kind: bound.kind, name, node: bound.node, via: bound.via };
      const def = this.params.get(name);
      return def ? { kind: 'parameter-default', name, node: this.node(def) } : undefined;
    }
    if (kind === 'var') {
      const value = this.vars.get(name);
      return value ? { kind: 'variable', name, node: this.node(value) } : undefined;
    }
    return undefined;
  }

  /** A resource symbol (`storage`, `acct::child`) or id of this deployment as a value, from the graph. */
  resource(ref: Value, form: 'full' | 'properties'): Value | undefined {
    const target = this.graph.resolve(ref, this.path) ?? this.nestedSymbol(ref);
    if (!target) return undefined;
    // The symbol of a loop is an array of its iterations (`sts[i]`, `for sa in sts`), where they are known.
    const loop = form === 'full' && typeof ref === 'string' && target instanceof BicepResource ? target.symbolValue(this.graph) : undefined;
    return loop ?? resourceValue(target, this.graph, form);
  }

  /** Inside a resource body, a nested resource may be named without its parents (`conn` for `acct::proj::conn`). */
  private nestedSymbol(ref: Value): GraphResource | undefined {
    if (typeof ref !== 'string' || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(ref)) return undefined;
    const suffix = `::${ref}`;
    const found = this.graph.resources.filter((r) => r.symbolicName?.endsWith(suffix) && r.file === this.file
      && r.deploymentPath.length === this.path.length && r.deploymentPath.every((p, i) => p === this.path[i]));
    return found.length === 1 ? found[0] : undefined;
  }

  // Resources ----------------------------------------------------------------

  collect(): void {
    for (const d of this.program.declarations) {
      if (d.kind === 'resource') this.declareResource(d, undefined);
      else if (d.kind === 'module') this.declareModule(d);
    }
  }

  private deployed(d: ResourceDeclaration | ModuleDeclaration): boolean {
    return !(d.condition && this.evaluate(d.condition) === false);
  }

  private declareResource(d: ResourceDeclaration, parent: GraphResource | undefined): void {
    const typeString = d.typeString;
    if (!typeString) return;
    const at = typeString.indexOf('@');
    const end = at >= 0 ? at : typeString.length;
    const slash = typeString.indexOf('/');
    // A nested resource may give its type relative to its parent's.
    const relative = !!parent && !(slash >= 0 && slash < end);
    const type = relative ? `${parent!.type}/${typeString.slice(0, end)}` : typeString.slice(0, end);
    const isAi = !d.existing && d.body !== undefined && type.length === AI_ACCOUNT_TYPE.length && type.toLowerCase() === AI_ACCOUNT_TYPE;
    // Conditions are evaluated where they decide what is checked (accounts); elsewhere they stay lazy.
    if (isAi && !this.deployed(d)) return;
    // Nested children point at the object the graph holds: for an account, its subject.
    const node = isAi ? new BicepAccount(this, d, type, at, parent) : new BicepResource(this, d, type, at, parent);
    if (node instanceof BicepAccount) this.graph.addAccount(node);
    else this.graph.add(node);
    for (const member of nestedResources(d.body)) this.declareResource(member, node);
  }

  /** Resource symbols, `resourceId(...)` and `reference(...)` in a declaration, as values naming resources. */
  referencesIn(body: ObjectNode): Value[] {
    const out: Value[] = [];
    collectReferences(lowerExpression(body, this.resolve), (e) => evaluate(e, this), out);
    return out;
  }

  /**
   * A module call: its deployment name, the values it passes, and (for a local Bicep file) its template, made once
   * per declaration, or per iteration of its loop (`iterations` makes each once): what is collected is what its symbol reads.
   */
  private readonly calls = new Map<ModuleDeclaration | Iteration, ModuleCall | null>();

  private moduleCall(d: ModuleDeclaration, iteration?: Iteration): ModuleCall | undefined {
    const key = iteration ?? d;
    const known = this.calls.get(key);
    if (known !== undefined) return known ?? undefined;
    this.calls.set(key, null);
    if (!d.pathString || !d.body || !(iteration || this.deployed(d))) return undefined;
    const body = this.node(d.body, undefined, iteration);
    const nameValue = body.member('name')?.value;
    const via = typeof nameValue === 'string' ? nameValue : d.name.name;
    if (this.chain.length > MAX_MODULE_DEPTH) {
      this.options.onLimit?.({ code: 'depth-limit', loc: this.loc(d.name), message: `Bicep modules nested deeper than ${MAX_MODULE_DEPTH}: analysis stopped at '${via}'` });
      return undefined;
    }
    const params = body.member('params');
    const values = new Map<string, ValueNode>();
    const paramsObject = d.body.properties.find((p) => p.keyName?.toLowerCase() === 'params')?.value;
    if (paramsObject?.kind === 'object') {
      for (const p of paramsObject.properties) if (p.keyName) values.set(p.keyName, params!.member(p.keyName)!);
    } else if (params && isObject(params.value)) {
      for (const key of Object.keys(params.value)) values.set(key, params.member(key)!);
    }
    // An iteration by its symbol and index (`access[1]`): its name is often the same for every iteration.
    const element = iteration ? `${d.name.name}[${iteration.index}]` : via;
    const path = this.graph.pathOf(this.path, element, iteration ? element : d.name.name);
    const call: ModuleCall = { body, via, values, path, target: this.moduleTarget(d) };
    if (call.target?.kind === 'bicep' && !this.chain.includes(call.target.uri)) {
      const uri = call.target.uri;
      const text = this.options.readFile(uri);
      if (text === undefined) call.unreadable = true;
      else {
        const file: SourceFile = { uri, text, kind: 'bicep' };
        const bindings = new Map([...values].map(([k, node]) => [k, { node, kind: 'caller' as const, via }]));
        const programs = this.options.shared?.programs;
        let program = programs?.get(uri);
        if (!program) {
          const parseOptions = { skipIrrelevantResources: true, readTypes: this.options.readTypes };
          program = (this.options.parses ? this.options.parses.parse(uri, text, parseOptions) : parseBicep(text, parseOptions)).program;
          programs?.set(uri, program);
        }
        call.template = new BicepTemplate(file, program, bindings, this.inModule(d), path, [...this.chain, uri], this.graph);
      }
    }
    this.calls.set(key, call);
    return call;
  }

  private declareModule(d: ModuleDeclaration): void {
    // A loop over a known array: each iteration is a call of its own, with the values it passes.
    const iterations = d.loop && this.iterations(d);
    if (iterations) for (const iteration of iterations) this.declareCall(d, iteration);
    else this.declareCall(d);
  }

  private declareCall(d: ModuleDeclaration, iteration?: Iteration): void {
    const call = this.moduleCall(d, iteration);
    if (!call) return;
    const { body, via, values, path, target } = call;
    const loop = d.loop && !iteration ? { count: this.node(d.loop.iterable), filtered: !!d.condition && this.evaluate(d.condition) !== true } : undefined;
    const step = {
      path, name: via, loc: this.loc(d), declaration: body, scope: body.member('scope'), ...(target ? { target: target.uri } : {}), ...(loop ? { loop } : {}),
      ...(iteration ? { iteration: { index: iteration.index, ...(iteration.item ? { element: iteration.item.element } : {}) } } : {}),
    };
    this.graph.addDeployment(step);
    // A local module that cannot be read hides what it deploys (and Bicep would not build it): an error.
    const unreadable = () => this.inModule(d).onLimit?.({ code: 'unreadable-file', loc: this.loc(d.path), message: `cannot read module '${d.pathString}': analysis stopped at ${quotedName(via)}` });
    if (target?.kind === 'bicep') {
      if (call.unreadable) return unreadable();
      if (!call.template) return; // a cycle
      const instances = this.options.shared?.instances;
      const same = instances?.same(target.uri, values, path);
      if (same) {
        call.sameAs = this.options.shared?.read.get(pathKey(same));
        this.graph.addDeployment({ ...step, sameAs: same });
        return;
      }
      const report = () => this.options.onLimit?.({ code: 'size-limit', loc: this.loc(d.name), message: `more than ${MAX_TEMPLATE_INSTANCES} module instances: analysis stopped at '${via}'` });
      if (instances && !instances.admit(report)) return;
      this.options.shared?.read.set(pathKey(path), call.template);
      call.template.collect();
    } else if (target?.kind === 'json') {
      const text = this.options.readFile(target.uri);
      if (text === undefined) return unreadable();
      const file: SourceFile = { uri: target.uri, text, kind: 'arm' };
      const { root, tooDeepAt } = parseJsonTree(text);
      if (tooDeepAt !== undefined) this.inModule(d).onLimit?.({ code: 'depth-limit', loc: { file, start: tooDeepAt, end: tooDeepAt + 1 }, message: jsonDepthMessage() });
      if (!isDeploymentTemplate(root)) return;
      readArmDeployment({ file, root, errors: [] }, { cloud: this.cloud, caller: { via, values, path }, graph: this.graph, onLimit: this.inModule(d).onLimit, instances: this.options.shared?.instances });
    } else if (isAvmAccountModule(d.pathString!)) {
      this.graph.addAccount(avmAccountResource({ file: this.file, name: via, typeLoc: this.loc(d.path), declaration: body, params: values, path }));
    }
  }

  /** Options for reading module `d`: a limit hit inside it is reported at `d` when this file is the one analysed. */
  private inModule(d: ModuleDeclaration): BicepReadOptions {
    const outer = this.options.onLimit;
    if (!outer || this.chain.length > 1) return this.options;
    const at = this.loc(d.name);
    return { ...this.options, onLimit: (hit) => outer(hit.loc.file.uri === this.file.uri ? hit : { ...hit, loc: at, message: `${hit.message} (in module '${d.name.name}')` }) };
  }

  /** Module loop symbols made so far (see `module`); undefined while one is made, or when its iterations are not known. */
  private readonly moduleLoops = new Map<ModuleDeclaration, Value[] | undefined>();

  /** A syntax error, or a loop variable read outside an iteration; undefined (the evaluator's "not declared") otherwise. */
  unknownSymbol(name: string): string | undefined {
    if (name === ERROR_SYMBOL) return 'the expression has a syntax error';
    const isLoopVariable = this.program.declarations.some((d) => (d.kind === 'resource' || d.kind === 'module')
      && (d.loop?.itemVariable?.name === name || d.loop?.indexVariable?.name === name));
    return isLoopVariable ? `'${name}' is a loop variable, and the loop's body is read once for all its iterations` : undefined;
  }

  /**
   * A module symbol as a value: `{ name, outputs }`. A loop's symbol is the array of its iterations, each that
   * iteration's call (`mods[i].outputs.x`, `for m in mods`), where they are known.
   */
  module(name: string): Value | undefined {
    const d = this.program.declarations.find((x): x is ModuleDeclaration => x.kind === 'module' && x.name.name === name);
    if (!d) return undefined;
    if (!d.loop) {
      const call = this.moduleCall(d);
      return call && this.moduleValue(name, call);
    }
    if (!this.moduleLoops.has(d)) {
      this.moduleLoops.set(d, undefined);
      this.moduleLoops.set(d, this.loopSymbol(d, name, (iteration) => {
        const call = this.moduleCall(d, iteration);
        const label = `${name}[${iteration.index}]`;
        return (call && this.moduleValue(label, call)) ?? new Unknown(`the outputs of module '${label}' are only known at deployment`);
      }));
    }
    return this.moduleLoops.get(d);
  }

  /** A call as a value: `{ name, outputs }`, each output evaluated in the module when first read. */
  private moduleValue(label: string, call: ModuleCall): Value | undefined {
    const template = call.template;
    if (!template) return undefined;
    const outputs: ValueObject = {};
    Object.defineProperty(outputs, OPEN_OBJECT, {
      // A call the same as one read earlier was not read itself: its outputs are those of that instance, whose resources the graph holds.
      value: (key: string) => (call.sameAs ?? template).output(key) ?? new Unknown(`module '${label}' has no output '${key}'`),
      enumerable: false,
    });
    return { name: call.via, outputs };
  }

  /** The value of an output declared in this template. */
  output(name: string): Value | undefined {
    const lower = name.toLowerCase();
    const d = this.program.declarations.find((x) => x.kind === 'output' && !x.name.missing && x.name.name.toLowerCase() === lower);
    return d?.kind === 'output' ? this.guarded(`output:${d.name.name}`, () => this.evaluate(d.value)) : undefined;
  }

  /** Where a module's template is: a local .bicep/.json file, or a registry module in the local cache. */
  private moduleTarget(d: ModuleDeclaration): { kind: 'bicep' | 'json'; uri: string } | undefined {
    const p = d.pathString!;
    if (d.pathKind === 'local') {
      const uri = resolveUri(this.file.uri, p);
      return { kind: /\.json$/i.test(p) ? 'json' : 'bicep', uri };
    }
    const cache = this.options.moduleCacheUri;
    if (!cache) return undefined;
    // br:registry/repo/path:tag and br/public:path:tag, as `bicep restore` lays them out.
    const registry = /^br(?::([^/]+)\/(.+)|\/public:(.+)):([^:]+)$/.exec(p);
    if (!registry) return undefined;
    const [host, repository] = registry[1] ? [registry[1], registry[2]] : ['mcr.microsoft.com', `bicep/${registry[3]}`];
    const tag = registry[4];
    const uri = `${cache.replace(/\/$/, '')}/br/${host}/${repository.replace(/\//g, '$')}/${tag}$/main.json`;
    return this.options.readFile(uri) !== undefined ? { kind: 'json', uri } : undefined;
  }
}

/** A resource declaration in the graph. Members are looked up on first use: most resources are never asked about. */
class BicepResource implements GraphResource {
  readonly id: string;
  symbolicName: string;
  readonly file: SourceFile;
  readonly declaration: ValueNode | undefined;
  readonly existing: boolean;
  readonly deploymentPath: readonly string[];
  // Not `#private`: a subject built from this resource has it as its prototype (see `subject`), and reads these through it.
  private readonly _template: BicepTemplate;
  private readonly _d: ResourceDeclaration;
  private readonly _at: number;
  private readonly _parent: GraphResource | undefined;
  private _typeLoc: Loc | undefined;
  private _apiVersion: { value?: GraphResource['apiVersion'] } | undefined;
  private _declaredParent: { value?: GraphResource } | undefined;

  constructor(template: BicepTemplate, d: ResourceDeclaration, readonly type: string, at: number, parent: GraphResource | undefined) {
    this._template = template;
    this._d = d;
    this._at = at;
    this._parent = parent;
    this.symbolicName = parent?.symbolicName ? `${parent.symbolicName}::${d.name.name}` : d.name.name;
    this.id = `${template.path.join('/')}#${this.symbolicName}`;
    this.file = template.file;
    this.declaration = d.body && !d.body.skipped ? template.node(d.body) : undefined;
    this.existing = d.existing;
    this.deploymentPath = template.path;
  }

  get apiVersion(): GraphResource['apiVersion'] {
    if (!this._apiVersion) {
      const d = this._d, at = this._at;
      const raw = (d.type as StringNode).segmentRanges?.[0];
      this._apiVersion = { value: at >= 0 && raw ? { value: d.typeString!.slice(at + 1), loc: this._template.loc({ start: raw.start + at + 1, end: raw.end }) } : undefined };
    }
    return this._apiVersion.value;
  }

  get typeLoc(): Loc { return (this._typeLoc ??= this._template.loc(this._d.type)); }
  get condition(): ValueNode | undefined { return this._d.condition ? this._template.node(this._d.condition) : undefined; }
  get loop(): GraphResource['loop'] { return this._d.loop ? { count: this._template.node(this._d.loop.iterable) } : undefined; }

  get declaredParent(): GraphResource | undefined {
    if (this._parent) return this._parent;
    this._declaredParent ??= { value: resourceOfValue(this.declaration?.member('parent')?.value ?? null) };
    return this._declaredParent.value;
  }

  get scopeNode(): ValueNode | undefined { return this.declaration?.member('scope'); }
  get dependsOnNode(): ValueNode | undefined { return this.declaration?.member('dependsOn'); }
  get nameNode(): ValueNode | undefined { return this.declaration?.member('name'); }

  private _iterationNodes: { nodes?: ValueNode[] } | undefined;

  iterations(): readonly ValueNode[] | undefined {
    const body = this._d.body;
    this._iterationNodes ??= { nodes: body && !body.skipped ? this._template.iterations(this._d)?.map((it) => this._template.node(body, undefined, it)) : undefined };
    return this._iterationNodes.nodes;
  }

  elements(): readonly (ValueNode | undefined)[] | undefined {
    const body = this._d.body;
    return body && !body.skipped ? this._template.iterations(this._d)?.map((it) => it.item?.element) : undefined;
  }

  private _symbolValue: { value?: Value[] } | undefined;

  /**
   * A loop's symbol (`loopSymbol`): one resource per iteration, each read on its own (`loopIteration`).
   * The array names the loop (`dependsOn: [sts]`).
   */
  symbolValue(graph: DeploymentGraph): Value[] | undefined {
    if (this._symbolValue) return this._symbolValue.value;
    this._symbolValue = {};
    const nodes = this._d.loop && this.iterations();
    const out = nodes && this._template.loopSymbol(this._d, this.symbolicName, (it, i) => resourceValue(loopIteration(this, it.index, nodes[i]), graph, 'full'));
    if (out) Object.defineProperty(out, RESOURCE_REF, { value: this, enumerable: false });
    this._symbolValue.value = out;
    return out;
  }

  references(): readonly Value[] {
    const body = this._d.body;
    return body && !body.skipped ? this._template.referencesIn(body) : [];
  }

  /** As a subject of a rule (a resource of its `subjects`): the graph entry stays its prototype, so the graph knows it. */
  subject(): AiResource | undefined {
    return this.declaration ? Object.assign(Object.create(this) as GraphResource, subjectSettings(this._template, this._d, this.declaration)) : undefined;
  }
}

/** What a subject adds to its resource: the name messages show, its settings, suppressions and context. */
function subjectSettings(template: BicepTemplate, d: ResourceDeclaration, declaration: ValueNode) {
  const name = declaration.member('name')?.value;
  return {
    name: typeof name === 'string' ? name : d.name.name,
    symbolicName: d.name.name,
    declaration,
    kind: declaration.member('kind'),
    properties: declaration.member('properties'),
    tags: declaration.member('tags'),
    suppressions: new Map<string, string>(),
    context: { parameterFile: template.options.parameterFile?.name, deploymentPath: template.path },
  };
}

/** A declared AI account: the graph holds it as the subject rules check. */
class BicepAccount extends BicepResource implements AiResource {
  declare readonly name: string;
  declare readonly declaration: ValueNode;
  declare readonly kind: ValueNode | undefined;
  declare readonly properties: ValueNode | undefined;
  declare readonly tags: ValueNode | undefined;
  declare readonly suppressions: Map<string, string>;
  declare readonly context: AiResource['context'];

  constructor(template: BicepTemplate, d: ResourceDeclaration, type: string, at: number, parent: GraphResource | undefined) {
    super(template, d, type, at, parent);
    Object.assign(this, subjectSettings(template, d, this.declaration));
  }
}

/** A Bicep expression as a model value, evaluated on demand. */
class BicepValueNode extends LazyValueNode {
  /** Members looked up so far (lower-case keys) and their nodes, by index: a body is asked for a few. */
  private memberKeys: string[] | undefined;
  private memberNodes: (ValueNode | undefined)[] | undefined;
  private itemNodes: readonly ValueNode[] | undefined;

  constructor(private readonly expression: Expression, private readonly template: BicepTemplate, readonly keyLoc?: Loc, private readonly iteration?: Iteration) {
    super();
  }

  literalWithin(test: (text: string) => boolean): Loc | undefined {
    const span = findStringLiteral(lowerExpression(this.expression, this.template.resolve), test);
    return span && !(span.start === this.expression.start && span.end === this.expression.end) ? this.template.loc(span) : undefined;
  }

  get loc(): Loc { return this.template.loc(this.expression); }

  written(): WrittenValue {
    const e = this.expression;
    const template = this.template.file.uri;
    const parameter = (name: string) => (this.template.resolve(name) === 'param' ? this.template.originOf(name) : undefined);
    if (e.kind === 'object' || e.kind === 'array') return { template, parameter };
    const expr = lowerExpression(e, this.template.resolve, this.iteration ? { locals: this.iteration.locals } : undefined);
    // An expression of the loop's variables means something only inside the loop: no fix copies it elsewhere.
    return this.iteration && usesLocals(expr, this.iteration.locals) ? { template, parameter } : { template, parameter, expr };
  }

  get literal(): boolean {
    const e = this.expression;
    return e.kind === 'object' || e.kind === 'array' || e.kind === 'number' || e.kind === 'boolean' || e.kind === 'null'
      || (e.kind === 'string' && e.expressions.length === 0);
  }

  protected computeValue(): Value {
    return this.template.evaluate(this.expression, this.iteration);
  }

  protected findOrigin(): Origin | undefined {
    const e = this.expression;
    // A loop's item (`item`, `item.name`) is the element of the array it iterates, where that is written.
    const item = this.iteration?.item;
    if (item && e.kind === 'variable' && e.name === item.name) return { kind: 'variable', name: item.name, node: item.element };
    if (item && e.kind === 'propertyAccess' && e.target.kind === 'variable' && e.target.name === item.name) {
      const member = item.element.member(e.property.name);
      return member && { kind: 'variable', name: item.name, node: member };
    }
    return e.kind === 'variable' && !this.iteration?.locals.includes(e.name) ? this.template.originOf(e.name) : undefined;
  }

  member(name: string): ValueNode | undefined {
    const e = this.expression;
    if (e.kind === 'object') {
      // Members are made when asked for, one at a time: most lookups read one member of a body (its name).
      const lower = name.toLowerCase();
      const keys = (this.memberKeys ??= []);
      let at = keys.indexOf(lower);
      if (at < 0) {
        const p = findProperty(e, lower);
        at = keys.push(lower) - 1;
        (this.memberNodes ??= [])[at] = p ? this.template.node(p.value, this.template.loc(p.key), this.iteration) : undefined;
      }
      const found = this.memberNodes![at];
      if (found || !hasSpread(e)) return found;
    }
    return this.memberThrough(name);
  }

  items(): readonly ValueNode[] | undefined {
    if (this.itemNodes) return this.itemNodes;
    const e = this.expression;
    if (e.kind === 'array' && !e.items.some((i) => i.kind === 'spread')) {
      return (this.itemNodes = e.items.map((i) => this.template.node(i as Expression, undefined, this.iteration)));
    }
    const through = this.itemsThrough();
    if (through && !this.origin) this.itemNodes = through;
    return through;
  }
}

function usesLocals(e: Expr, locals: readonly string[]): boolean {
  switch (e.kind) {
    case 'call': return (e.name === 'lambdaVariables' && e.args[0]?.kind === 'string' && locals.includes(e.args[0].value)) || e.args.some((a) => usesLocals(a, locals));
    case 'property': return usesLocals(e.target, locals);
    case 'index': return usesLocals(e.target, locals) || usesLocals(e.index, locals);
    default: return false;
  }
}

let readerShapesKept = false;

/** See `keepShapes`; done on first use rather than at load, when the evaluator may not be loaded yet. */
function keepReaderShapes(): void {
  if (readerShapesKept) return;
  readerShapesKept = true;
  const file: SourceFile = { uri: 'file:///shapes.bicep', text: "param p string = 'a'\nvar v = {\n  b: [\n    p\n  ]\n}\n", kind: 'bicep' };
  const template = new BicepTemplate(file, parseBicep(file.text).program, new Map(), { readFile: () => undefined }, [], [file.uri], new DeploymentGraph());
  const decl = template.program.declarations[1];
  if (decl.kind !== 'var') return;
  const node = template.node(decl.value);
  const items = node.member('b')?.items() ?? [];
  for (const item of items) void item.value;
  keepShapes(template, node, ...items);
}
