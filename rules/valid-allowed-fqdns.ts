// valid-allowed-fqdns: entries must be bare host names (no scheme, path, port or IP), at most 1000.

import type { Fix } from '../server/src/engine/fixes';
import { createRule, type Report } from './rule';
import { allowListOf, removeEntryFix } from './support/allowlist';
import { hostKey, hostOf, hostProblem, MAX_ENTRIES } from './support/fqdn';
import { editableSite, isUnknown, quoted } from './support/values';

type MessageId = 'tooMany' | 'notHost' | 'unverifiable';

export const rule = createRule({
  id: 'valid-allowed-fqdns',
  defaultLevel: 'error',
  fixable: true,
  description: 'allowedFqdnList entries must be bare host names, and there may be at most 1000 of them.',
  messages: {
    tooMany: 'AI service {{resource}} lists {{count}} allowed FQDNs, more than the service accepts. The limit is {{max}}: remove hosts it does not need.',
    notHost: "AI service {{resource}} has an allowed FQDN that is not a host name. '{{entry}}': {{problem}}.",
    unverifiable: 'An allowed FQDN of AI service {{resource}} cannot be verified. Its value cannot be evaluated: {{reason}}.',
  },
  check(resource) {
    const list = allowListOf(resource);
    if (!list) return [];
    const reports: Report<MessageId>[] = [];
    // How many entries name each host, counted once for all the fixes (a lookup per fix, not a scan: lists run to thousands).
    let hostCounts: Map<string, number> | undefined;
    const countOf = (key: string): number => {
      if (!hostCounts) {
        hostCounts = new Map();
        for (const e of list.entries) if (typeof e.node.value === 'string') { const k = hostKey(e.node.value); hostCounts.set(k, (hostCounts.get(k) ?? 0) + 1); }
      }
      return hostCounts.get(key) ?? 0;
    };
    if (list.entries.length > MAX_ENTRIES) {
      reports.push({ at: list.node, messageId: 'tooMany', data: { resource: quoted(resource), count: list.entries.length, max: MAX_ENTRIES } });
    }
    for (const entry of list.entries) {
      const text = entry.text;
      // An entry the analysis gave up on (a size or step limit) is not assumed to be a host.
      if (isUnknown(entry.node.value) && entry.node.value.limit) {
        reports.push({ at: entry.node, advisory: true, messageId: 'unverifiable', data: { resource: quoted(resource), reason: entry.node.value.reason } });
        continue;
      }
      if (text === undefined) continue;
      const problem = hostProblem(text.replace(/\*/g, 'x'));
      if (!problem) continue;
      reports.push({
        at: entry.node,
        messageId: 'notHost',
        data: { resource: quoted(resource), entry: entry.shown, problem },
        fixes: () => {
          const fixes: Fix[] = [];
          const host = hostOf(text);
          const site = editableSite(entry.node);
          if (host && site && typeof entry.node.value === 'string') {
            // Rewriting to a host already listed would make a duplicate: the entry goes instead.
            const key = hostKey(host);
            const listed = countOf(key) > (hostKey(entry.node.value) === key ? 1 : 0);
            fixes.push(listed
              ? { title: `Remove '${entry.shown}': its host '${host}' is already listed`, safe: true, preferred: true, changes: [{ kind: 'remove-item', target: site }] }
              : { title: `Replace '${entry.shown}' with its host '${host}'`, safe: true, preferred: true, changes: [{ kind: 'replace', target: site, value: host }] });
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
