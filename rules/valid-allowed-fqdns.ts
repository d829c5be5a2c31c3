import type { Fix } from '../server/src/engine/fixes';
import type { Report, Rule } from './rule';
import { allowListOf, removeEntryFix } from './support/allowlist';
import { hostOf, hostProblem, MAX_ENTRIES } from './support/fqdn';
import { editableSite, quoted } from './support/values';

export const rule: Rule = {
  id: 'valid-allowed-fqdns',
  defaultLevel: 'error',
  description: 'allowedFqdnList entries must be bare host names, and there may be at most 1000 of them.',
  check(resource) {
    const list = allowListOf(resource);
    if (!list) return [];
    const reports: Report[] = [];
    if (list.entries.length > MAX_ENTRIES) {
      reports.push({
        at: list.node,
        message: `AI service ${quoted(resource)} lists ${list.entries.length} allowed FQDNs; the service accepts at most ${MAX_ENTRIES}. Remove hosts it does not need.`,
      });
    }
    for (const entry of list.entries) {
      const text = entry.text;
      if (text === undefined) continue;
      const problem = hostProblem(text.replace(/\*/g, 'x'));
      if (!problem) continue;
      reports.push({
        at: entry.node,
        message: `AI service ${quoted(resource)} has allowed FQDN '${entry.shown}', which is not a host name: ${problem}.`,
        fixes: () => {
          const fixes: Fix[] = [];
          const host = hostOf(text);
          const site = editableSite(entry.node);
          if (host && site && typeof entry.node.value === 'string') {
            fixes.push({ title: `Replace '${entry.shown}' with its host '${host}'`, safe: true, preferred: true, changes: [{ kind: 'replace', target: site, value: host }] });
          }
          const remove = removeEntryFix(resource, entry, false);
          if (remove) fixes.push(remove);
          return fixes;
        },
      });
    }
    return reports;
  },
};
