// Writing hosts into allowedFqdnList: the fixes of restrict-outbound-network-access, allow-required-fqdns
// and no-wildcard-fqdns. A fix rewrites the list where it is written (the literal, or the parameter default
// / caller value it comes from), keeping every entry, or sets it when there is none. Never a wildcard.
// When the list is written in the module that declares the account and only a caller can say the hosts, the
// module is made to take the list as a parameter (its default the list as it is, so other callers are
// unchanged) and the caller passes it.

import type { DeploymentGraph, DeploymentStep } from '../../server/src/engine/graph/graph';
import { hostKey, type Dependency } from '../../server/src/engine/egress/dependencies';
import { templatesTo, writtenHost, writtenIn, type HostSite } from '../../server/src/engine/egress/written';
import { param } from '../../server/src/engine/expressions/build';
import { expressionValue, type FixIntent, type FixValue } from '../../server/src/engine/fixes';
import type { AiResource, ValueNode } from '../../server/src/engine/model';
import { editableSite, setSetting } from './values';

/**
 * How an entry already in the list is written again, or undefined when it cannot be: entries written as literal
 * strings, and entries written as expressions (`"[format(...)]"`, `'${x}.blob...'`), kept as the same expression.
 */
export function asListEntry(node: ValueNode, site: ValueNode): FixValue | undefined {
  const inside = node !== site && node.loc.file.uri === site.loc.file.uri && node.loc.start >= site.loc.start && node.loc.end <= site.loc.end;
  if (!inside) return undefined;
  if (node.loc.file.kind !== 'arm') {
    if (node.literal) return typeof node.value === 'string' ? node.value : undefined;
    const expr = node.written?.()?.expr;
    return expr ? (expr.kind === 'string' ? expr.value : expressionValue(expr)) : undefined;
  }
  // ARM: the JSON string as written: an expression `[...]` stays that expression; `[[` escapes a literal '['.
  try {
    const raw: unknown = JSON.parse(node.loc.file.text.slice(node.loc.start, node.loc.end));
    if (typeof raw !== 'string') return undefined;
    if (raw.startsWith('[[')) return raw.slice(1);
    return raw.startsWith('[') && raw.endsWith(']') ? expressionValue(raw.slice(1, -1)) : raw;
  } catch {
    return undefined;
  }
}

/**
 * Where a fix writes the account's allow-list: the written list (the literal, or the parameter default / caller
 * value it comes from), or the declaration when there is none. Undefined when the list cannot be edited.
 */
export function listSite(resource: AiResource): HostSite | undefined {
  const list = resource.properties?.member('allowedFqdnList');
  if (!list) return { node: resource.declaration, kind: 'resource' };
  if (unsetParameter(list)) return undefined;
  const node = editableSite(list);
  if (!node) return undefined;
  let kind: HostSite['kind'] = 'resource';
  for (let o = list.origin, depth = 0; o && depth < 64; o = o.node.origin, depth++) kind = o.kind;
  return { node, kind };
}

/**
 * The parameter a null list comes from when nobody passes it (`allowedFqdnList: allowedFqdnList` with
 * `param allowedFqdnList array?`): only a caller can give it, by passing that parameter.
 */
export function unsetParameter(list: ValueNode): string | undefined {
  if (list.value !== null || list.origin) return undefined;
  const expr = list.written?.()?.expr;
  const arg = expr?.kind === 'call' && expr.name.toLowerCase() === 'parameters' && !expr.namespace && expr.args.length === 1 ? expr.args[0] : undefined;
  return arg?.kind === 'string' ? arg.value : undefined;
}

/**
 * The dependencies' hosts as list entries written at `site` (expressions that follow the template where it
 * computes them), or undefined when one of them cannot be written there. One entry per host.
 */
export function hostEntries(deps: readonly Dependency[], graph: DeploymentGraph, site: HostSite | undefined): HostEntry[] | undefined {
  if (!site) return undefined;
  const out: HostEntry[] = [];
  const seen = new Set<string>();
  for (const dep of deps) {
    const written = writtenHost(dep, graph, site);
    if (written === undefined) return undefined;
    const key = hostKey(dep.host) ?? '';
    if (!seen.has(key)) { seen.add(key); out.push({ value: written, key }); }
  }
  return out;
}

/** A host to write, with the key it is compared by (an expression and a string can be the same host). */
export interface HostEntry { readonly value: FixValue; readonly key: string }

/**
 * The change that makes the list `[...entries (each possibly replaced), ...add]`: a replacement of the written
 * list, or, when there is no list, setting one. Undefined when the list or one of its entries cannot be written.
 */
