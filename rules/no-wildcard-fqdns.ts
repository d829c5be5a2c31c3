import type { Report, Rule } from './rule';
import { allowListOf, removeEntryFix } from './support/allowlist';
import { hasWildcard } from './support/fqdn';
import { quoted } from './support/values';

export const rule: Rule = {
  id: 'no-wildcard-fqdns',
  defaultLevel: 'warning',
  description: 'allowedFqdnList entries must name exact hosts, never wildcards.',
  check(resource) {
    const list = allowListOf(resource);
    if (!list) return [];
    const reports: Report[] = [];
    for (const entry of list.entries) {
      if (!hasWildcard(entry.node.value)) continue;
      reports.push({
        // Inside an expression, point at the literal that holds the wildcard.
        at: entry.node.literalWithin?.((text) => text.includes('*')) ?? entry.node,
        message: `AI service ${quoted(resource)} allows outbound connections to '${entry.shown}', a wildcard that admits every host under it (any storage account or tenant, including an attacker's). List the exact hosts instead, e.g. 'mystorage.blob.core.windows.net'.`,
        fixes: () => {
          const fix = removeEntryFix(resource, entry, false);
          return fix ? [fix] : [];
        },
      });
    }
    return reports;
  },
};
