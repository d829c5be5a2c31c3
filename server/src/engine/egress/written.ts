// A dependency's host as fixes write it: an expression that follows the template (the resource's name as the
// template computes it, the storage and key vault suffixes from `environment()`), valid where it is written.
// An expression is only valid in the template it is written in: the name is taken from the first place on its
// way (the declaration, then the parameter defaults and callers' values it came through) written in the
// template where the fix lands. A template can say what it and the templates it calls declare, never what a
// caller or a sibling module passes it (that would write one caller's values into a module every caller uses).
// Engine code: no file format (writers print the expression).

import type { Expr } from '../expressions/ast';
import { call, prop } from '../expressions/build';
import { environmentValue, storageSuffix } from '../expressions/environment';
import { isObject, isUnknown, type Value } from '../expressions/value';
import { RESOURCE_SYMBOL_FUNCTION } from '../bicep/lower';
import { ExpressionValue, type FixValue } from '../fixes';
import type { DeploymentGraph, GraphResource } from '../graph/graph';
import { HOLE, patternOf } from '../graph/ids';
import { writtenAt, type OriginKind, type ValueNode, type WrittenValue } from '../model';
import { namesEqual, type Dependency } from './dependencies';
import { ownResourceOf } from './egress';

/** Where a fix writes hosts: the node it edits, and how the value got there (`resource`: written on the resource). */
export interface HostSite {
  readonly node: ValueNode;
  readonly kind: 'resource' | OriginKind;
}

/** Functions a value may not call where it is written: parameter defaults see only parameters; variables no runtime state. */
const FORBIDDEN: Partial<Record<HostSite['kind'], readonly string[]>> = {
  'parameter-default': ['variables', 'reference', RESOURCE_SYMBOL_FUNCTION.toLowerCase(), 'modulesymbol', 'unknownsymbol', 'lambdavariables'],
  variable: ['reference'],
};

/**
 * The host of a dependency as a fix writes it at `site`: a string when the host is known and the template writes the
 * name as a literal with a suffix that is the same in every cloud; an expression when the template computes the name
 * or the suffix comes from `environment()`; undefined when it cannot be written there (then no fix is offered).
 */
export function writtenHost(dep: Dependency, graph: DeploymentGraph, site: HostSite): FixValue | undefined {
  const pattern = patternOf(dep.host);
  if (pattern === undefined) return undefined;
  const known = typeof dep.host === 'string' ? dep.host : undefined;
  const dot = pattern.indexOf('.');
  const label = pattern.slice(0, dot).toLowerCase();
  const suffix = pattern.slice(dot + 1);
  const key = site.node.written?.()?.template;
  if (key === undefined) return known;
  // The host as a literal: only where the value it comes from is known.
  const literal = known !== undefined && literalSayable(dep, graph, key) ? known : undefined;
  // A host the evidence names without the resource (a connection's target URL): the resource of the deployment it is the host of.
  const resource = dep.resource ?? ownResourceOf(graph, dep.host);
  if (dot <= 0 || suffix.includes(HOLE) || !resource) return literal;
  // A name computed elsewhere is written as its value here (the suffix still from `environment()`).
  const name = nameExpression(resource, graph, label, key, site.kind)
    ?? (label.includes(HOLE) || !literalSayable(dep, graph, key) ? undefined : { kind: 'string', value: label, span: { start: 0, end: 0 } } satisfies Expr);
  if (!name) return literal;
  const suffixArg = suffixExpression(suffix, graph);
  const args: Expr[] = [];
  let format = '';
  const piece = (e: Expr) => {
    if (e.kind === 'string') { format += e.value.replace(/[{}]/g, (c) => c + c); return; }
    // A name that is itself a format(...) joins this one: `format('{0}.search.windows.net', format('srch-{0}', p))` reads worse.
    const inner = e.kind === 'call' && !e.namespace && e.name.toLowerCase() === 'format' && e.args[0]?.kind === 'string' ? e.args[0].value : undefined;
    if (inner !== undefined && e.kind === 'call' && /^(?:[^{}]|\{\{|\}\}|\{\d+\})*$/.test(inner) && [...inner.matchAll(/\{\{|\}\}|\{(\d+)\}/g)].every((m) => m[1] === undefined || Number(m[1]) < e.args.length - 1)) {
      const offset = args.length;
      format += inner.replace(/\{\{|\}\}|\{(\d+)\}/g, (m, i?: string) => (i === undefined ? m : `{${Number(i) + offset}}`));
      args.push(...e.args.slice(1));
      return;
    }
    format += `{${args.length}}`;
    args.push(e);
  };
  piece(name);
  if (suffixArg.env) {
    format += suffixArg.before;
    piece(suffixArg.env);
  } else {
    format += `.${suffix}`.replace(/[{}]/g, (c) => c + c);
  }
  if (!args.length) return known ?? format;
  return new ExpressionValue(call('format', format, ...args));
}

