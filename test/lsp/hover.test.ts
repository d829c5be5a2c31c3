// Hover over the real LSP: on an AI account's type or name, its egress posture (ARM and Bicep); elsewhere, nothing.

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import type { Hover } from 'vscode-languageserver-protocol';
import { serverForFile, TestClient } from '../support/lspClient';
import { NETWORK_ARM, networkBicep } from '../support/network';
import { EXAMPLES } from '../support/paths';

let client!: TestClient;
serverForFile((c) => (client = c));

function hover(uri: string, line: number, character: number): Promise<Hover | null> {
  return client.connection.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line, character } }) as Promise<Hover | null>;
}

test('initialize announces hovers', async () => {
  const probe = new TestClient();
  const result = await probe.initialize() as { capabilities: { hoverProvider?: boolean } };
  await probe.stop();
  assert.equal(result.capabilities.hoverProvider, true);
});

test('ARM: hover on the account type shows the egress: restricted, each entry and why, each missing dependency', async () => {
  const file = path.join(EXAMPLES, 'arm', 'on-your-data.json');
  const uri = pathToFileURL(file).href;
  await client.open(uri, fs.readFileSync(file, 'utf8'));
  await client.waitForDiagnostics(uri, (d) => d.length > 0);
  const h = await hover(uri, 27, 20);
  assert.deepEqual(h, {
    contents: {
      kind: 'markdown',
      value: `**AI service 'contoso-rag-openai'**: outbound access restricted to allowedFqdnList

Allowed hosts:
- \`contosoragdocs.blob.core.windows.net\`: dependency, admits 'contosoragdocs.blob.core.windows.net' (the managed identity of the service has Storage Blob Data Reader on storage account 'contosoragdocs')
- \`api.old-partner.example\`: unexplained, nothing in the template uses it

Missing dependencies:
- \`contoso-rag-search.search.windows.net\`: Microsoft.Search/searchServices 'contoso-rag-search', because the managed identity of the service has Search Index Data Reader on search service 'contoso-rag-search'

Network:
- managed network: none
- private endpoints: none
- diagnostic logs: no diagnostic settings`,
    },
    // The account's type, as written.
    range: { start: { line: 27, character: 14 }, end: { line: 27, character: 52 } },
  });
  // On the search service (not an AI service) and on the account's properties: nothing.
  assert.equal(await hover(uri, 12, 20), null);
  assert.equal(await hover(uri, 36, 12), null);
});

const BICEP = `param searchName string = 'srch'
resource search 'Microsoft.Search/searchServices@2023-11-01' = {
  name: searchName
  location: 'eastus'
}
resource ai 'Microsoft.CognitiveServices/accounts@2025-06-01' = {
  name: 'ai'
  location: 'eastus'
  kind: 'AIServices'
  identity: { type: 'SystemAssigned' }
  properties: {
    customSubDomainName: 'ai'
    publicNetworkAccess: 'Disabled'
  }
}
resource ra 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid('ra')
  scope: search
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '1407120a-92aa-4202-b7e9-c0e197c71c8f')
    principalId: ai.identity.principalId
  }
}
`;

test('Bicep: hover on the account name of an unrestricted service shows the hosts a restriction must allow', async () => {
  const uri = 'file:///lsp-hover/main.bicep';
  await client.open(uri, BICEP, 'bicep');
  await client.waitForDiagnostics(uri, (d) => d.length > 0);
  const value = `**AI service 'ai'**: outbound access NOT restricted (any host on the internet)

allowedFqdnList: not set

Dependencies (to allow when restricting):
- \`srch.search.windows.net\`: Microsoft.Search/searchServices 'srch', because the managed identity of the service has Search Index Data Reader on search service 'srch'

Network:
- managed network: none
- private endpoints: none
- diagnostic logs: no diagnostic settings`;
  assert.deepEqual(await hover(uri, 6, 9), { contents: { kind: 'markdown', value }, range: { start: { line: 6, character: 8 }, end: { line: 6, character: 12 } } });
  assert.deepEqual(await hover(uri, 5, 20), { contents: { kind: 'markdown', value }, range: { start: { line: 5, character: 12 }, end: { line: 5, character: 61 } } });
  assert.equal(await hover(uri, 1, 20), null, 'the search service');
});

// The account's network (issue 13) in its hover: managed network mode, the private endpoints that target it, its
// diagnostic logs and the subnet its agents' traffic goes through.
/** The hover of 'contoso-ai' (restricted, nothing allowed, no dependency) with these lines under "Network:". */
const networkHover = (...network: string[]) => `**AI service 'contoso-ai'**: outbound access restricted to allowedFqdnList

Allowed hosts: none (no outbound connection at all)

No dependency seen in the template.

Network:
${network.map((line) => `- ${line}`).join('\n')}`;

test('ARM: the hover shows the network: managed network mode, private endpoints, logs sent, the agent subnet', async () => {
  const uri = 'file:///lsp-hover/network.json';
  await client.open(uri, NETWORK_ARM);
  await client.waitForDiagnostics(uri, (d) => d.length > 0);
  const line = NETWORK_ARM.split('\n').findIndex((l) => l.includes('"Microsoft.CognitiveServices/accounts"'));
  const h = await hover(uri, line, 20);
  assert.equal((h?.contents as { value: string }).value, networkHover(
    'managed network: `AllowInternetOutbound`',
    'private endpoints: `pe-contoso-ai` (`westeurope`)',
    'diagnostic logs: Audit and RequestResponse sent (settings `to-law`)',
    "agent subnet: agent traffic goes through subnet `(parameter 'agentSubnetId')`",
  ));
});

const NETWORK_BICEP = networkBicep({ params: 'param vnetId string', name: "'contoso-ai'", subnet: 'vnetId', mode: "'AllowOnlyApprovedOutbound'", endpoint: "'pe-contoso-ai'" });

test('Bicep: the hover shows the network: managed network mode, private endpoints, the logs not sent, the agent subnet', async () => {
  const uri = 'file:///lsp-hover/network.bicep';
  await client.open(uri, NETWORK_BICEP, 'bicep');
  await client.waitForDiagnostics(uri, (d) => d.length > 0);
  const h = await hover(uri, 2, 10);
  assert.deepEqual(h?.range, { start: { line: 2, character: 8 }, end: { line: 2, character: 20 } });
  assert.equal((h?.contents as { value: string }).value, networkHover(
    'managed network: `AllowOnlyApprovedOutbound`',
    'private endpoints: `pe-contoso-ai` (`eastus`)',
    'diagnostic logs: RequestResponse not sent (settings `to-law`)',
    'agent subnet: agent traffic goes through subnet `{…}/subnets/agents`',
  ));
});
