// restrict-managed-network-outbound: a managed virtual network (Foundry account, Azure Machine Learning or
// Foundry hub) must allow only approved outbound traffic, not the whole internet.

import { isUnknown } from '../server/src/engine/expressions/value';
import type { Fix } from '../server/src/engine/fixes';
import type { AiResource, ValueNode } from '../server/src/engine/model';
import { createRule, type Report } from './rule';
import { isType, managedNetworkOf, NETWORK_HOLDERS, ownerOf, WORKSPACE, WORKSPACE_MANAGED_NETWORK } from './support/managed-network';
import { describeOrigin, editableSite, setSetting, unknownReason } from './support/values';
import type { DeploymentGraph } from '../server/src/engine/graph/graph';

type MessageId = 'internetOutbound' | 'unverifiable' | 'hubWithoutManagedNetwork';

const APPROVED = 'AllowOnlyApprovedOutbound';

function setModeFix(owner: string, resource: AiResource, node: ValueNode | undefined): Fix[] {
  const title = `Set the isolation mode of ${owner} to '${APPROVED}'`;
  if (node) {
    const site = editableSite(node);
    return site ? [{ title, safe: false, changes: [{ kind: 'replace', target: site, value: APPROVED }] }] : [];
  }
  // Only where the settings are written out: not inside an expression.
  const properties = resource.properties;
  const settings = properties?.member('managedNetwork');
  if ((properties && !properties.literal) || (settings && settings.value !== null && !settings.literal)) return [];
  return [{ title, safe: false, changes: [setSetting(resource, ['properties', 'managedNetwork', 'isolationMode'], APPROVED)] }];
}

function isHub(resource: AiResource): boolean {
  const kind = resource.kind?.value;
  return typeof kind === 'string' && kind.toLowerCase() === 'hub';
}

/** A hub whose network is declared in a workspaces/managedNetworks child is checked there. */
function hasNetworkChild(resource: AiResource, graph: DeploymentGraph): boolean {
  return graph.related(resource, 'child', WORKSPACE_MANAGED_NETWORK).length > 0;
}

export const rule = createRule({
  id: 'restrict-managed-network-outbound',
  defaultLevel: 'warning',
  description: 'Managed virtual networks of Foundry accounts and Azure Machine Learning hubs must allow only approved outbound traffic.',
  messages: {
    internetOutbound: "The managed network of {{owner}} can reach any host. Its isolationMode is 'AllowInternetOutbound'{{origin}}, so compute and agents can call anywhere: set it to 'AllowOnlyApprovedOutbound' and add outbound rules for the hosts they need. Plan the change: the mode cannot be switched back.",
    unverifiable: "The isolation mode of {{owner}} cannot be verified. isolationMode cannot be evaluated: {{reason}}. Make sure it deploys as 'AllowOnlyApprovedOutbound'.",
    hubWithoutManagedNetwork: "Hub {{owner}} has no managed network. {{detail}}: its compute reaches whatever the network it runs in allows, and egress is governed by that network, not by the hub. Check that network's egress controls, or give the hub a managed network in 'AllowOnlyApprovedOutbound' mode.",
  },
  subjects: NETWORK_HOLDERS,
  resourceTypes: [WORKSPACE_MANAGED_NETWORK],
  check(resource, { graph }) {
    if (!NETWORK_HOLDERS.some((t) => isType(resource, t))) return [];
    const reports: Report<MessageId>[] = [];
    const owner = ownerOf(resource, graph, resource.name);
    const settings = managedNetworkOf(resource);
    const workspace = isType(resource, WORKSPACE);
    if (workspace && isHub(resource) && !hasNetworkChild(resource, graph)) {
      if (settings && isUnknown(settings.value)) {
        return [{ at: settings, advisory: true, messageId: 'unverifiable', data: { owner, reason: unknownReason(settings.value) } }];
      }
      const mode = settings?.member('isolationMode');
      const value = mode?.value;
      if (!settings || !mode || (typeof value === 'string' && value.toLowerCase() === 'disabled')) {
        return [{
          at: resource.kind!,
          advisory: true,
          messageId: 'hubWithoutManagedNetwork',
          data: { owner, detail: !settings ? 'It declares no managedNetwork' : !mode ? 'Its managedNetwork sets no isolationMode, so it is Disabled' : "Its isolationMode is 'Disabled'" },
          fixes: () => setModeFix(owner, resource, mode),
        }];
      }
    }
    const mode = settings?.member('isolationMode');
    if (!mode) return reports;
    const value = mode.value;
    if (isUnknown(value)) {
      reports.push({ at: mode, advisory: true, messageId: 'unverifiable', data: { owner, reason: unknownReason(value) } });
    } else if (typeof value === 'string' && value.toLowerCase() === 'allowinternetoutbound') {
      const from = describeOrigin(mode);
      reports.push({
        at: mode,
        messageId: 'internetOutbound',
        data: { owner, origin: from ? ` (set by ${from})` : '' },
        fixes: () => setModeFix(owner, resource, mode),
      });
    }
    return reports;
  },
});
