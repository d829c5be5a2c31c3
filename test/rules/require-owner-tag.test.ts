// require-owner-tag: each case runs as ARM JSON and as Bicep (see test/support/ruleTester.ts).

import { rule } from '../../rules/require-owner-tag';
import { absent, param, ruleTester } from '../support/ruleTester';

const SUPPRESS = "Suppress require-owner-tag for 'oai' (with a reason)";
const ADD = "Add tag 'owner' to 'oai' with the owner you type";
const SET = "Set tag 'owner' of 'oai' to the owner you type";

ruleTester(rule, {
  valid: [
    { name: 'the owner tag in any case', tags: { Owner: 'x' } },
    { name: 'a configured tag name (the deprecated top-level ownerTagNames setting)', tags: { costCenterOwner: 'x' }, settings: { ownerTagNames: ['costCenterOwner', 'owner'] } },
    { name: 'a configured tag name (the rule option)', tags: { costCenterOwner: 'x' }, options: { ownerTagNames: ['costCenterOwner', 'owner'] } },
    { name: 'tags only known at deployment', params: { tags: { type: 'object' } }, tags: param('tags') },
    { name: 'an owner only known at deployment', params: { team: { type: 'string' } }, tags: { owner: param('team') } },
    { name: 'the rule turned off', tags: absent, settings: { rules: { 'require-owner-tag': 'off' } } },
  ],
  invalid: [
    {
      name: 'no tags: reported at the type, at info; the fix adds the owner the user types (no fix invents one)',
      tags: absent,
      errors: [{
        messageId: 'missing', at: ['type'], level: 'info', data: { resource: "'oai'", wanted: "'owner'" },
        fixTitles: [ADD, SUPPRESS],
        fixes: [
          {
            // A new member goes last, as the writers add members.
            title: ADD, answer: '  ai-platform@contoso.com ', safe: false, preferred: true,
            outputText: {
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
      "properties": {},
      "tags": {
        "owner": "ai-platform@contoso.com"
      }
    }
  ]
}
`,
              bicep: `resource ai 'Microsoft.CognitiveServices/accounts@2024-10-01' = {
  name: 'oai'
  location: 'eastus'
  kind: 'OpenAI'
  properties: {}
  tags: {
    owner: 'ai-platform@contoso.com'
  }
}
`,
            },
          },
          { title: SUPPRESS, output: { suppress: { 'require-owner-tag': 'TODO: say why this is acceptable' } } },
          { title: SUPPRESS, answer: 'Owner tag added by Azure Policy\n(modify effect).', output: { suppress: { 'require-owner-tag': 'Owner tag added by Azure Policy (modify effect).' } } },
        ],
      }],
    },
    {
      name: 'tags without an owner: reported at the tags; the fix adds the first configured name',
      tags: { env: 'prod' },
      options: { ownerTagNames: ['team', 'owner'] },
      errors: [{
        messageId: 'missing', at: ['tags'], message: /has no owner tag \('team' or 'owner'\)/,
        fixes: [{ title: "Add tag 'team' to 'oai'", answer: 'ai-platform', output: { tags: { env: 'prod', team: 'ai-platform' } } }],
      }],
    },
    {
      name: 'a tag name that is not configured',
      tags: { costCenterOwner: 'x' },
      errors: [{ messageId: 'missing', at: ['tags'], data: { wanted: "'owner'" } }],
    },
    {
      name: 'the message names every configured tag name',
      tags: { env: 'prod' },
      options: { ownerTagNames: ['team', 'owner'] },
      errors: [{ messageId: 'missing', at: ['tags'], data: { wanted: "'team' or 'owner'" } }],
    },
    {
      name: 'an empty owner: reported at its value',
      tags: { owner: ' ' },
      errors: [{
        messageId: 'empty', at: ['tags', 'owner'], level: 'info', data: { tag: 'owner' }, message: /has an empty 'owner' tag/,
        fixTitles: [SET, SUPPRESS],
        fixes: [{ title: SET, answer: 'ai-platform', output: { tags: { owner: 'ai-platform' } } }, {
          title: SUPPRESS, only: 'arm',
          output: { suppress: { 'require-owner-tag': 'TODO: say why this is acceptable' } },
        }, {
          // Bicep's directive goes above the line it silences, here inside the tags.
          title: SUPPRESS, only: 'bicep',
          outputText: { bicep: `resource ai 'Microsoft.CognitiveServices/accounts@2024-10-01' = {
  name: 'oai'
  location: 'eastus'
  kind: 'OpenAI'
  tags: {
    // TODO: say why this is acceptable
    #disable-next-line require-owner-tag
    owner: ' '
  }
  properties: {}
}
` },
        }],
      }],
    },
  ],
});
