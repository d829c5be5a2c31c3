// no-broad-outbound-rules: each case runs as ARM JSON and as Bicep (see test/support/ruleTester.ts).

import { rule } from '../../rules/no-broad-outbound-rules';
import { render, URIS } from '../support/render';
import { expr, marked, param, ruleTester, type TemplateSpec, type Val } from '../support/ruleTester';

const APPROVED = 'AllowOnlyApprovedOutbound';
const INTERNET = 'AllowInternetOutbound';
const FOUNDRY_API = '2025-10-01-preview';
const HUB = "workspace 'hub1'";

/** An FQDN outbound rule; the destination is marked with the rule's name. */
const fqdn = (name: string, destination: Val, extra: Record<string, Val> = {}) => ({ type: 'FQDN', destination: marked(name, destination), category: 'UserDefined', ...extra });
/** A hub workspace 'hub1' whose managed network holds the given outbound rules. */
const hub = (rules: Record<string, Val>, mode = APPROVED, params?: TemplateSpec['params']): TemplateSpec => ({
  type: 'Microsoft.MachineLearningServices/workspaces', apiVersion: '2024-10-01', resourceName: 'hub1', kind: 'Hub', params,
  properties: { managedNetwork: { isolationMode: mode, outboundRules: rules } },
});
const rules = (entries: [string, Val][]) => Object.fromEntries(entries.map(([name, destination]) => [name, fqdn(name, destination)]));

/** A Foundry account whose nested managed network holds two rules in its map and one as a nested outboundRules child. */
const foundry = (websites: Val): TemplateSpec => ({
  kind: 'AIServices', apiVersion: FOUNDRY_API, resourceName: 'contoso-ai',
  children: [{
    type: 'managedNetworks', apiVersion: FOUNDRY_API, name: 'default',
    properties: { managedNetwork: { isolationMode: APPROVED, outboundRules: { pytorch: { type: 'FQDN', destination: '*.pytorch.org' }, websites: { type: 'FQDN', destination: websites } } } },
    children: [{
      type: 'outboundRules', apiVersion: FOUNDRY_API, name: 'blob',
      properties: { type: 'FQDN', destination: marked('blob', expr({ arm: "format('contosodata.blob.{0}', environment().suffixes.storage)", bicep: "'contosodata.blob.${environment().suffixes.storage}'" })) },
    }],
  }],
});

/** The Bicep text with `#disable-next-line no-broad-outbound-rules` above the websites rule's destination. */
const withDisabled = (text: string) => {
  const line = /\n( *)destination: '\*\.azurewebsites\.net'/;
  if (!line.test(text)) throw new Error('no websites destination');
  return text.replace(line, (m, indent: string) => `\n${indent}#disable-next-line no-broad-outbound-rules${m}`);
};

/** Outbound rules declared as workspaces/outboundRules resources beside the hub. */
const ruleResource = (name: string, destination: string) => ({
  type: 'Microsoft.MachineLearningServices/workspaces/outboundRules', apiVersion: '2024-10-01', name, parent: 'ai',
  properties: { type: 'FQDN', destination: marked(name, destination), category: 'UserDefined' },
});