/**
 * The template keys on the way to `resource`'s template, outermost first, ending with its own: a value written in
 * one of them can be said in the ones before it (a caller replaces the parameters by what it passes), not after.
 */
export function templatesTo(resource: GraphResource, graph: DeploymentGraph): (string | undefined)[] {
  const own = (resource.declaration ?? resource.nameNode)?.written?.()?.template;
  return [...graph.deploymentChain(resource).map((s) => s.declaration?.written?.()?.template), own];
}

/** Whether template `key` is `resource`'s template or one that calls it (directly or not). */
function sees(key: string, resource: GraphResource, graph: DeploymentGraph): boolean {
  return templatesTo(resource, graph).includes(key);
}

/**
 * Whether the dependency's host, as its known text, may be written in template `key`: the value it comes from (the
 * resource's name, or the evidence's value, followed through parameters to where it is written) is a literal
 * written in `key` or in a template `key` calls. A value a caller passes in is not the module's to write, and a
 * value computed from parameters would be written as this deployment's values.
 */
function literalSayable(dep: Dependency, graph: DeploymentGraph, key: string): boolean {
  const sources = [...(dep.resource?.nameNode ? [{ node: dep.resource.nameNode, of: dep.resource }] : []), ...(dep.evidence.value ? [dep.evidence.value] : [])];
  return !sources.length || sources.some((from) => {
    const written = writtenAt(from.node);
    if (!written.literal) return false;
    const chain = templatesTo(from.of, graph);
    const at = chain.indexOf(written.written?.()?.template);
    const k = chain.indexOf(key);
    // Not on the way (a parameter file): an input of the entry template.
    return k >= 0 && k <= Math.max(at, 0);
  });
}

/** `blob.core.windows.net` → `.blob.` + `environment().suffixes.storage`; the key vault suffix is `keyvaultDns` (with its dot). */
function suffixExpression(suffix: string, graph: DeploymentGraph): { before: string; env?: Expr } {
  const lower = suffix.toLowerCase();
  const storage = storageSuffix(graph.cloud).toLowerCase();
  const service = /^(blob|queue|table|file|dfs)\./.exec(lower)?.[1];
  if (service && lower === `${service}.${storage}`) return { before: `.${service}.`, env: prop(call('environment'), 'suffixes', 'storage') };
  const vault = keyvaultDns(graph);
  if (vault && `.${lower}` === vault) return { before: '', env: prop(call('environment'), 'suffixes', 'keyvaultDns') };
  return { before: '' };
}

function keyvaultDns(graph: DeploymentGraph): string | undefined {
  const suffixes = environmentValue(graph.cloud).suffixes;
  const dns = isObject(suffixes) ? suffixes.keyvaultDns : undefined;
  return typeof dns === 'string' ? dns.toLowerCase() : undefined;
}

/**
 * The name of `resource` (or of a reference to the same resource) as an expression valid in template `key`, for a
 * host whose first label is `label`: in Bicep, the symbol's `name` where resources can be referred to; else the
 * name expression as written, or a value it came through, or the name said in a caller's terms (its parameters
 * replaced by what the caller passes). For an AI service the label is its customSubDomainName.
 */
function nameExpression(resource: GraphResource, graph: DeploymentGraph, label: string, key: string, kind: HostSite['kind']): Expr | undefined {
  const forbidden = FORBIDDEN[kind] ?? [];
  const fullName = graph.fullName(resource);
  const candidates = [resource, ...graph.ofType(resource.type).filter((r) => r !== resource && namesEqual(graph.fullName(r), fullName))];
  for (const candidate of candidates) {
    if (candidate.loop) continue; // its name depends on the loop's index
    if (!sees(key, candidate, graph)) continue; // declared by a caller or a sibling: not to be said here
    const sub = candidate.declaration?.member('properties')?.member('customSubDomainName');
    for (const first of [candidate.nameNode, sub]) {
      if (!first) continue;
      let node: ValueNode | undefined = first;
      for (let depth = 0; node && depth < 32; depth++, node = node.origin?.node) {
        if (!sameText(node.value, label)) break;
        const written = node.written?.();
        if (!written?.expr) break;
        if (written.template !== key) {
          const said = translate(written.expr, written, key, forbidden, 0);
          if (said) return said;
          continue;
        }
        if (node === candidate.nameNode && candidate.symbolicName && candidate.file.kind === 'bicep' && !forbidden.includes(RESOURCE_SYMBOL_FUNCTION.toLowerCase())) {
          return prop(call(RESOURCE_SYMBOL_FUNCTION, candidate.symbolicName), 'name');
        }
        if (!calls(written.expr, forbidden)) return written.expr;
      }
    }
  }
  return undefined;
}