export function rewriteList(resource: AiResource, add: readonly HostEntry[], replace: ReadonlyMap<ValueNode, readonly HostEntry[]> = new Map()): FixIntent | undefined {
  const list = resource.properties?.member('allowedFqdnList');
  if (!list) return setSetting(resource, ['properties', 'allowedFqdnList'], add.map((h) => h.value));
  const site = editableSite(list);
  // null deploys as no list: the hosts replace it.
  if (site && list.value === null) return { kind: 'replace', target: site, value: add.map((h) => h.value) };
  const items = list.items();
  if (!site || !items) return undefined;
  const out: FixValue[] = [];
  const seen = new Set<string>();
  const push = (v: FixValue, key: string) => {
    if (!seen.has(key)) { seen.add(key); out.push(v); }
  };
  for (const node of items) {
    const replacement = replace.get(node);
    if (replacement) { replacement.forEach((h) => push(h.value, h.key)); continue; }
    const written = asListEntry(node, site);
    if (written === undefined) return undefined;
    push(written, hostKey(node.value) ?? JSON.stringify(written));
  }
  add.forEach((h) => push(h.value, h.key));
  return { kind: 'replace', target: site, value: out };
}

/** Whether the list is written in the template that declares the account (not passed in by a caller or a parameter file). */
export function inAccountTemplate(site: HostSite): boolean {
  return site.kind !== 'caller' && site.kind !== 'parameter-file';
}

/** Where a call (a module, a nested deployment) passes values to the template it deploys: a site in the caller's template. */
export function callSite(step: DeploymentStep): HostSite | undefined {
  return step.declaration && { node: step.declaration, kind: 'resource' };
}

/**
 * The innermost module call on the way to the account whose template can write every one of the hosts, among
 * the first `upTo` calls of the chain (those above the template the list is written in).
 */
export function callerThatSays(resource: AiResource, graph: DeploymentGraph, deps: readonly Dependency[], upTo = Infinity): DeploymentStep | undefined {
  const chain = graph.deploymentChain(resource);
  for (let i = Math.min(chain.length, upTo) - 1; i >= 0; i--) {
    const site = callSite(chain[i]);
    if (site && deps.every((dep) => writtenHost(dep, graph, site) !== undefined)) return chain[i];
  }
  return undefined;
}

/**
 * The index, in `templatesTo(resource)` (the entry template 0, the account's last), of the template the list is
 * written in: the account's own, or a module on the way whose call passes it. Undefined when it is none of them.
 */
export function listHolder(resource: AiResource, graph: DeploymentGraph, site: HostSite | undefined): number | undefined {
  const keys = templatesTo(resource, graph);
  if (!site) return keys.length - 1;
  const at = keys.lastIndexOf(site.node.written?.()?.template);
  return at < 0 ? undefined : at;
}

/**
 * The hosts passed by the innermost caller above the list that can say them all (see `passFromCaller`), or
 * undefined when none can.
 */
export function passFromNearestCaller(resource: AiResource, graph: DeploymentGraph, deps: readonly Dependency[]): CallerPass | undefined {
  const site = listSite(resource);
  const upTo = !site || inAccountTemplate(site) ? Infinity : site.kind === 'caller' ? listHolder(resource, graph, site) : undefined;
  const step = upTo === undefined ? undefined : callerThatSays(resource, graph, deps, upTo);
  return step && passFromCaller(resource, graph, deps, step);
}

/** The parameter a module takes its allow-list by, when a fix makes it take one. */
export const LIST_PARAMETER = 'allowedFqdnList';

const LIST_DESCRIPTION = 'Hosts the AI service may reach (allowedFqdnList); callers pass the hosts of the dependencies they declare.';

/** A change of the allow-list made through the account's module and its caller. */
export interface CallerPass {
  readonly changes: readonly FixIntent[];
  /** The hosts passed besides the entries already listed. */
  readonly added: number;
  /** Set when a module changes too, for fix titles: " (changes module 'account.bicep' to take ..., and ... to pass it)". */
  readonly note?: string;
}

/**
 * The allow-list is written in a template on the way to the account (the module that declares it, or a module
 * whose call passes it), and the hosts can only be said by the caller `step` above it: the caller passes the
 * entries and the hosts, for the parameter the list comes from, or for one the holding template is made to take
 * (its default the list as it is: other callers keep what they have). Each module between them takes the
 * parameter too (its default the list in its terms; none, a nullable parameter, when the list comes from a
 * parameter of the account's module nobody passes) and passes it on. Undefined when the list is written
 * elsewhere (a variable), a module to change has a parameter of that name already, two templates on the way are
 * one (an ARM nested template of outer scope), or an entry or a host cannot be said in the terms it must be.
 * With no list, the module's list becomes the parameter.
 */
