// use-egress-capable-api-version: API versions before 2021-04-30 silently ignore the egress settings.

import { createRule } from './rule';
import { quoted } from './support/values';

/** The first API version of Microsoft.CognitiveServices/accounts with restrictOutboundNetworkAccess and allowedFqdnList. */
export const MIN_API_VERSION = '2021-04-30';

export const rule = createRule({
  id: 'use-egress-capable-api-version',
  defaultLevel: 'warning',
  description: `Use API version ${MIN_API_VERSION} or later, where outbound restriction exists.`,
  needs: ['api-version'],
  messages: {
    tooOld: 'AI service {{resource}} uses an API version that ignores outbound settings. API version {{apiVersion}} predates restrictOutboundNetworkAccess and allowedFqdnList, so they are not applied: use {{minimum}} or later (e.g. 2024-10-01).',
  },
  check(resource) {
    const api = resource.apiVersion;
    if (!api || !/^\d{4}-\d{2}-\d{2}/.test(api.value)) return [];
    // ISO dates compare as strings; a -preview suffix sorts after its date, which is what we want.
    if (api.value.slice(0, 10) >= MIN_API_VERSION) return [];
    return [{ at: api.loc, messageId: 'tooOld', data: { resource: quoted(resource), apiVersion: api.value, minimum: MIN_API_VERSION } }];
  },
});
