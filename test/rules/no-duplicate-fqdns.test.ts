// no-duplicate-fqdns: each case runs as ARM JSON and as Bicep (see test/support/ruleTester.ts).

import { rule } from '../../rules/no-duplicate-fqdns';
import { marked, ruleTester, type Val } from '../support/ruleTester';

const list = (...entries: Val[]) => ({ restrictOutboundNetworkAccess: true, allowedFqdnList: entries });

ruleTester(rule, {
  valid: [
    { name: 'distinct hosts', properties: list('a.vault.azure.net', 'a.vault.azure.net.com') },
  ],
  invalid: [
    {
      name: 'the second and later occurrences, case-insensitively, in reading order, at info; fixAll removes them',
      properties: list('a.vault.azure.net', 'b.vault.azure.net', marked('upper', 'A.Vault.Azure.NET'), marked('again', 'a.vault.azure.net')),
      errors: [
        { messageId: 'duplicate', at: 'upper', level: 'info', data: { resource: "'oai'", entry: 'A.Vault.Azure.NET' } },
        { messageId: 'duplicate', at: 'again', level: 'info', data: { entry: 'a.vault.azure.net' } },
      ],
      output: { properties: list('a.vault.azure.net', 'b.vault.azure.net') },
      // Adjacent removals at the end of a list are written as one run (their ranges used to overlap).
    },
    {
      name: 'fixAll removes repeats that are not next to each other',
      properties: list('a.vault.azure.net', 'A.Vault.Azure.NET', 'b.vault.azure.net', 'a.vault.azure.net'),
      errors: [
        { messageId: 'duplicate', at: ['properties', 'allowedFqdnList', 1], level: 'info', data: { entry: 'A.Vault.Azure.NET' } },
        { messageId: 'duplicate', at: ['properties', 'allowedFqdnList', 3], level: 'info', data: { entry: 'a.vault.azure.net' } },
      ],
      output: { properties: list('a.vault.azure.net', 'b.vault.azure.net') },
    },
    {
      name: 'the fix is safe, preferred and removes only the repeat',
      properties: list('a.vault.azure.net', 'A.vault.azure.net', 'b.vault.azure.net'),
      errors: [{
        messageId: 'duplicate', at: ['properties', 'allowedFqdnList', 1],
        fixTitles: ["Remove duplicate 'A.vault.azure.net' from the allowed FQDNs of 'oai'", "Suppress no-duplicate-fqdns for 'oai' (with a reason)"],
        fixes: [{ title: "Remove duplicate 'A.vault.azure.net'", safe: true, preferred: true, output: { properties: list('a.vault.azure.net', 'b.vault.azure.net') } }],
      }],
      output: { properties: list('a.vault.azure.net', 'b.vault.azure.net') },
    },
  ],
});
