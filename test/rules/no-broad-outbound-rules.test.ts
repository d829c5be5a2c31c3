import assert from 'node:assert/strict';
import { test } from 'node:test';
import { lintRule, template, textAt, where } from '../support/lint';

const RULE = 'no-broad-outbound-rules';
const arm = (text: string, settings = {}) => lintRule(RULE, text, 'arm', {}, settings);
const bicep = (text: string) => lintRule(RULE, text, 'bicep');

/** A hub workspace (ARM) with a managed network holding the given outbound rules (JSON object members). */
const hub = (rules: string, mode = 'AllowOnlyApprovedOutbound') => template(`    {
      "type": "Microsoft.MachineLearningServices/workspaces",
      "apiVersion": "2024-10-01",
      "name": "hub1",
      "location": "eastus",
      "kind": "Hub",
      "properties": {
        "managedNetwork": {
          "isolationMode": "${mode}",
          "outboundRules": {
${rules}
          }
        }
      }
    }`);
const fqdn = (name: string, destination: string, extra = '') => `            "${name}": { "type": "FQDN", "destination": "${destination}", "category": "UserDefined"${extra} }`;
const found = (text: string, settings = {}) => arm(text, settings).map((f) => `${f.messageId} ${textAt(f)}`);

test('ARM: every host, a public suffix and a multi-tenant Azure domain are reported at the destination', () => {
  const text = hub([
    fqdn('all', '*'),
    fqdn('com', '*.com'),
    fqdn('couk', '*.co.uk'),
    fqdn('blob', '*.blob.core.windows.net'),
    fqdn('windows', '*.windows.net'),
    fqdn('azure', '*.azure.com'),
    fqdn('sites', '*.azurewebsites.net'),
    fqdn('prefix', 'contoso*.blob.core.windows.net'),
    fqdn('region', '*.eastus.cloudapp.azure.com'),
  ].join(',\n'), 'AllowInternetOutbound');
  assert.deepEqual(found(text), [
    'anyHost "*"',
    'publicSuffix "*.com"',
    'publicSuffix "*.co.uk"',
    'multiTenant "*.blob.core.windows.net"',
    'multiTenant "*.windows.net"',
    'multiTenant "*.azure.com"',
    'multiTenant "*.azurewebsites.net"',
    'multiTenant "contoso*.blob.core.windows.net"',
    'multiTenant "*.eastus.cloudapp.azure.com"',
  ]);
  const [all, com, , blob] = arm(text);
  assert.equal(all.level, 'warning');
  assert.equal(where(all), '15:53-15:56');
  assert.match(all.message, /^Outbound rule 'all' of workspace 'hub1' allows every host\./);
  assert.match(com.message, /^Outbound rule 'com' of workspace 'hub1' allows a whole public suffix\. '\*\.com' admits every site under '\.com'/);
  assert.match(blob.message, /^Outbound rule 'blob' of workspace 'hub1' admits other customers' Azure resources\. '\*\.blob\.core\.windows\.net' matches any tenant's hosts under blob\.core\.windows\.net/);
});

test('ARM: package-mirror wildcards the documentation recommends, exact hosts and one tenant\'s subdomains pass', () => {
  const text = hub([
    fqdn('pytorch', '*.pytorch.org'),
    fqdn('anaconda', '*.anaconda.com'),
    fqdn('conda', '*.anaconda.org'),
    fqdn('pypi', 'pypi.org'),
    fqdn('files', 'files.pythonhosted.org'),
    fqdn('mine', '*.contoso.blob.core.windows.net'),
    fqdn('hf', '*.huggingface.co'),
    fqdn('https', 'example.com:443'),
  ].join(',\n'), 'AllowInternetOutbound');
  assert.deepEqual(found(text), []);
});

test('ARM: an FQDN rule for Azure Storage in approved-only mode needs a private endpoint rule instead', () => {
  const rules = [fqdn('data', 'contosodata.blob.core.windows.net'), fqdn('lake', 'contosolake.dfs.core.windows.net')].join(',\n');
  const [f, g] = arm(hub(rules));
  assert.equal(f.messageId, 'storageFqdn');
  assert.equal(textAt(f), '"contosodata.blob.core.windows.net"');
  assert.match(f.message, /^Outbound rule 'data' of workspace 'hub1' is an FQDN rule for Azure Storage\. In 'AllowOnlyApprovedOutbound' mode the documentation asks for a private endpoint rule/);
  assert.equal(g.messageId, 'storageFqdn');
  // In the other clouds too; and not in internet mode, where FQDN rules do not apply the same way.
  assert.deepEqual(found(hub(fqdn('gov', 'x.blob.core.usgovcloudapi.net'))), ['storageFqdn "x.blob.core.usgovcloudapi.net"']);
  assert.deepEqual(found(hub(rules, 'AllowInternetOutbound')), []);
  // A wildcard over storage is both.
  assert.deepEqual(found(hub(fqdn('any', '*.blob.core.windows.net'))), ['multiTenant "*.blob.core.windows.net"', 'storageFqdn "*.blob.core.windows.net"']);
});

