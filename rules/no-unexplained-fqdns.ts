// no-unexplained-fqdns: an allow-list entry nothing in the template explains (no dependency of the service,
// no resource of the deployment, no approved pattern) is a host someone must vouch for: it gets noticed in review.

import { DEPENDENCY_READ_TYPES } from '../server/src/engine/egress/dependencies';
import { egressOf, ownerOf } from '../server/src/engine/egress/egress';
import { createRule, type Report } from './rule';
import { allowListOf, removeEntryFix } from './support/allowlist';
import { hasWildcard, hostProblem } from './support/fqdn';
import { quoted } from './support/values';

export const APPROVED_OPTION = 'approvedFqdns';

export const rule = createRule<'unexplained', { approvedFqdns: readonly string[] }>({
  id: 'no-unexplained-fqdns',
  defaultLevel: 'info',
  description: 'Every allowedFqdnList entry must be explained: a dependency of the service, a resource of the deployment, or an approved host.',
  needs: ['related-resources'],
  messages: {
    unexplained: "AI service {{resource}} allows a host nothing in the template uses. '{{entry}}' is no dependency of the service, no host of a resource of this deployment, and matches no approvedFqdns pattern. Ask {{owner}} whether the service still needs it; then remove it, or add it to approvedFqdns in the config.",
  },
  options: {
    approvedFqdns: {
      type: 'array',
      items: { type: 'string' },
      default: [],
      description: 'Hosts and `*.domain` patterns approved for allow-lists (for approval only; never written into templates). Also set by the top-level `approvedFqdns` of the config.',
    },
  },
  resourceTypes: [...DEPENDENCY_READ_TYPES, 'Microsoft.Web/sites'],
  check(resource, { graph, options }) {
    if (!allowListOf(resource)) return [];
    const egress = egressOf(resource, graph, options.approvedFqdns);
    const owner = ownerOf(resource);
    const reports: Report<'unexplained'>[] = [];
    for (const entry of egress.entries ?? []) {
      if (entry.status !== 'unexplained') continue;
      // Wildcards and entries that are no host name are no-wildcard-fqdns's and valid-allowed-fqdns's business.
      // Entries only partly known before deployment (`{0}.blob.core.windows.net`) are not judged.
      const text = entry.node.value;
      if (typeof text !== 'string' || hasWildcard(text) || hostProblem(text) !== undefined) continue;
      reports.push({
        at: entry.node,
        messageId: 'unexplained',
        data: { resource: quoted(resource), entry: entry.shown, owner: owner ? `'${owner}' (the owner tag)` : "the service's owner" },
        fixes: () => {
          const fix = removeEntryFix(resource, { node: entry.node, text: undefined, shown: entry.shown }, false);
          return fix ? [fix] : [];
        },
      });
    }
    return reports;
  },
});
