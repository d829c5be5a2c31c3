// require-owner-tag: each case runs as ARM JSON and as Bicep (see test/support/ruleTester.ts).

import { rule } from '../../rules/require-owner-tag';
import { absent, param, ruleTester } from '../support/ruleTester';

const SUPPRESS = "Suppress require-owner-tag for 'oai' (with a reason)";

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
      name: 'no tags: reported at the type, at info; no fix invents an owner, suppression is offered',
      tags: absent,
      errors: [{
        messageId: 'missing', at: ['type'], level: 'info', data: { resource: "'oai'", wanted: "'owner'" },
        fixTitles: [SUPPRESS],
        fixes: [{ title: SUPPRESS, output: { suppress: { 'require-owner-tag': 'TODO: say why this is acceptable' } } }],
      }],
    },
    {
      name: 'tags without an owner: reported at the tags',
      tags: { env: 'prod' },
      errors: [{ messageId: 'missing', at: ['tags'], message: /has no owner tag \('owner'\)/ }],
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
        fixTitles: [SUPPRESS],
        fixes: [{
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