test('ARM: ports other than 80 and 443 are not supported on FQDN rules', () => {
  assert.deepEqual(found(hub(fqdn('ssh', 'git.contoso.com:22'))), ['unsupportedPort "git.contoso.com:22"']);
  const [f] = arm(hub(fqdn('ranges', 'git.contoso.com', ', "portRanges": "443,8080,9000-9100"')));
  assert.equal(f.messageId, 'unsupportedPort');
  assert.equal(textAt(f), '"443,8080,9000-9100"');
  assert.match(f.message, /uses ports 8080, 9000-9100, which FQDN rules do not support\. FQDN rules allow ports 80 and 443 only/);
  assert.deepEqual(found(hub(fqdn('web', 'git.contoso.com', ', "portRanges": "80,443"'))), []);
});

test('ARM: private endpoint and service tag rules are left alone', () => {
  const text = hub(`            "storage": { "type": "PrivateEndpoint", "destination": { "serviceResourceId": "/subscriptions/0/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/st", "subresourceTarget": "blob" } },
            "aad": { "type": "ServiceTag", "destination": { "serviceTag": "AzureActiveDirectory", "protocol": "TCP", "portRanges": "*" } }`);
  assert.deepEqual(found(text), []);
});

test('ARM: outbound rule resources (workspaces/outboundRules) take their mode from the workspace', () => {
  const text = template(`    {
      "type": "Microsoft.MachineLearningServices/workspaces",
      "apiVersion": "2024-10-01",
      "name": "hub1",
      "kind": "Hub",
      "properties": { "managedNetwork": { "isolationMode": "AllowOnlyApprovedOutbound" } }
    },
    {
      "type": "Microsoft.MachineLearningServices/workspaces/outboundRules",
      "apiVersion": "2024-10-01",
      "name": "hub1/storage",
      "properties": { "type": "FQDN", "destination": "contosodata.blob.core.windows.net", "category": "UserDefined" }
    },
    {
      "type": "Microsoft.MachineLearningServices/workspaces/outboundRules",
      "apiVersion": "2024-10-01",
      "name": "hub1/everything",
      "properties": { "type": "FQDN", "destination": "*", "category": "UserDefined" }
    }`);
  const findings = arm(text);
  assert.deepEqual(findings.map((f) => `${f.messageId} ${f.resource} ${textAt(f)}`), [
    'storageFqdn hub1/storage "contosodata.blob.core.windows.net"',
    'anyHost hub1/everything "*"',
  ]);
  assert.match(findings[0].message, /^Outbound rule 'storage' of workspace 'hub1' is an FQDN rule for Azure Storage/);
});

test('ARM: a destination built by an expression is judged by its known text', () => {
  const text = hub(fqdn('computed', "[format('*.{0}', 'blob.core.windows.net')]"));
  // The wildcard is reported at the literal inside the expression that holds it, after the whole value.
  assert.deepEqual(found(text), ['storageFqdn "[format(\'*.{0}\', \'blob.core.windows.net\')]"', "multiTenant '*.{0}'"]);
  const unknown = template(`    {
      "type": "Microsoft.MachineLearningServices/workspaces",
      "apiVersion": "2024-10-01",
      "name": "hub1",
      "kind": "Hub",
      "properties": { "managedNetwork": { "isolationMode": "AllowOnlyApprovedOutbound", "outboundRules": { "x": { "type": "FQDN", "destination": "[parameters('host')]" } } } }
    }`, `
  "parameters": { "host": { "type": "string" } },`);
  assert.deepEqual(found(unknown), []);
});

const BICEP = `resource foundry 'Microsoft.CognitiveServices/accounts@2025-10-01-preview' = {
  name: 'contoso-ai'
  kind: 'AIServices'
  properties: {}

  #disable-next-line BCP081
  resource network 'managedNetworks@2025-10-01-preview' = {
    name: 'default'
    properties: {
      managedNetwork: {
        isolationMode: 'AllowOnlyApprovedOutbound'
        outboundRules: {
          pytorch: {
            type: 'FQDN'
            destination: '*.pytorch.org'
          }
          websites: {
            type: 'FQDN'
            destination: '*.azurewebsites.net'
          }
        }
      }
    }

    #disable-next-line BCP081
    resource blob 'outboundRules@2025-10-01-preview' = {
      name: 'blob'
      properties: {
        type: 'FQDN'
        destination: 'contosodata.blob.\${environment().suffixes.storage}'
      }
    }
  }
}
`;

test('Bicep: the rules map of a Foundry managed network and its outboundRules children', () => {
  const findings = bicep(BICEP);
  assert.deepEqual(findings.map((f) => `${f.messageId} ${where(f)} ${textAt(f)}`), [
    "multiTenant 19:26-19:47 '*.azurewebsites.net'",
    "storageFqdn 30:22-30:74 'contosodata.blob.${environment().suffixes.storage}'",
  ]);
  assert.match(findings[0].message, /^Outbound rule 'websites' of Foundry account 'contoso-ai' admits other customers' Azure resources\./);
  assert.match(findings[1].message, /^Outbound rule 'blob' of Foundry account 'contoso-ai' is an FQDN rule for Azure Storage\. .*instead \('contosodata\.blob\.core\.windows\.net'\)/);
});

test('Bicep: #disable-next-line above the destination silences it', () => {
  const text = BICEP.replace("            destination: '*.azurewebsites.net'", "            #disable-next-line no-broad-outbound-rules\n            destination: '*.azurewebsites.net'");
  assert.deepEqual(bicep(text).map((f) => f.messageId), ['storageFqdn']);
});
