import type { Report, Rule } from './rule';
import { allowListOf, removeEntryFix } from './support/allowlist';
import { quoted } from './support/values';

export const rule: Rule = {
  id: 'no-duplicate-fqdns',
  defaultLevel: 'info',
  description: 'Each host appears once in allowedFqdnList.',
  check(resource) {
    const list = allowListOf(resource);
    if (!list) return [];
    const reports: Report[] = [];
    const seen = new Set<string>();
    for (const entry of list.entries) {
      // Only fully known entries can be compared.
      if (typeof entry.node.value !== 'string') continue;
      const key = entry.node.value.toLowerCase().replace(/\.$/, '');
      if (!seen.has(key)) { seen.add(key); continue; }
      reports.push({
        at: entry.node,
        message: `AI service ${quoted(resource)} lists '${entry.node.value}' more than once in allowedFqdnList (host names compare case-insensitively). Remove the repeat.`,
        fixes: () => {
          const fix = removeEntryFix(resource, entry, true);
          return fix ? [{ ...fix, title: `Remove duplicate '${entry.shown}' from the allowed FQDNs of ${quoted(resource)}`, preferred: true }] : [];
        },
      });
    }
    return reports;
  },
};