ruleTester(rule, {
  valid: [
    {
      name: "package-mirror wildcards the documentation recommends, exact hosts, one tenant's subdomains, port 443",
      ...hub(rules([
        ['pytorch', '*.pytorch.org'], ['anaconda', '*.anaconda.com'], ['conda', '*.anaconda.org'], ['pypi', 'pypi.org'], ['files', 'files.pythonhosted.org'],
        ['mine', '*.contoso.blob.core.windows.net'], ['hf', '*.huggingface.co'], ['https', 'example.com:443'],
      ]), INTERNET),
    },
    { name: "FQDN rules for storage in 'AllowInternetOutbound' mode", ...hub(rules([['data', 'contosodata.blob.core.windows.net'], ['lake', 'contosolake.dfs.core.windows.net']]), INTERNET) },
    { name: 'port ranges 80 and 443', ...hub({ web: fqdn('web', 'git.contoso.com', { portRanges: '80,443' }) }) },
    {
      name: 'private endpoint and service tag rules are left alone',
      ...hub({
        storage: { type: 'PrivateEndpoint', destination: { serviceResourceId: '/subscriptions/0/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/st', subresourceTarget: 'blob' } },
        aad: { type: 'ServiceTag', destination: { serviceTag: 'AzureActiveDirectory', protocol: 'TCP', portRanges: '*' } },
      }),
    },
    { name: 'a destination only known at deployment', ...hub({ x: { type: 'FQDN', destination: param('host') } }, APPROVED, { host: { type: 'string' } }) },
  ],
  invalid: [
    {
      name: 'every host, a public suffix and a multi-tenant Azure domain: warnings at the destination',
      ...hub(rules([
        ['all', '*'], ['com', '*.com'], ['couk', '*.co.uk'], ['blob', '*.blob.core.windows.net'], ['windows', '*.windows.net'],
        ['azure', '*.azure.com'], ['sites', '*.azurewebsites.net'], ['prefix', 'contoso*.blob.core.windows.net'], ['region', '*.eastus.cloudapp.azure.com'],
      ]), INTERNET),
      errors: [
        {
          messageId: 'anyHost', at: 'all', level: 'warning', resource: 'hub1', data: { rule: 'all', owner: HUB, destination: '*' },
          message: /^Outbound rule 'all' allows any host\. Its destination '\*' makes the approval list of the managed network of workspace 'hub1' meaningless/,
          fixTitles: ["Suppress no-broad-outbound-rules for 'hub1' (with a reason)"],
        },
        { messageId: 'publicSuffix', at: 'com', data: { suffix: 'com' }, message: /^Outbound rule 'com' allows a whole public suffix\. Its destination '\*\.com' \(in the managed network of workspace 'hub1'\) admits every site under '\.com'/ },
        { messageId: 'publicSuffix', at: 'couk', data: { suffix: 'co.uk' } },
        {
          messageId: 'multiTenant', at: 'blob', data: { domain: 'blob.core.windows.net' },
          message: /^Outbound rule 'blob' admits other customers' Azure resources\. Its destination '\*\.blob\.core\.windows\.net' \(in the managed network of workspace 'hub1'\) matches any tenant's hosts under blob\.core\.windows\.net/,
        },
        { messageId: 'multiTenant', at: 'windows' },
        { messageId: 'multiTenant', at: 'azure' },
        { messageId: 'multiTenant', at: 'sites' },
        { messageId: 'multiTenant', at: 'prefix' },
        { messageId: 'multiTenant', at: 'region' },
      ],
    },
    {
      name: "an FQDN rule for Azure Storage in 'AllowOnlyApprovedOutbound' mode needs a private endpoint rule instead",
      ...hub(rules([['data', 'contosodata.blob.core.windows.net'], ['lake', 'contosolake.dfs.core.windows.net']])),
      errors: [
        {
          messageId: 'storageFqdn', at: 'data', data: { rule: 'data', destination: 'contosodata.blob.core.windows.net' },
          message: /^Outbound rule 'data' reaches Azure Storage by FQDN\. In 'AllowOnlyApprovedOutbound' mode the documentation asks for a private endpoint rule/,
        },
        { messageId: 'storageFqdn', at: 'lake', data: { rule: 'lake' } },
      ],
    },
    { name: 'storage in the other clouds too', ...hub(rules([['gov', 'x.blob.core.usgovcloudapi.net']])), errors: [{ messageId: 'storageFqdn', at: 'gov' }] },
    {
      name: 'a wildcard over storage in approved-only mode is both',
      ...hub(rules([['any', '*.blob.core.windows.net']])),
      errors: [{ messageId: 'multiTenant', at: 'any' }, { messageId: 'storageFqdn', at: 'any' }],
    },
    {
      name: 'a port other than 80 and 443 in the destination',
      ...hub(rules([['ssh', 'git.contoso.com:22']])),
      errors: [{ messageId: 'unsupportedPort', at: 'ssh', data: { port: 'port 22', ports: '80 and 443' } }],
    },
    {
      name: 'ports other than 80 and 443 in portRanges: reported at the ranges',
      ...hub({ ranges: { type: 'FQDN', destination: 'git.contoso.com', portRanges: marked('ports', '443,8080,9000-9100') } }),
      errors: [{ messageId: 'unsupportedPort', at: 'ports', message: /^Outbound rule '[^']+' uses ports 8080, 9000-9100, which FQDN rules do not support\. FQDN rules allow ports 80 and 443 only: in the managed network of workspace 'hub1', / }],
    },
    {
      name: 'outbound rule resources (workspaces/outboundRules) take their mode from the workspace',
      ...hub({}),
      properties: { managedNetwork: { isolationMode: APPROVED } },
      resources: [ruleResource('storage', 'contosodata.blob.core.windows.net'), ruleResource('everything', '*')],
      errors: [
        { messageId: 'storageFqdn', at: 'storage', resource: { arm: 'hub1/storage', bicep: 'storage' }, data: { rule: 'storage', owner: HUB }, message: /^Outbound rule 'storage' reaches Azure Storage by FQDN\. .*\(in the managed network of workspace 'hub1'\)/ },
        { messageId: 'anyHost', at: 'everything', resource: { arm: 'hub1/everything', bicep: 'everything' }, data: { rule: 'everything' } },
      ],
    },
    {
      name: 'outbound rule resources of a hub whose network is a workspaces/managedNetworks child take their mode from the child',
      ...hub({}),
      properties: {},
      resources: [
        { type: 'Microsoft.MachineLearningServices/workspaces/managedNetworks', apiVersion: '2024-10-01', name: 'default', parent: 'ai', properties: { managedNetwork: { isolationMode: APPROVED } } },
        ruleResource('storage', 'contosodata.blob.core.windows.net'),
      ],
      errors: [{ messageId: 'storageFqdn', at: 'storage', data: { rule: 'storage', owner: HUB } }],
    },
    {
      name: "outbound rule resources of a Foundry managed network in 'AllowInternetOutbound' mode: broad ones only",
      kind: 'AIServices', apiVersion: FOUNDRY_API,
      resources: [
        { type: 'Microsoft.CognitiveServices/accounts/managedNetworks', apiVersion: FOUNDRY_API, name: 'default', symbol: 'network', parent: 'ai', properties: { managedNetwork: { isolationMode: INTERNET } } },
        { type: 'Microsoft.CognitiveServices/accounts/managedNetworks/outboundRules', apiVersion: FOUNDRY_API, name: 'data', parent: 'network', properties: { type: 'FQDN', destination: 'contosodata.blob.core.windows.net' } },
        { type: 'Microsoft.CognitiveServices/accounts/managedNetworks/outboundRules', apiVersion: FOUNDRY_API, name: 'all', parent: 'network', properties: { type: 'FQDN', destination: marked('all', '*') } },
      ],
      errors: [{ messageId: 'anyHost', at: 'all', data: { rule: 'all', owner: "Foundry account 'oai'" } }],
    },
    {
      name: 'a destination built by an expression is judged by its known text; the wildcard is reported at the literal that holds it',
      ...hub({ computed: { type: 'FQDN', destination: marked('computed', expr({ arm: "format('*.{0}', 'blob.core.windows.net')", bicep: "format('*.{0}', 'blob.core.windows.net')" })) } }),
      errors: [
        { messageId: 'storageFqdn', at: 'computed', data: { destination: '*.blob.core.windows.net' } },
        { messageId: 'multiTenant', arm: '20:39-20:46', bicep: '14:31-14:38', data: { destination: '*.blob.core.windows.net' } },
      ],
    },
    {
      name: 'the rules map of a Foundry managed network and its nested outboundRules children',
      ...foundry(marked('websites', '*.azurewebsites.net')),
      errors: [
        { messageId: 'multiTenant', at: 'websites', resource: 'default', message: /^Outbound rule 'websites' admits other customers' Azure resources\. .*\(in the managed network of Foundry account 'contoso-ai'\)/ },
        {
          messageId: 'storageFqdn', at: 'blob', resource: 'blob', data: { rule: 'blob', destination: 'contosodata.blob.core.windows.net' },
          message: /^Outbound rule 'blob' reaches Azure Storage by FQDN\. .*instead of 'contosodata\.blob\.core\.windows\.net' \(in the managed network of Foundry account 'contoso-ai'\)/,
        },
      ],
    },
    {
      name: "Bicep's #disable-next-line above the destination silences that one only",
      code: { bicep: withDisabled(render(foundry('*.azurewebsites.net'), 'bicep').files[URIS.bicep.template]) },
      errors: [{ messageId: 'storageFqdn', bicep: '33:22-33:74' }],
    },
  ],
});
