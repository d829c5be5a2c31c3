// Writing hosts into allowedFqdnList: the fixes of restrict-outbound-network-access, allow-required-fqdns
// and no-wildcard-fqdns. A fix rewrites the list where it is written (the literal, or the parameter default
// / caller value it comes from), keeping every entry, or sets it when there is none. Never a wildcard.

import type { Value } from '../../server/src/engine/expressions/value';
import { expressionValue, type FixIntent, type FixValue } from '../../server/src/engine/fixes';
import type { AiResource, ValueNode } from '../../server/src/engine/model';
import { editableSite, setSetting } from './values';

/** Something to write as an allow-list item: an entry already there, or a host to add. */
export type ListItem =
  | { readonly kind: 'entry'; readonly node: ValueNode; readonly site: ValueNode }
  | { readonly kind: 'host'; readonly host: Value };

/**
 * How an item is written into the template, or undefined when it cannot be written yet: hosts that are fully
 * known (strings), entries written as literal strings, and ARM entries written as expressions (`"[format(...)]"`,
 * kept as the same expression). Bicep entries written as expressions cannot be carried over yet.
 */
export function asListEntry(item: ListItem): FixValue | undefined {
  if (item.kind === 'host') return typeof item.host === 'string' ? item.host : undefined;
  const { node, site } = item;
  const inside = node !== site && node.loc.file.uri === site.loc.file.uri && node.loc.start >= site.loc.start && node.loc.end <= site.loc.end;
  if (!inside) return undefined;
  if (node.loc.file.kind !== 'arm') return node.literal && typeof node.value === 'string' ? node.value : undefined;
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

/** The hosts as list entries, or undefined when one of them cannot be written yet. Duplicates dropped. */
export function hostEntries(hosts: readonly Value[]): string[] | undefined {
  const out: string[] = [];
  for (const host of hosts) {
    const written = asListEntry({ kind: 'host', host });
    if (typeof written !== 'string') return undefined;
    if (!out.some((h) => h.toLowerCase() === written.toLowerCase())) out.push(written);
  }
  return out;
}

/**
 * The change that makes the list `[...entries (each possibly replaced), ...add]`: a replacement of the written
 * list, or, when there is no list, setting one. Undefined when the list or one of its entries cannot be written.
 */
export function rewriteList(resource: AiResource, add: readonly string[], replace: ReadonlyMap<ValueNode, readonly string[]> = new Map()): FixIntent | undefined {
  const list = resource.properties?.member('allowedFqdnList');
  if (!list) return setSetting(resource, ['properties', 'allowedFqdnList'], [...add]);
  const site = editableSite(list);
  const items = list.items();
  if (!site || !items) return undefined;
  const out: FixValue[] = [];
  const seen = new Set<string>();
  const push = (v: FixValue) => {
    const key = typeof v === 'string' ? v.toLowerCase() : JSON.stringify(v);
    if (!seen.has(key)) { seen.add(key); out.push(v); }
  };
  for (const node of items) {
    const replacement = replace.get(node);
    if (replacement) { replacement.forEach(push); continue; }
    const written = asListEntry({ kind: 'entry', node, site });
    if (written === undefined) return undefined;
    push(written);
  }
  add.forEach(push);
  return { kind: 'replace', target: site, value: out };
}
