// use-egress-capable-api-version: each case runs as ARM JSON and as Bicep (see test/support/ruleTester.ts).

import { rule } from '../../rules/use-egress-capable-api-version';
import { ruleTester } from '../support/ruleTester';

ruleTester(rule, {
  valid: [
    ...['2021-04-30', '2021-10-01', '2024-10-01', '2025-04-01-preview'].map((apiVersion) => ({ name: apiVersion, apiVersion })),
    {
      name: 'old versions of other types: no rule reports them',
      account: false as const,
      resources: [{ type: 'Microsoft.Storage/storageAccounts', apiVersion: '2016-01-01', name: 's' }],
      allRules: true,
    },
  ],
  invalid: [
    ...['2017-04-18', '2021-04-29', '2016-02-01-preview'].map((apiVersion) => ({
      name: `${apiVersion}: reported at the API version, at warning`,
      apiVersion,
      errors: [{
        messageId: 'tooOld' as const, at: ['apiVersion'], level: 'warning' as const,
        data: { resource: "'oai'", apiVersion, minimum: '2021-04-30' },
        message: new RegExp(`^AI service 'oai' uses an API version that ignores outbound settings\\. API version ${apiVersion} predates restrictOutboundNetworkAccess`),
      }],
    })),
    {
      name: 'in Bicep the range is the version inside the type string',
      apiVersion: '2017-04-18',
      errors: [{ messageId: 'tooOld', at: ['apiVersion'], arm: '7:21-7:33', bicep: '1:51-1:61' }],
    },
  ],
});
