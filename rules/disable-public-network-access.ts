import { isUnknown } from '../server/src/engine/expressions/value';
import type { Rule } from './rule';
import { describeOrigin, editableSite, quoted, setSetting, unknownReason } from './support/values';

export const rule: Rule = {
  id: 'disable-public-network-access',
  defaultLevel: 'info',
  description: "Disable public network access and reach the service through private endpoints.",
  check(resource) {
    const node = resource.properties?.member('publicNetworkAccess');
    const value = node?.value;
    if (typeof value === 'string' && value.toLowerCase() === 'disabled') return [];
    if (node && isUnknown(value)) {
      return [{ at: node, advisory: true, message: `Public network access of AI service ${quoted(resource)} cannot be verified: ${unknownReason(value)}.` }];
    }
    const site = node && editableSite(node);
    const from = node && describeOrigin(node);
    return [{
      at: node ?? resource.typeLoc,
      message: node
        ? `AI service ${quoted(resource)} accepts traffic from public networks: publicNetworkAccess is ${JSON.stringify(value)}${from ? ` (set by ${from})` : ''}. Set it to 'Disabled' and use private endpoints.`
        : `AI service ${quoted(resource)} accepts traffic from public networks: publicNetworkAccess is not set (Azure enables it). Set it to 'Disabled' and use private endpoints.`,
      fixes: () => [{
        title: `Disable public network access for ${quoted(resource)}`,
        safe: false,
        changes: site
          ? [{ kind: 'replace', target: site, value: 'Disabled' }]
          : [setSetting(resource, ['properties', 'publicNetworkAccess'], 'Disabled')],
      }],
    }];
  },
};
