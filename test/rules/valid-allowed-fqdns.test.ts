// valid-allowed-fqdns: each case runs as ARM JSON and as Bicep (see test/support/ruleTester.ts).

import { rule } from '../../rules/valid-allowed-fqdns';
import { expr, ruleTester, type Val } from '../support/ruleTester';

const list = (...entries: Val[]) => ({ restrictOutboundNetworkAccess: true, allowedFqdnList: entries });
const entry = (i: number) => ['properties', 'allowedFqdnList', i];
const LONG_LABEL = `${'a'.repeat(64)}.com`;

// Each entry and why it is not a host name.
const BAD: [string, string][] = [
  ['https://x.contoso.com/path', 'it has a URL scheme; list the host name only'],
  ['x.contoso.com/path', 'it has a path; list the host name only'],
  ['x.contoso.com:443', 'it has a port; list the host name only'],
  ['x .contoso.com', 'it contains whitespace'],
  ['', 'it is empty'],
  ['x_y!.contoso.com', "its label 'x_y!' has characters a host name cannot contain"],
  [LONG_LABEL, "its label 'aaaaaaaaaaaaaaaaaaaa…' is 64 characters long; a label has at most 63"],
  ['10.0.0.4', 'it is an IP address; the allow-list accepts host names (FQDNs) only'],
  ['2001:db8::1', 'it is an IP address; the allow-list accepts host names (FQDNs) only'],
  ['a..b.com', 'it has an empty label (two dots in a row, or a leading dot)'],
];

const FIXED_URL = {
  arm: `{
  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
  "contentVersion": "1.0.0.0",
  "resources": [
    {
      "type": "Microsoft.CognitiveServices/accounts",
      "apiVersion": "2024-10-01",
      "name": "oai",
      "location": "eastus",
      "kind": "OpenAI",
      "tags": {
        "owner": "team"
      },
      "properties": {
        "restrictOutboundNetworkAccess": true,
        "allowedFqdnList": [
          "x.contoso.com"
        ]
      }
    }
  ]
}
`,
  bicep: `resource ai 'Microsoft.CognitiveServices/accounts@2024-10-01' = {
  name: 'oai'
  location: 'eastus'
  kind: 'OpenAI'
  tags: {
    owner: 'team'
  }
  properties: {
    restrictOutboundNetworkAccess: true
    allowedFqdnList: [
      'x.contoso.com'
    ]
  }
}
`,
};

ruleTester(rule, {
  valid: [
    { name: 'host names, a trailing dot, punycode, underscores', properties: list('mystorage.blob.core.windows.net', 'mysearch.search.windows.net.', 'xn--bcher-kva.example', 'a-b.c_d.io') },
    {
      name: 'a partly unknown host: only the known text is judged',
      params: { sa: { type: 'string' } },
      properties: list(expr({ arm: "format('{0}.blob.{1}', parameters('sa'), environment().suffixes.storage)", bicep: "'${sa}.blob.${environment().suffixes.storage}'" })),
    },
    { name: 'exactly 1000 entries', properties: list(...Array.from({ length: 1000 }, (_, i) => `h${i}.contoso.com`)) },
  ],
  invalid: [
    {
      name: 'URLs, paths, ports, whitespace, empty, bad characters, long labels and IPs, at the entry, at error',
      properties: list(...BAD.map(([e]) => e)),
      errors: BAD.map(([e, problem], i) => ({ messageId: 'notHost' as const, at: entry(i), level: 'error' as const, data: { resource: "'oai'", entry: e, problem } })),
      // The safe fixes turn the three URL-like entries into their host; the rest need a person.
      output: { properties: list('x.contoso.com', 'x.contoso.com', 'x.contoso.com', ...BAD.slice(3).map(([e]) => e)) },
    },
    {
      name: 'a name over 253 characters',
      properties: list(Array.from({ length: 5 }, () => 'a'.repeat(60)).join('.')),
      errors: [{ messageId: 'notHost', at: entry(0), message: /is 304 characters long; a host name has at most 253/ }],
    },
    {
      name: 'more than 1000 entries: reported at the list',
      properties: list(...Array.from({ length: 1001 }, (_, i) => `h${i}.contoso.com`)),
      errors: [{ messageId: 'tooMany', at: ['properties', 'allowedFqdnList'], data: { count: 1001, max: 1000 }, message: /lists 1001 allowed FQDNs, more than the service accepts\. The limit is 1000: / }],
    },
    {
      name: 'the safe fix turns a URL into its host',
      properties: list('https://x.contoso.com/path?q=1'),
      errors: [{
        messageId: 'notHost', at: entry(0),
        // Literal ranges and output text too, so the renderer cannot hide a writer bug.
        arm: '17:11-17:43', bicep: '11:7-11:39',
        fixes: [{
          title: "Replace 'https://x.contoso.com/path?q=1' with its host 'x.contoso.com'", safe: true, preferred: true,
          output: { properties: list('x.contoso.com') },
          outputText: FIXED_URL,
        }],
      }],
      output: { properties: list('x.contoso.com') },
    },
    {
      name: 'an IP address has no host to turn into: only removal and suppression',
      properties: list('10.0.0.4'),
      errors: [{ messageId: 'notHost', at: entry(0), fixTitles: ["Remove '10.0.0.4' from the allowed FQDNs of 'oai'", "Suppress valid-allowed-fqdns for 'oai' (with a reason)"] }],
    },
  ],
});
