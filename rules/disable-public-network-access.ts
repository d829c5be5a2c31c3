// disable-public-network-access: reach the service through private endpoints, not the internet.

import { isUnknown } from '../server/src/engine/expressions/value';
import type { Fix } from '../server/src/engine/fixes';
import { createRule } from './rule';
import { describeOrigin, editableSite, quoted, setSetting, unknownReason } from './support/values';

export const rule = createRule({
  id: 'disable-public-network-access',
  defaultLevel: 'info',
  description: 'Disable public network access and reach the service through private endpoints.',
  messages: {
    unverifiable: 'Public network access of AI service {{resource}} cannot be verified. publicNetworkAccess cannot be evaluated: {{reason}}.',
    enabled: "AI service {{resource}} accepts traffic from public networks. publicNetworkAccess is {{value}}{{origin}}: set it to 'Disabled' and use private endpoints.",
    notSet: "AI service {{resource}} accepts traffic from public networks. publicNetworkAccess is not set (Azure enables it): set it to 'Disabled' and use private endpoints.",
  },
  check(resource) {
    const node = resource.properties?.member('publicNetworkAccess');
    const value = node?.value;
    if (typeof value === 'string' && value.toLowerCase() === 'disabled') return [];
    if (node && isUnknown(value)) {
      return [{ at: node, advisory: true, messageId: 'unverifiable', data: { resource: quoted(resource), reason: unknownReason(value) } }];
    }
    const site = node && editableSite(node);
    const from = node && describeOrigin(node);
    const fixes = (): Fix[] => [{
      title: `Disable public network access for ${quoted(resource)}`,
      safe: false,
      changes: site
        ? [{ kind: 'replace', target: site, value: 'Disabled' }]
        : [setSetting(resource, ['properties', 'publicNetworkAccess'], 'Disabled')],
    }];
    if (!node) return [{ at: resource.typeLoc, messageId: 'notSet', data: { resource: quoted(resource) }, fixes }];
    return [{ at: node, messageId: 'enabled', data: { resource: quoted(resource), value: JSON.stringify(value), origin: from ? ` (set by ${from})` : '' }, fixes }];
  },
});