/**
 * Whether template `key` names the dependency's resource only by what its caller passes (a parameter the caller
 * gives a value): analysed alone, the template cannot know the host, though it can write it in its own terms.
 */
export function namedByCaller(dep: Dependency, graph: DeploymentGraph, key: string): boolean {
  const resource = dep.resource ?? ownResourceOf(graph, dep.host);
  if (!resource) return false;
  const fullName = graph.fullName(resource);
  const own = [resource, ...graph.ofType(resource.type).filter((r) => r !== resource && namesEqual(graph.fullName(r), fullName))]
    .filter((r) => r.nameNode && templatesTo(r, graph).at(-1) === key);
  return own.length > 0 && own.every((r) => {
    for (let o = r.nameNode!.origin, depth = 0; o && depth < 64; o = o.node.origin, depth++) {
      if (o.kind === 'caller') return true;
      if (o.kind !== 'variable') return false;
    }
    return false;
  });
}

/** What only means something in the template it is written in, or in its deployment's scope. */
const LOCAL = ['variables', 'reference', RESOURCE_SYMBOL_FUNCTION.toLowerCase(), 'modulesymbol', 'unknownsymbol', 'lambdavariables',
  'resourcegroup', 'subscription', 'managementgroup', 'deployment', 'tenant'];

/**
 * `expr`, written where `from` is, said in the terms of template `key`: each `parameters('x')` replaced by what gives x
 * its value (a caller's value, the default), itself said in `key`'s terms. Undefined when it uses anything local to
 * its template, or a parameter comes from elsewhere (a parameter file).
 */
function translate(expr: Expr, from: WrittenValue, key: string, forbidden: readonly string[], depth: number): Expr | undefined {
  if (from.template === key) return calls(expr, forbidden) ? undefined : expr;
  if (depth > 16) return undefined;
  switch (expr.kind) {
    case 'call': {
      if (expr.namespace) return undefined; // user functions are the template's own
      const name = expr.name.toLowerCase();
      if (name === 'parameters') {
        const arg = expr.args[0];
        const origin = expr.args.length === 1 && arg.kind === 'string' ? from.parameter(arg.value) : undefined;
        const written = origin && origin.kind !== 'parameter-file' ? origin.node.written?.() : undefined;
        return written?.expr && translate(written.expr, written, key, forbidden, depth + 1);
      }
      if (LOCAL.includes(name) || /^list/.test(name)) return undefined;
      const args: Expr[] = [];
      for (const a of expr.args) {
        const t = translate(a, from, key, forbidden, depth);
        if (!t) return undefined;
        args.push(t);
      }
      return { ...expr, args };
    }
    case 'property': {
      const target = translate(expr.target, from, key, forbidden, depth);
      return target && { ...expr, target };
    }
    case 'index': {
      const target = translate(expr.target, from, key, forbidden, depth);
      const index = target && translate(expr.index, from, key, forbidden, depth);
      return target && index && { ...expr, target, index };
    }
    default: return expr;
  }
}

/** Whether a name's value is the host's first label (compared as hosts are: case-insensitively, holes alike). */
function sameText(value: Value, label: string): boolean {
  const p = patternOf(value);
  return p !== undefined && (!isUnknown(value) || !!value.parts) && p.toLowerCase() === label;
}

/** A value written somewhere (an allow-list entry) said in the terms of another template, or undefined when it cannot be. */
export function writtenIn(node: ValueNode, site: HostSite): FixValue | undefined {
  const written = node.written?.();
  const key = site.node.written?.()?.template;
  const expr = written?.expr && key !== undefined ? translate(written.expr, written, key, FORBIDDEN[site.kind] ?? [], 0) : undefined;
  if (!expr) return undefined;
  return expr.kind === 'string' ? expr.value : new ExpressionValue(expr);
}

function calls(e: Expr, names: readonly string[]): boolean {
  if (!names.length) return false;
  switch (e.kind) {
    case 'call': return (!e.namespace && (names.includes(e.name.toLowerCase()) || (names.includes('reference') && /^list/i.test(e.name)))) || e.args.some((a) => calls(a, names));
    case 'property': return calls(e.target, names);
    case 'index': return calls(e.target, names) || calls(e.index, names);
    default: return false;
  }
}
