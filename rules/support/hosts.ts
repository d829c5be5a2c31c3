// Writing hosts into allowedFqdnList: the fixes of restrict-outbound-network-access, allow-required-fqdns
// and no-wildcard-fqdns. A fix rewrites the list where it is written (the literal, or the parameter default
// / caller value it comes from), keeping every entry, or sets it when there is none. Never a wildcard.

import type { DeploymentGraph } from '../../server/src/engine/graph/graph';
import { hostKey, type Dependency } from '../../server/src/engine/egress/dependencies';
import { writtenHost, type HostSite } from '../../server/src/engine/egress/written';
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
  const node = editableSite(list);
  if (!node) return undefined;
  let kind: HostSite['kind'] = 'resource';
  for (let o = list.origin, depth = 0; o && depth < 64; o = o.node.origin, depth++) kind = o.kind;
  return { node, kind };
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
