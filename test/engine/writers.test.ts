// Fix values that are expressions, written by the ARM and the Bicep writer: exact text, files that parse, and
// values that evaluate to the intended host.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseTree, type ParseError } from 'jsonc-parser';
import { createRule, type Rule } from '../../rules/rule';
import { setSetting } from '../../rules/support/values';
import { analyze } from '../../server/src/engine/analyze';
import { parseBicep } from '../../server/src/engine/bicep/parser';
import { mergeSettings } from '../../server/src/engine/config';
import { applyFileEdits, editsFor } from '../../server/src/engine/edits';
import { expressionValue } from '../../server/src/engine/fixes';
import type { FileKind } from '../../server/src/engine/model';

const BLOB_HOST = "format('{0}.blob.{1}', parameters('st'), environment().suffixes.storage)";

/** Sets the allow-list to a literal host and a storage account's blob host, written as an expression. */
const allowStorage = createRule({
  id: 'test-allow-storage',
  defaultLevel: 'warning',
  fixable: true,
  description: 'Test rule.',
  messages: { m: 'allow storage' },
  check: (resource) => [{
    at: resource.typeLoc,
    messageId: 'm',
    fixes: () => [{
      title: 'allow storage',
      safe: true,
      changes: [setSetting(resource, ['properties', 'allowedFqdnList'], ['contoso.vault.azure.net', expressionValue(BLOB_HOST)])],
    }],
  }],
});

/** Reports the allow-list as evaluated. */
const readList = createRule({
  id: 'test-read-list',
  defaultLevel: 'info',
  description: 'Test rule.',
  messages: { list: '{{list}}' },
  check: (resource) => [{ at: resource.typeLoc, messageId: 'list', data: { list: JSON.stringify(resource.properties?.member('allowedFqdnList')?.value) } }],
});

function run(text: string, kind: FileKind, rules: readonly Rule[], cloud: 'AzureCloud' | 'AzureUSGovernment' = 'AzureCloud') {
  return analyze({ uri: `file:///w/main.${kind === 'arm' ? 'json' : 'bicep'}`, text, kind }, { settings: mergeSettings({ cloud }), rules });
}

function fixed(text: string, kind: FileKind): string {
  const [finding] = run(text, kind, [allowStorage]).findings;
  return applyFileEdits(text, editsFor([finding.fixes[0]], () => text));
}

function evaluatedList(text: string, kind: FileKind, cloud: 'AzureCloud' | 'AzureUSGovernment'): unknown {
  return JSON.parse(run(text, kind, [readList], cloud).findings[0].messageText);
}

test('ARM: an expression host is written as an ARM expression string', () => {
  const text = `{
  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
  "contentVersion": "1.0.0.0",
  "parameters": { "st": { "type": "string", "defaultValue": "contosodocs" } },
  "resources": [
    {
      "type": "Microsoft.CognitiveServices/accounts",
      "apiVersion": "2024-10-01",
      "name": "oai",
      "kind": "OpenAI",
      "properties": {
        "restrictOutboundNetworkAccess": true
      }
    }
  ]
}
`;
  const after = fixed(text, 'arm');
  assert.equal(after, text.replace('"restrictOutboundNetworkAccess": true\n', `"restrictOutboundNetworkAccess": true,
        "allowedFqdnList": [
          "contoso.vault.azure.net",
          "[format('{0}.blob.{1}', parameters('st'), environment().suffixes.storage)]"
        ]
`));
  const errors: ParseError[] = [];
  parseTree(after, errors);
  assert.deepEqual(errors, []);
  assert.deepEqual(evaluatedList(after, 'arm', 'AzureCloud'), ['contoso.vault.azure.net', 'contosodocs.blob.core.windows.net']);
  assert.deepEqual(evaluatedList(after, 'arm', 'AzureUSGovernment'), ['contoso.vault.azure.net', 'contosodocs.blob.core.usgovcloudapi.net']);
});

test('Bicep: an expression host is written as an interpolated string', () => {
  const text = `param st string = 'contosodocs'

resource ai 'Microsoft.CognitiveServices/accounts@2024-10-01' = {
  name: 'oai'
  kind: 'OpenAI'
  properties: {
    restrictOutboundNetworkAccess: true
    allowedFqdnList: [
      '*.blob.core.windows.net'
    ]
  }
}
`;
  const after = fixed(text, 'bicep');
  assert.equal(after, text.replace(`    allowedFqdnList: [
      '*.blob.core.windows.net'
    ]`, `    allowedFqdnList: [
      'contoso.vault.azure.net'
      '\${st}.blob.\${environment().suffixes.storage}'
    ]`));
  assert.deepEqual(parseBicep(after).diagnostics, []);
  assert.deepEqual(evaluatedList(after, 'bicep', 'AzureCloud'), ['contoso.vault.azure.net', 'contosodocs.blob.core.windows.net']);
  assert.deepEqual(evaluatedList(after, 'bicep', 'AzureUSGovernment'), ['contoso.vault.azure.net', 'contosodocs.blob.core.usgovcloudapi.net']);
});