export function passFromCaller(resource: AiResource, graph: DeploymentGraph, deps: readonly Dependency[], step: DeploymentStep): CallerPass | undefined {
  const chain = graph.deploymentChain(resource);
  const at = chain.indexOf(step);
  const call = step.declaration;
  const list = resource.properties?.member('allowedFqdnList');
  const site = listSite(resource);
  const unset = list && unsetParameter(list);
  if (!call || at < 0 || !(site || unset)) return undefined;
  const keys = templatesTo(resource, graph);
  const holder = unset ? chain.length : listHolder(resource, graph, site);
  if (holder === undefined || holder <= at || keys.slice(at, holder + 1).some((k, i, all) => k === undefined || (i > 0 && all[i - 1] === k))) return undefined;
  const callerSite = { node: call, kind: 'resource' } as const;
  const passing = (through: DeploymentStep, name: string, value: FixValue): FixIntent => ({
    kind: 'set', target: through.declaration!, path: through.declaration!.loc.file.kind === 'arm' ? ['properties', 'parameters', name, 'value'] : ['params', name], value,
  });
  const between = chain.slice(at + 1, holder);
  const hasListParameter = (node: ValueNode) => !!node.written?.()?.parameter(LIST_PARAMETER);
  if (between.some((s) => !s.declaration || hasListParameter(s.declaration))) return undefined;
  // The list is a parameter's default in the holding template, or a parameter of the account's module nobody
  // passes: that parameter is passed.
  let last = list?.origin;
  for (let depth = 0; last?.node.origin && depth < 64; depth++) last = last.node.origin;
  const fromDefault = site?.kind === 'parameter-default' && last?.kind === 'parameter-default' ? last.name : undefined;
  const passed = unset || fromDefault;
  const holderNode = holder === chain.length || !site ? resource.declaration : site.node;
  if (!passed && ((site!.kind !== 'resource' && site!.kind !== 'caller') || hasListParameter(holderNode))) return undefined;
  if (list && list.value !== null && !list.items()) return undefined;
  // The entries as written where the list is, and said in the terms of each template above it that passes them.
  const items = unset ? [] : list?.items() ?? [];
  const sayIn = (node: ValueNode, kind: HostSite['kind']): FixValue[] | undefined => {
    const out: FixValue[] = [];
    for (const item of items) {
      const said = writtenIn(item, { node, kind });
      if (said === undefined) return undefined;
      out.push(said);
    }
    return out;
  };
  const current: FixValue[] = [];
  const seen = new Set<string>();
  for (const item of items) {
    const here = asListEntry(item, site!.node);
    if (here === undefined) return undefined;
    current.push(here);
    seen.add(hostKey(item.value) ?? JSON.stringify(here));
  }
  const entries = sayIn(call, 'resource');
  const hosts = hostEntries(deps, graph, callerSite)?.filter((h) => !seen.has(h.key));
  if (!entries || !hosts?.length) return undefined;
  const changes: FixIntent[] = [];
  const parameter = expressionValue(param(LIST_PARAMETER));
  let name = passed || LIST_PARAMETER;
  if (!passed) {
    changes.push(
      { kind: 'add-parameter', target: holderNode, name: LIST_PARAMETER, type: 'array', defaultValue: current, description: LIST_DESCRIPTION },
      list && site ? { kind: 'replace', target: site.node, value: parameter } : setSetting(resource, ['properties', 'allowedFqdnList'], parameter),
    );
  }
  // Each module between takes the parameter, its default the list as it is there (nullable, as the account's
  // module's, when there is none: other callers keep passing nothing), and passes it on.
  for (const through of [...between].reverse()) {
    const defaults = unset ? undefined : sayIn(through.declaration!, 'parameter-default');
    if (!unset && !defaults) return undefined;
    changes.push(
      { kind: 'add-parameter', target: through.declaration!, name: LIST_PARAMETER, type: 'array', ...(defaults ? { defaultValue: defaults } : { nullable: true }), description: LIST_DESCRIPTION },
      passing(through, name, parameter),
    );
    name = LIST_PARAMETER;
  }
  changes.push(passing(step, name, [...entries, ...hosts.map((h) => h.value)]));
  if (changes.length === 1) return { changes, added: hosts.length };
  const parts: string[] = [];
  if (!passed) parts.push(`${moduleLabel(chain[holder - 1])} to take parameter '${LIST_PARAMETER}'`);
  if (between.length) parts.push(`${joinAnd(between.map((_, i) => moduleLabel(chain[holder - 2 - i])))} to take ${passed ? `parameter '${LIST_PARAMETER}'` : 'it'} and pass it on`);
  const file = fileName(call.loc.file.uri);
  parts.push(`${between.length ? `the call in ${file}` : step.target ? `its call in ${file}` : 'its caller'} to pass it`);
  return { changes, added: hosts.length, note: ` (changes ${parts.slice(0, -1).join(', ')}, and ${parts[parts.length - 1]})` };
}

function joinAnd(items: readonly string[]): string {
  return items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

/** What a call deploys, for fix titles: "module 'account.bicep'", "nested deployment 'account'". */
export function moduleLabel(step: DeploymentStep): string {
  return step.target ? `module '${fileName(step.target)}'` : `nested deployment '${step.path[step.path.length - 1]}'`;
}

function fileName(uri: string): string {
  return uri.slice(uri.lastIndexOf('/') + 1);
}
