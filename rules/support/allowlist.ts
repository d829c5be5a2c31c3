// Reading allowedFqdnList entries, shared by the allow-list rules.

import type { AiResource, ValueNode } from '../../server/src/engine/model';
import type { Fix } from '../../server/src/engine/fixes';
import { allowListNode } from '../../server/src/engine/egress/egress';
import { entryDisplay, entryText } from './fqdn';
import { editableSite, quoted } from './values';

export interface Entry {
  readonly node: ValueNode;
  /** Known text (unknown pieces stood in by a label), or undefined when nothing is known. */
  readonly text: string | undefined;
  /** The entry as shown in messages. */
  readonly shown: string;
}

export function allowListOf(resource: AiResource): { node: ValueNode; entries: Entry[] } | undefined {
  const node = allowListNode(resource);
  const items = node?.items();
  if (!node || !items) return undefined;
  return { node, entries: items.map((item) => ({ node: item, text: entryText(item.value), shown: entryDisplay(item.value) ?? 'entry' })) };
}

export function removeEntryFix(resource: AiResource, entry: Entry, safe: boolean): Fix | undefined {
  const site = editableSite(entry.node);
  if (!site) return undefined;
  return { title: `Remove '${entry.shown}' from the allowed FQDNs of ${quoted(resource)}`, safe, changes: [{ kind: 'remove-item', target: site }] };
}
