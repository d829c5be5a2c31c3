// no-wildcard-fqdns: an allowedFqdnList entry containing `*` admits hosts nobody reviewed.

import { createRule, type Report } from './rule';
import { allowListOf, removeEntryFix } from './support/allowlist';
import { hasWildcard } from './support/fqdn';
import { quoted } from './support/values';

export const rule = createRule({
  id: 'no-wildcard-fqdns',
  defaultLevel: 'warning',
  description: 'allowedFqdnList entries must name exact hosts, never wildcards.',
  messages: {
    wildcard: "AI service {{resource}} allows outbound connections to '{{entry}}', a wildcard that admits every host under it (any storage account or tenant, including an attacker's). List the exact hosts instead, e.g. 'mystorage.blob.core.windows.net'.",
  },
  check(resource) {
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
          const fix = removeEntryFix(resource, entry, false);
          return fix ? [fix] : [];
        },
      });
    }
    return reports;
  },
});
