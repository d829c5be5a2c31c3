// no-wildcard-fqdns: an allowedFqdnList entry containing `*` admits hosts nobody reviewed.

import { admits } from '../server/src/engine/egress/egress';
import { DEPENDENCY_READ_TYPES, dependenciesOf } from '../server/src/engine/egress/dependencies';
import type { Fix } from '../server/src/engine/fixes';
import { createRule, type Report } from './rule';
import { allowListOf, removeEntryFix } from './support/allowlist';
import { hasWildcard } from './support/fqdn';
import { hostEntries, listSite, rewriteList } from './support/hosts';
import { quoted } from './support/values';

export const rule = createRule({
  id: 'no-wildcard-fqdns',
  defaultLevel: 'warning',
  description: 'allowedFqdnList entries must name exact hosts, never wildcards.',
  messages: {
    wildcard: "AI service {{resource}} allows wildcard '{{entry}}'. It admits every host under it (any storage account or tenant, including an attacker's): list the exact hosts instead, e.g. 'mystorage.blob.core.windows.net'.",
  },
  // The replacement fix lists the dependencies the wildcard covers.
  resourceTypes: DEPENDENCY_READ_TYPES,
  check(resource, { graph }) {
    const list = allowListOf(resource);
    if (!list) return [];
    const reports: Report<'wildcard'>[] = [];
    for (const entry of list.entries) {
      if (!hasWildcard(entry.node.value)) continue;
      reports.push({
        // Inside an expression, point at the literal that holds the wildcard.
        at: entry.node.literalWithin?.((text) => text.includes('*')) ?? entry.node,
        messageId: 'wildcard',
        data: { resource: quoted(resource), entry: entry.shown },
        fixes: () => {
          const fixes: Fix[] = [];
          // The hosts of the template's dependencies the wildcard covers, instead of the wildcard.
          const covered = dependenciesOf(resource, graph).filter((d) => admits(entry.node.value, d.host) === 'wildcard');
          const hosts = covered.length ? hostEntries(covered, graph, listSite(resource)) : undefined;
          const change = hosts && rewriteList(resource, [], new Map([[entry.node, hosts]]));
          if (hosts && change) {
            const n = hosts.length;
            fixes.push({
              title: `Replace '${entry.shown}' with the ${n === 1 ? 'host' : `${n} hosts`} this template uses under it`,
              safe: false,
              preferred: true,
              changes: [change],
            });
          }
          const remove = removeEntryFix(resource, entry, false);
          if (remove) fixes.push(remove);
          return fixes;
        },
      });
    }
    return reports;
  },
});
