// Workspace templates shared by the UI tests (test/e2e) and the extension-host suite (test/vscode).
// Plain strings, no dependency on the extension's code: the tests check the extension from the outside.

import * as fs from 'node:fs';
import * as path from 'node:path';

export const AI_TYPE = 'Microsoft.CognitiveServices/accounts';
export const RULE = 'restrict-outbound-network-access';
export const SOURCE = 'ai-egress-guard';
export const EXTENSION_ID = 'ai-egress-guard.ai-egress-guard';

const SCHEMA = 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#';

/** A strict-JSON ARM template with one AI services account (2-space indentation, like most real templates). */
export function armTemplate(name: string, properties: Record<string, unknown> = {}, extra: Record<string, unknown> = {}): string {
  const resource = {
    type: AI_TYPE,
    apiVersion: '2024-10-01',
    name,
    location: 'eastus',
    kind: 'OpenAI',
    sku: { name: 'S0' },
    ...extra,
    properties,
  };
  return `${JSON.stringify({ $schema: SCHEMA, contentVersion: '1.0.0.0', resources: [resource] }, null, 2)}\n`;
}

/** Every hardening the rules ask for, with the private endpoint and diagnostic settings: no finding of ours expected. */
export function hardenedTemplate(name: string): string {
  const template = JSON.parse(armTemplate(name, {
    restrictOutboundNetworkAccess: true,
    allowedFqdnList: ['mystorage.blob.core.windows.net'],
    publicNetworkAccess: 'Disabled',
    networkAcls: { defaultAction: 'Deny' },
  }, { tags: { owner: 'x' } }));
  const id = `[resourceId('${AI_TYPE}', '${name}')]`;
  template.parameters = { subnetId: { type: 'string' }, workspaceId: { type: 'string' } };
  template.resources.push({
    // The storage account the allow-list admits: a host of the deployment (no-unexplained-fqdns).
    type: 'Microsoft.Storage/storageAccounts', apiVersion: '2023-01-01', name: 'mystorage', location: 'eastus', sku: { name: 'Standard_LRS' }, kind: 'StorageV2',
  }, {
    type: 'Microsoft.Network/privateEndpoints', apiVersion: '2024-05-01', name: `${name}-pe`, location: 'eastus', dependsOn: [id],
    properties: {
      subnet: { id: "[parameters('subnetId')]" },
      privateLinkServiceConnections: [{ name: `${name}-pe`, properties: { privateLinkServiceId: id, groupIds: ['account'] } }],
    },
  }, {
    type: 'Microsoft.Insights/diagnosticSettings', apiVersion: '2021-05-01-preview', name: `${name}-logs`, scope: `${AI_TYPE}/${name}`, dependsOn: [id],
    properties: { workspaceId: "[parameters('workspaceId')]", logs: [{ category: 'Audit', enabled: true }, { category: 'RequestResponse', enabled: true }] },
  });
  return `${JSON.stringify(template, null, 2)}\n`;
}

export const BICEP_UNSAFE = `resource ai 'Microsoft.CognitiveServices/accounts@2024-10-01' = {
  name: 'bicep-unsafe'
  location: 'eastus'
  kind: 'OpenAI'
  sku: { name: 'S0' }
  properties: {}
}
`;

/** The files both suites start from: name → content. */
export const WORKSPACE_FILES: Record<string, string> = {
  'unsafe.json': armTemplate('openai-unsafe'),
  'hardened.json': hardenedTemplate('openai-hardened'),
  'never-opened.json': armTemplate('audit-only'),
  'rules-off.json': armTemplate('openai-rules-off'),
  // No owner tag: the e2e suite suppresses a finding with a reason and adds the owner tag here.
  'owner.json': armTemplate('openai-owner'),
  'main.bicep': BICEP_UNSAFE,
};

/** Writes WORKSPACE_FILES (those missing, unless `overwrite`) into `folder`. */
export function writeWorkspace(folder: string, overwrite = true): void {
  for (const [name, content] of Object.entries(WORKSPACE_FILES)) {
    const file = path.join(folder, name);
    if (!overwrite && fs.existsSync(file)) continue;
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, content);
  }
}

/** The expected quick-fix title for a resource (its start: the title goes on to say how many hosts it allows). */
export const restrictTitle = (name: string) => `Restrict outbound network access for '${name}'`;

export interface Manifest { contributes?: { languages?: { id?: string }[] }; activationEvents?: string[] }

/** Whether an extension manifest contributes the `bicep` language itself. */
export function contributesBicep(manifest: Manifest): boolean {
  return !!manifest.contributes?.languages?.some((l) => l.id === 'bicep');
}

/** Whether an extension manifest declares Bicep support (a `bicep` language, or activation on it). */
export function declaresBicep(manifest: Manifest): boolean {
  return contributesBicep(manifest) || !!manifest.activationEvents?.includes('onLanguage:bicep');
}
