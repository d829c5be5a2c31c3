// restrict-managed-network-outbound: each case runs as ARM JSON and as Bicep (see test/support/ruleTester.ts).

import { rule } from '../../rules/restrict-managed-network-outbound';
import { marked, param, ruleTester, type TemplateSpec, type Val } from '../support/ruleTester';

const APPROVED = 'AllowOnlyApprovedOutbound';
const INTERNET = 'AllowInternetOutbound';
const FOUNDRY_API = '2025-10-01-preview';
const SET_FOUNDRY = "Set the isolation mode of Foundry account 'oai' to 'AllowOnlyApprovedOutbound'";
const SET_HUB = "Set the isolation mode of workspace 'hub1' to 'AllowOnlyApprovedOutbound'";

/** The settings of a managed network with the given isolation mode. */
const settings = (mode: Val) => ({ managedNetwork: { isolationMode: mode, firewallSku: 'Standard', managedNetworkKind: 'V2' } });
/** A Foundry account (kind AIServices) and its managed network `default`, declared beside it with its parent. */
const foundry = (mode: Val, extra: Partial<TemplateSpec> = {}): TemplateSpec => ({
  kind: 'AIServices', apiVersion: FOUNDRY_API,
  resources: [{ type: 'Microsoft.CognitiveServices/accounts/managedNetworks', apiVersion: FOUNDRY_API, name: 'default', parent: 'ai', properties: settings(mode) }],
  ...extra,
});
/** The same network nested in the account (ARM `resources`, a Bicep nested declaration). */
const nested = (mode: Val): TemplateSpec => ({
  kind: 'AIServices', apiVersion: FOUNDRY_API,
  children: [{ type: 'managedNetworks', apiVersion: FOUNDRY_API, name: 'default', properties: settings(mode) }],
});
/** An Azure Machine Learning / Foundry hub workspace 'hub1' of the given kind. */
const workspace = (kind: string, properties: Val, extra: Partial<TemplateSpec> = {}): TemplateSpec => ({
  type: 'Microsoft.MachineLearningServices/workspaces', apiVersion: '2024-10-01', resourceName: 'hub1', kind, properties, ...extra,
});
const hubMode = (mode: Val) => ({ managedNetwork: { isolationMode: mode } });
/** A hub whose network is a workspaces/managedNetworks child. */
const hubWithChild = (mode: Val) => workspace('Hub', {}, {
  resources: [{ type: 'Microsoft.MachineLearningServices/workspaces/managedNetworks', apiVersion: '2024-10-01', name: 'default', parent: 'ai', properties: hubMode(mode) }],
});

