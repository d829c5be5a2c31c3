// use-private-endpoint: an AI account closed to public networks needs a private endpoint to be reachable.

import { createRule } from './rule';
import { addPrivateEndpointFix, PRIVATE_ENDPOINT_TYPE, privateEndpointsOf } from './support/deployment';
import { quoted } from './support/values';

export const rule = createRule({
  id: 'use-private-endpoint',
  defaultLevel: 'info',
  description: 'An AI service with public network access disabled needs a private endpoint in the deployment, or one made elsewhere.',
  needs: ['related-resources'],
  messages: {
    noEndpoint: "AI service {{resource}} has no private endpoint and no public access. Public network access is disabled, so no client can reach it unless a private endpoint is created elsewhere: add one (group id 'account') in a subnet the clients can reach, with the private DNS zone of the service.",
  },
  resourceTypes: [PRIVATE_ENDPOINT_TYPE],
  check(resource, { graph }) {
    const node = resource.properties?.member('publicNetworkAccess');
    const value = node?.value;
    if (!node || typeof value !== 'string' || value.toLowerCase() !== 'disabled') return [];
    const endpoints = privateEndpointsOf(resource, graph);
    if (endpoints.found.length || endpoints.unknown) return [];
    return [{
      // At the value where the account uses it: a caller that passes 'Disabled' is not where an endpoint goes.
      at: node.loc,
      messageId: 'noEndpoint',
      data: { resource: quoted(resource) },
      fixes: () => {
        const fix = addPrivateEndpointFix(resource, graph);
        return fix ? [fix] : [];
      },
    }];
  },
});
