// no-duplicate-fqdns: the same host listed twice in allowedFqdnList (safe fix: remove the repeat).

import { createRule, type Report } from './rule';
import { allowListOf, removeEntryFix } from './support/allowlist';
import { hostKey } from './support/fqdn';
import { quoted } from './support/values';

export const rule = createRule({
  id: 'no-duplicate-fqdns',
  defaultLevel: 'info',
  fixable: true,
  description: 'Each host appears once in allowedFqdnList.',
  messages: {
    duplicate: "AI service {{resource}} lists '{{entry}}' again. allowedFqdnList already has it (host names compare case-insensitively): remove the repeat.",
  },
  check(resource) {
    const list = allowListOf(resource);
    if (!list) return [];
    const reports: Report<'duplicate'>[] = [];
    const seen = new Set<string>();
    for (const entry of list.entries) {
      // Only fully known entries can be compared.
      if (typeof entry.node.value !== 'string') continue;
      const key = hostKey(entry.node.value);
      if (!seen.has(key)) { seen.add(key); continue; }
      reports.push({
        at: entry.node,
        messageId: 'duplicate',
        data: { resource: quoted(resource), entry: entry.node.value },
        fixes: () => {
          const fix = removeEntryFix(resource, entry, true);
          return fix ? [{ ...fix, title: `Remove duplicate '${entry.shown}' from the allowed FQDNs of ${quoted(resource)}`, preferred: true }] : [];
        },
      });
    }
    return reports;
  },
});