ruleTester(rule, {
  valid: [
    { name: "a Foundry managed network in 'AllowOnlyApprovedOutbound' mode", ...foundry(APPROVED) },
    { name: 'the mode compared case-insensitively', ...foundry('allowonlyapprovedoutbound') },
    { name: "a Foundry managed network in 'Disabled' mode (no managed network: the account's own settings apply)", ...foundry('Disabled') },
    { name: 'a nested Foundry managed network in approved-only mode', ...nested(APPROVED) },
    { name: 'a Foundry account without a managed network', kind: 'AIServices', apiVersion: FOUNDRY_API },
    { name: 'a hub in approved-only mode', ...workspace('Hub', hubMode(APPROVED)) },
    { name: 'a hub whose workspaces/managedNetworks child is approved-only', ...hubWithChild(APPROVED) },
    { name: 'a default workspace without a managed network', ...workspace('Default', {}) },
    { name: "a project (it uses its hub's network)", ...workspace('Project', { hubResourceId: 'x' }) },
    {
      name: 'network injection (an agent subnet) alone reports nothing',
      kind: 'AIServices', apiVersion: '2025-04-01-preview',
      params: { agentSubnetId: { type: 'string' } },
      properties: { networkInjections: [{ scenario: 'agent', subnetArmId: param('agentSubnetId'), useMicrosoftManagedNetwork: false }] },
    },
    {
      name: "the suppression in the managed network resource's ARM metadata",
      only: 'arm',
      ...foundry(INTERNET),
      resources: [{ type: 'Microsoft.CognitiveServices/accounts/managedNetworks', apiVersion: FOUNDRY_API, name: 'default', parent: 'ai', suppress: { 'restrict-managed-network-outbound': 'sandbox' }, properties: settings(INTERNET) }],
    },
    {
      name: "Bicep's #disable-next-line above the mode",
      code: {
        bicep: `resource foundry 'Microsoft.CognitiveServices/accounts@2025-10-01-preview' = {
  name: 'contoso-ai'
  kind: 'AIServices'
  properties: {}

  resource network 'managedNetworks@2025-10-01-preview' = {
    name: 'default'
    properties: {
      managedNetwork: {
        #disable-next-line restrict-managed-network-outbound
        isolationMode: 'AllowInternetOutbound'
      }
    }
  }
}
`,
      },
    },
  ],
  invalid: [
    {
      name: 'a Foundry managed network allowing internet outbound: a warning at the mode; the fix sets approved-only there (not safe)',
      ...foundry(marked('mode', INTERNET)),
      errors: [{
        messageId: 'internetOutbound', at: 'mode', level: 'warning', resource: { arm: 'oai/default', bicep: 'default' }, data: { owner: "Foundry account 'oai'", origin: '' },
        message: /^The managed network of Foundry account 'oai' can reach any host\. Its isolationMode is 'AllowInternetOutbound', so compute and agents can call anywhere: set it to 'AllowOnlyApprovedOutbound'.*the mode cannot be switched back\.$/,
        fixes: [{ title: SET_FOUNDRY, safe: false, output: foundry(APPROVED) }],
      }],
    },
    {
      name: 'a managed network nested in the Foundry account',
      ...nested(marked('mode', INTERNET)),
      errors: [{
        messageId: 'internetOutbound', at: 'mode', resource: 'default', data: { owner: "Foundry account 'oai'" },
        fixTitles: [SET_FOUNDRY, "Suppress restrict-managed-network-outbound for 'default' (with a reason)"],
        fixes: [{ title: SET_FOUNDRY, output: nested(APPROVED) }],
      }],
    },
    {
      name: 'the managed network of an existing Foundry account',
      ...foundry(marked('mode', INTERNET), { existing: true }),
      errors: [{ messageId: 'internetOutbound', at: 'mode', data: { owner: "Foundry account 'oai'" }, fixes: [{ title: SET_FOUNDRY, output: foundry(APPROVED, { existing: true }) }] }],
    },
    {
      name: 'the mode from a parameter default: reported at the use, naming it; the fix changes the default',
      params: { mode: { type: 'string', default: INTERNET } },
      ...foundry(marked('mode', param('mode'))),
      errors: [{
        messageId: 'internetOutbound', at: 'mode', data: { origin: " (set by the default of parameter 'mode')" },
        message: /isolationMode is 'AllowInternetOutbound' \(set by the default of parameter 'mode'\)/,
        fixes: [{ index: 0, title: "Set the isolation mode of Foundry account 'oai'", output: { params: { mode: { type: 'string', default: APPROVED } } } }],
      }],
    },
    {
      name: 'the mode from a parameter without a value cannot be verified (info)',
      params: { mode: { type: 'string' } },
      ...foundry(marked('mode', param('mode'))),
      errors: [{ messageId: 'unverifiable', at: 'mode', level: 'info', message: /^The isolation mode of Foundry account 'oai' cannot be verified\. isolationMode cannot be evaluated: .*parameter 'mode'/ }],
    },
    {
      name: 'an ML hub workspace allowing internet outbound',
      ...workspace('Hub', hubMode(marked('mode', INTERNET))),
      errors: [{
        messageId: 'internetOutbound', at: 'mode', level: 'warning', resource: 'hub1', data: { owner: "workspace 'hub1'" },
        message: /^The managed network of workspace 'hub1' can reach any host\./,
        fixes: [{ title: SET_HUB, output: workspace('Hub', hubMode(APPROVED)) }],
      }],
    },
    {
      name: 'a default workspace allowing internet outbound: whatever its kind',
      ...workspace('Default', hubMode(marked('mode', INTERNET))),
      errors: [{ messageId: 'internetOutbound', at: 'mode', level: 'warning' }],
    },
    {
      name: 'a hub with no managed network: info at its kind; the fix adds one in approved-only mode',
      ...workspace('Hub', { friendlyName: 'hub' }),
      errors: [{
        messageId: 'hubWithoutManagedNetwork', at: ['kind'], level: 'info', data: { owner: "workspace 'hub1'", detail: 'It declares no managedNetwork' },
        message: /^Hub workspace 'hub1' has no managed network\. It declares no managedNetwork: .*egress is governed by that network, not by the hub\./,
        fixes: [{ title: SET_HUB, safe: false, output: workspace('Hub', { friendlyName: 'hub', managedNetwork: { isolationMode: APPROVED } }) }],
      }],
    },
    {
      name: "a hub whose managed network is 'Disabled': the fix sets the mode",
      ...workspace('Hub', hubMode('Disabled')),
      errors: [{ messageId: 'hubWithoutManagedNetwork', at: ['kind'], level: 'info', data: { detail: "Its isolationMode is 'Disabled'" }, fixes: [{ title: SET_HUB, output: workspace('Hub', hubMode(APPROVED)) }] }],
    },
    {
      name: 'a hub (kind in any case) whose managed network sets no mode',
      ...workspace('hub', { managedNetwork: { firewallSku: 'Basic' } }),
      errors: [{
        messageId: 'hubWithoutManagedNetwork', at: ['kind'], data: { detail: 'Its managedNetwork sets no isolationMode, so it is Disabled' },
        fixes: [{ title: SET_HUB, output: workspace('hub', { managedNetwork: { firewallSku: 'Basic', isolationMode: APPROVED } }) }],
      }],
    },
    {
      name: 'a hub whose network is a workspaces/managedNetworks child: checked at the child',
      ...hubWithChild(marked('mode', INTERNET)),
      errors: [{ messageId: 'internetOutbound', at: 'mode', resource: { arm: 'hub1/default', bicep: 'default' }, message: /^The managed network of workspace 'hub1'/, fixes: [{ title: SET_HUB, output: hubWithChild(APPROVED) }] }],
    },
  ],
});
