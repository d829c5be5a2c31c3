// disable-public-network-access: each case runs as ARM JSON and as Bicep (see test/support/ruleTester.ts).

import { rule } from '../../rules/disable-public-network-access';
import { param, ruleTester } from '../support/ruleTester';

ruleTester(rule, {
  valid: [
    { name: "'Disabled' in any case", properties: { publicNetworkAccess: 'disabled' } },
    { name: "'Disabled' from a parameter default", params: { access: { type: 'string', default: 'Disabled' } }, properties: { publicNetworkAccess: param('access') } },
  ],
  invalid: [
    {
      name: 'a missing value is reported at the type, at info; the fix adds it',
      properties: { restrictOutboundNetworkAccess: true },
      errors: [{
        messageId: 'notSet', at: ['type'], level: 'info', data: { resource: "'oai'" },
        // Literal ranges too, so a renderer that records the wrong range cannot hide a wrong finding.
        arm: '6:15-6:53', bicep: '1:13-1:62',
        fixes: [{ title: "Disable public network access for 'oai'", safe: false, output: { properties: { restrictOutboundNetworkAccess: true, publicNetworkAccess: 'Disabled' } } }],
      }],
    },
    {
      name: "'Enabled' is reported at the value; the fix replaces it",
      properties: { publicNetworkAccess: 'Enabled' },
      errors: [{
        messageId: 'enabled', at: ['properties', 'publicNetworkAccess'], level: 'info', data: { value: '"Enabled"', origin: '' },
        message: /^AI service 'oai' accepts traffic from public networks\. publicNetworkAccess is "Enabled": set it to 'Disabled'/,
        fixes: [{ title: "Disable public network access for 'oai'", output: { properties: { publicNetworkAccess: 'Disabled' } } }],
      }],
    },
    {
      name: "'Enabled' from a parameter default: the fix changes the default",
      params: { access: { type: 'string', default: 'Enabled' } },
      properties: { publicNetworkAccess: param('access') },
      errors: [{
        messageId: 'enabled', at: ['properties', 'publicNetworkAccess'], data: { origin: " (set by the default of parameter 'access')" },
        fixes: [{ title: 'Disable public network access', output: { params: { access: { type: 'string', default: 'Disabled' } } } }],
      }],
    },
    {
      name: 'a parameter with no default cannot be verified: info, naming it, no fix but suppression',
      params: { access: { type: 'string' } },
      properties: { publicNetworkAccess: param('access') },
      errors: [{
        messageId: 'unverifiable', at: ['properties', 'publicNetworkAccess'], level: 'info',
        data: { reason: "it depends on parameter 'access', which has no value here (no default and no parameter file)" },
        fixTitles: ["Suppress disable-public-network-access for 'oai' (with a reason)"],
      }],
    },
  ],
});
