// The Azure Policy counterpart of the rules: custom definitions written from the same rules and
// configuration the linter uses, the built-ins worth assigning beside them, and the initiative that
// groups both. Pure data in, data out; generate.ts turns it into files.

import { ruleById, type LevelSetting } from '../../../rules';
import { SUPPORTED_KINDS } from '../../../rules/restrict-outbound-network-access';
import { approvedFqdnsOf, ownerTagNamesOf, type Settings } from '../engine/config';
import { AI_ACCOUNT_TYPE, ALIAS, FOUNDRY_MANAGED_NETWORK_TYPE, FOUNDRY_OUTBOUND_RULE_TYPE, WORKSPACE_OUTBOUND_RULE_TYPE, WORKSPACE_TYPE } from './aliases';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

/** The effect asked for (`--effect`): Audit first, then Deny. */
export type Effect = 'Audit' | 'Deny';
export const EFFECTS: readonly string[] = ['Audit', 'Deny', 'Disabled'];

export const CATEGORY = 'Cognitive Services';
export const INITIATIVE_NAME = 'ai-egress-guard';
/** Definition names are this prefix and the rule id: an exemption names the rule as the linter does. */
export const DEFINITION_PREFIX = 'ai-egress-guard-';

export interface ParameterSpec extends JsonObject {
  type: 'String' | 'Array';
  metadata: { displayName: string; description: string };
}

export interface PolicyDefinition {
  readonly name: string;
  readonly type: 'Microsoft.Authorization/policyDefinitions';
  readonly properties: {
    readonly displayName: string;
    readonly policyType: 'Custom';
    /** Indexed for AI accounts (tracked resources); All for child resources, which Indexed mode does not evaluate. */
    readonly mode: 'Indexed' | 'All';
    readonly description: string;
    readonly metadata: { readonly version: string; readonly category: string; readonly nonComplianceMessage: string; readonly aiEgressGuard: { readonly ruleId: string } };
    readonly parameters: Readonly<Record<string, ParameterSpec>>;
    readonly policyRule: { readonly if: JsonObject; readonly then: { readonly effect: string } };
  };
}

/** One member of the initiative: a custom definition of ours, or a built-in by id. */
export interface Member {
  /** The linter rule it enforces. */
  readonly ruleId: string;
  /**
   * The initiative's policyDefinitionReferenceId (exemptions name it): the rule id, or for a second member of
   * the same rule the rule id and what it covers (`restrict-managed-network-outbound-foundry`).
   */
  readonly referenceId: string;
  /** The resource types it evaluates. */
  readonly resourceTypes: readonly string[];
  readonly definition?: PolicyDefinition;
  readonly builtIn?: BuiltIn;
  /** Definition parameter → the initiative parameter passed to it. */
  readonly parameters: Readonly<Record<string, string>>;
  readonly nonComplianceMessage: string;
}

export interface BuiltIn {
  readonly id: string;
  readonly displayName: string;
  /** Its effect parameter's allowed values, as published. */
  readonly effects: readonly string[];
  /** The resource types its rule evaluates. */
  readonly resourceTypes: readonly string[];
}

export interface PolicySet {
  readonly effect: Effect;
  readonly definitions: readonly PolicyDefinition[];
  readonly members: readonly Member[];
  readonly initiative: {
    readonly name: string;
    readonly displayName: string;
    readonly description: string;
    readonly metadata: { readonly version: string; readonly category: string };
    readonly parameters: Readonly<Record<string, ParameterSpec>>;
  };
  /** Rules with a policy counterpart that the config turns off, and rules policy cannot check, with why. */
  readonly leftOut: readonly { readonly ruleId: string; readonly reason: string }[];
}

/** Built-ins referenced by id (Azure/azure-policy built-in-policies; see docs/enforcing-in-azure.md). */
export const BUILT_INS = {
  publicNetworkAccess: { id: '0725b4dd-7e76-479c-a735-68e7ee23d5ca', displayName: 'Cognitive Services accounts should disable public network access', effects: ['Audit', 'Deny', 'Disabled'], resourceTypes: [AI_ACCOUNT_TYPE] },
  privateLink: { id: 'd6759c02-b87f-42b7-892e-71b3f471d782', displayName: 'Azure AI Services resources should use Azure Private Link', effects: ['Audit', 'Disabled'], resourceTypes: [AI_ACCOUNT_TYPE] },
  diagnosticLogs: { id: '1b4d1c4e-934c-4703-944c-27c82c06bebb', displayName: 'Diagnostic logs in Azure AI services resources should be enabled', effects: ['AuditIfNotExists', 'Disabled'], resourceTypes: [AI_ACCOUNT_TYPE] },
  // Azure/azure-policy built-in-policies/policyDefinitions/Machine Learning/ManagedNetworkIsolationMode_Audit.json
  // (1.0.0, Indexed): non-compliant when a workspace's managedNetwork.isolationMode is not its `isolationMode`
  // parameter, whose default is Disabled. Assigned with the default it is inverted (it flags every workspace but an
  // explicitly Disabled one, approved-only ones included), so the initiative passes AllowOnlyApprovedOutbound
  // (parameter managedNetworkIsolationMode).
  managedNetwork: { id: '6ddb1705-c8cf-450e-aa4b-19ad6703c440', displayName: 'Azure Machine Learning and AI Studio should use Allow Only Approved Outbound Managed Vnet mode', effects: ['Audit', 'Deny', 'Disabled'], resourceTypes: [WORKSPACE_TYPE] },
} as const satisfies Record<string, BuiltIn>;

/** The isolation mode the managed network definitions require. */
export const APPROVED_ONLY = 'AllowOnlyApprovedOutbound';

export function builtInDefinitionId(id: string): string {
  return `/providers/Microsoft.Authorization/policyDefinitions/${id}`;
}

/** Rules that policy cannot check, and why (the docs page lists the same). */
export const NOT_ENFORCEABLE: Readonly<Record<string, string>> = {
  'valid-allowed-fqdns': 'host name syntax is beyond the policy language; the resource provider rejects malformed entries itself',
  'no-duplicate-fqdns': 'the policy language cannot compare list entries with each other',
  'use-egress-capable-api-version': 'policy sees the resource, not the API version of the request',
  'allow-required-fqdns': 'policy sees one resource at a time, not the dependencies a template declares',
};

export const RULES = {
  restrict: 'restrict-outbound-network-access',
  wildcard: 'no-wildcard-fqdns',
  approved: 'no-unexplained-fqdns',
  owner: 'require-owner-tag',
  publicNetworkAccess: 'disable-public-network-access',
  privateLink: 'use-private-endpoint',
  diagnosticLogs: 'enable-diagnostic-logs',
  managedNetwork: 'restrict-managed-network-outbound',
  outboundRules: 'no-broad-outbound-rules',
} as const;

export function levelOf(settings: Settings, ruleId: string): LevelSetting {
  return settings.rules[ruleId] ?? ruleById.get(ruleId)?.defaultLevel ?? 'warning';
}

export { ownerTagNamesOf };

const EFFECT_PARAMETER: ParameterSpec = {
  type: 'String',
  metadata: { displayName: 'Effect', description: 'Audit reports non-compliant accounts; Deny also blocks deployments that create or change one; Disabled turns the definition off.' },
  allowedValues: [...EFFECTS],
};

const parameterRef = (name: string) => `[parameters('${name}')]`;

/** Whether `--effect Deny` denies a rule's definition: only for rules the linter reports at warning or error. */
function effectFor(level: LevelSetting, effect: Effect): Effect {
  return level === 'info' ? 'Audit' : effect;
}

function definition(ruleId: string, spec: {
  displayName: string; description: string; nonComplianceMessage: string;
  parameters: Record<string, ParameterSpec>; condition: JsonObject[]; effect: Effect;
  /** The resource types it evaluates (default: AI accounts); child resources need mode All. */
  types?: readonly string[];
}): PolicyDefinition {
  const types = spec.types ?? [AI_ACCOUNT_TYPE];
  const target: JsonObject = types.length === 1 ? { field: 'type', equals: types[0] } : { field: 'type', in: [...types] };
  return {
    name: `${DEFINITION_PREFIX}${ruleId}`,
    type: 'Microsoft.Authorization/policyDefinitions',
    properties: {
      displayName: spec.displayName,
      policyType: 'Custom',
      mode: types.every((t) => t.split('/').length === 2) ? 'Indexed' : 'All',
      description: spec.description,
      metadata: { version: '1.0.0', category: CATEGORY, nonComplianceMessage: spec.nonComplianceMessage, aiEgressGuard: { ruleId } },
      parameters: { effect: { ...EFFECT_PARAMETER, defaultValue: spec.effect }, ...spec.parameters },
      policyRule: {
        if: { allOf: [target, ...spec.condition] },
        then: { effect: parameterRef('effect') },
      },
    },
  };
}

const DENIED = 'AI Egress Guard policy:';

/** Builds the definitions and the initiative for a configuration. Same settings, same result. */
export function buildPolicySet(settings: Settings, effect: Effect = 'Audit'): PolicySet {
  const definitions: PolicyDefinition[] = [];
  const members: Member[] = [];
  const initiativeParameters: Record<string, ParameterSpec> = {};
  const leftOut: { ruleId: string; reason: string }[] = [];
  const included = (ruleId: string) => {
    if (levelOf(settings, ruleId) !== 'off') return true;
    leftOut.push({ ruleId, reason: 'turned off in the configuration' });
    return false;
  };
  /** The initiative's effect parameter for a rule level: `effect` (warning, error) or `advisoryEffect` (info). */
  const effectParameter = (ruleId: string): string => {
    const advisory = levelOf(settings, ruleId) === 'info';
    const name = advisory ? 'advisoryEffect' : 'effect';
    initiativeParameters[name] ??= {
      ...EFFECT_PARAMETER,
      metadata: advisory
        ? { displayName: 'Effect of advisory definitions', description: 'Effect of the definitions whose linter rules are at level info (advisory): Audit unless you raise the rule\'s level or choose Deny here.' }
        : { displayName: 'Effect', description: 'Effect of the definitions whose linter rules are at level warning or error: Audit first, then Deny once the audit is clean.' },
      defaultValue: advisory ? 'Audit' : effect,
    };
    return name;
  };
  const addCustom = (def: PolicyDefinition, parameters: Record<string, string>, types: readonly string[] = [AI_ACCOUNT_TYPE], referenceSuffix = '') => {
    definitions.push(def);
    const ruleId = def.properties.metadata.aiEgressGuard.ruleId;
    members.push({ ruleId, referenceId: `${ruleId}${referenceSuffix}`, resourceTypes: types, definition: def, parameters, nonComplianceMessage: def.properties.metadata.nonComplianceMessage });
  };
  const isolationModeParameter = (): string => {
    initiativeParameters.managedNetworkIsolationMode ??= {
      type: 'String',
      metadata: { displayName: 'Isolation mode required of managed networks', description: `Managed networks of Foundry accounts and Azure Machine Learning workspaces must be in this mode. Built-in 6ddb1705-c8cf-450e-aa4b-19ad6703c440 defaults to Disabled, which inverts it; the initiative passes ${APPROVED_ONLY}.` },
      allowedValues: [APPROVED_ONLY],
      defaultValue: APPROVED_ONLY,
    };
    return 'managedNetworkIsolationMode';
  };

  if (included(RULES.restrict)) {
    const level = levelOf(settings, RULES.restrict);
    initiativeParameters.outboundRestrictionKinds = {
      type: 'Array',
      metadata: { displayName: 'Kinds that support outbound restriction', description: 'Account kinds the Azure documentation lists as supporting restrictOutboundNetworkAccess; accounts of other kinds are not checked.' },
      defaultValue: [...SUPPORTED_KINDS],
    };
    addCustom(definition(RULES.restrict, {
      displayName: 'Azure AI services should restrict outbound network access',
      description: 'Azure AI services accounts (Azure OpenAI, Foundry, Vision, Speech, Document Intelligence, ...) must deny outbound network access except to the hosts in allowedFqdnList: restrictOutboundNetworkAccess must be true. Generated by AI Egress Guard from its rule restrict-outbound-network-access.',
      nonComplianceMessage: `${DENIED} this Azure AI services account could open connections to any host on the internet. Set properties.restrictOutboundNetworkAccess to true and list the exact hosts it needs in properties.allowedFqdnList (for example mystorage.blob.core.windows.net). If it must stay open, its owner can request a policy exemption with a reason.`,
      parameters: {
        kinds: {
          type: 'Array',
          metadata: { displayName: 'Account kinds', description: 'Kinds that support outbound restriction; accounts of other kinds are not checked.' },
          defaultValue: [...SUPPORTED_KINDS],
        },
      },
      condition: [
        { anyOf: [{ field: 'kind', exists: false }, { field: 'kind', in: parameterRef('kinds') }] },
        { anyOf: [{ field: ALIAS.restrictOutbound, exists: false }, { field: ALIAS.restrictOutbound, notEquals: true }] },
      ],
      effect: effectFor(level, effect),
    }), { effect: effectParameter(RULES.restrict), kinds: 'outboundRestrictionKinds' });
  }

  if (included(RULES.wildcard)) {
    addCustom(definition(RULES.wildcard, {
      displayName: 'Azure AI services allowed FQDNs should not contain wildcards',
      description: 'An allowedFqdnList entry containing * admits every host under it, including other customers\' storage accounts and tenants. Generated by AI Egress Guard from its rule no-wildcard-fqdns.',
      nonComplianceMessage: `${DENIED} properties.allowedFqdnList of this Azure AI services account has an entry with a wildcard (*), which lets it send data to every host under that name, including other customers' resources. List the exact host names instead, for example mystorage.blob.core.windows.net.`,
      parameters: {},
      condition: [{
        count: { field: ALIAS.allowedFqdnEntries, where: { field: ALIAS.allowedFqdnEntries, contains: '*' } },
        greater: 0,
      }],
      effect: effectFor(levelOf(settings, RULES.wildcard), effect),
    }), { effect: effectParameter(RULES.wildcard) });
  }

  const approved = approvedFqdnsOf(settings);
  if (approved.length && included(RULES.approved)) {
    initiativeParameters.approvedFqdns = {
      type: 'Array',
      metadata: { displayName: 'Approved FQDN patterns', description: 'Host names or patterns (policy like: * matches any text) an allowedFqdnList entry must match: the approvedFqdns of the AI Egress Guard configuration.' },
      defaultValue: [...approved],
    };
    addCustom(definition(RULES.approved, {
      displayName: 'Azure AI services allowed FQDNs should be approved',
      description: 'Every allowedFqdnList entry must match one of the approved host patterns. Generated by AI Egress Guard from the approvedFqdns of its configuration; unlike the linter, policy cannot see which hosts the template itself depends on.',
      nonComplianceMessage: `${DENIED} properties.allowedFqdnList of this Azure AI services account names a host that is not on your organisation's list of approved hosts. Remove the entry, or ask the owners of the AI Egress Guard configuration to approve the host.`,
      parameters: {
        approvedFqdns: {
          type: 'Array',
          metadata: { displayName: 'Approved FQDN patterns', description: 'Host names or patterns (policy like: * matches any text).' },
          defaultValue: [...approved],
        },
      },
      condition: [{
        count: {
          field: ALIAS.allowedFqdnEntries,
          where: {
            count: { value: parameterRef('approvedFqdns'), name: 'pattern', where: { field: ALIAS.allowedFqdnEntries, like: "[current('pattern')]" } },
            equals: 0,
          },
        },
        greater: 0,
      }],
      effect: effectFor(levelOf(settings, RULES.approved), effect),
    }), { effect: effectParameter(RULES.approved), approvedFqdns: 'approvedFqdns' });
  }

  if (included(RULES.owner)) {
    const names = ownerTagNamesOf(settings);
    const wanted = names.map((n) => `'${n}'`).join(' or ');
    initiativeParameters.ownerTagNames = {
      type: 'Array',
      metadata: { displayName: 'Owner tag names', description: 'Tag names accepted as the owner tag (any one of them, compared case-insensitively).' },
      defaultValue: [...names],
    };
    const tag = "[concat('tags[', current('tagName'), ']')]";
    addCustom(definition(RULES.owner, {
      displayName: 'Azure AI services should have an owner tag',
      description: 'Every Azure AI services account carries an owner tag naming the team that approves changes to its allowed FQDNs. Generated by AI Egress Guard from its rule require-owner-tag.',
      nonComplianceMessage: `${DENIED} this Azure AI services account has no owner tag (${wanted}). Add one naming the team that approves changes to its allowed FQDNs.`,
      parameters: {
        ownerTagNames: {
          type: 'Array',
          metadata: { displayName: 'Owner tag names', description: 'Tag names accepted as the owner tag.' },
          defaultValue: [...names],
        },
      },
      condition: [{
        count: {
          value: parameterRef('ownerTagNames'),
          name: 'tagName',
          where: { allOf: [{ field: tag, exists: true }, { field: tag, notEquals: '' }] },
        },
        equals: 0,
      }],
      effect: effectFor(levelOf(settings, RULES.owner), effect),
    }), { effect: effectParameter(RULES.owner), ownerTagNames: 'ownerTagNames' });
  }

  /**
   * A built-in member: its effect is the shared parameter for its level, or `own`, a parameter with its own
   * allowed values; `extra` passes further parameters (definition parameter → initiative parameter).
   */
  const addBuiltIn = (ruleId: string, builtIn: BuiltIn, own: string | undefined, nonComplianceMessage: string, extra: Record<string, string> = {}) => {
    if (own) {
      initiativeParameters[own] = {
        type: 'String',
        metadata: { displayName: `Effect: ${builtIn.displayName}`, description: `The built-in's own effect values (${builtIn.effects.join(', ')}).` },
        allowedValues: [...builtIn.effects],
        defaultValue: builtIn.effects[0],
      };
    }
    members.push({ ruleId, referenceId: ruleId, resourceTypes: builtIn.resourceTypes, builtIn, parameters: { effect: own ?? effectParameter(ruleId), ...extra }, nonComplianceMessage });
  };
  if (included(RULES.publicNetworkAccess)) addBuiltIn(RULES.publicNetworkAccess, BUILT_INS.publicNetworkAccess, undefined,
    `${DENIED} this Azure AI services account accepts traffic from public networks. Set properties.publicNetworkAccess to 'Disabled' and reach it through private endpoints.`);
  if (included(RULES.privateLink)) addBuiltIn(RULES.privateLink, BUILT_INS.privateLink, 'privateLinkEffect',
    `${DENIED} this Azure AI services account has no private endpoint. Create one (group id 'account') so that clients reach it off the internet.`);
  if (included(RULES.diagnosticLogs)) addBuiltIn(RULES.diagnosticLogs, BUILT_INS.diagnosticLogs, 'diagnosticLogsEffect',
    `${DENIED} this Azure AI services account sends no diagnostic logs. Add diagnostic settings with the Audit and RequestResponse categories: denied outbound calls show up there as HTTP 400 responses.`);
  if (included(RULES.managedNetwork)) {
    addBuiltIn(RULES.managedNetwork, BUILT_INS.managedNetwork, undefined,
      `${DENIED} the managed network of this Azure Machine Learning workspace or Foundry hub does not limit outbound traffic to approved hosts. Set properties.managedNetwork.isolationMode to ${APPROVED_ONLY} and add outbound rules for the hosts its compute needs.`,
      { isolationMode: isolationModeParameter() });
    addCustom(definition(RULES.managedNetwork, {
      displayName: 'Foundry managed networks should allow only approved outbound',
      description: `The managed network of a Foundry account (accounts/managedNetworks, preview) must be in ${APPROVED_ONLY} mode, so that agents reach only the hosts its outbound rules name. Generated by AI Egress Guard from its rule restrict-managed-network-outbound; built-in 6ddb1705-c8cf-450e-aa4b-19ad6703c440 does the same for Azure Machine Learning workspaces.`,
      nonComplianceMessage: `${DENIED} the managed network of this Foundry account lets agents and compute reach hosts nobody approved. Set properties.managedNetwork.isolationMode to ${APPROVED_ONLY} and add outbound rules for the hosts they need. Plan the change: the mode cannot be switched back.`,
      parameters: {
        isolationMode: {
          type: 'String',
          metadata: { displayName: 'Isolation mode', description: 'The isolation mode managed networks must have.' },
          allowedValues: [APPROVED_ONLY],
          defaultValue: APPROVED_ONLY,
        },
      },
      // An absent mode is Disabled: not the required mode, as in the built-in.
      condition: [{ field: ALIAS.foundryIsolationMode, notEquals: parameterRef('isolationMode') }],
      types: [FOUNDRY_MANAGED_NETWORK_TYPE],
      effect: effectFor(levelOf(settings, RULES.managedNetwork), effect),
    }), { effect: effectParameter(RULES.managedNetwork), isolationMode: isolationModeParameter() }, [FOUNDRY_MANAGED_NETWORK_TYPE], '-foundry');
  }

  if (included(RULES.outboundRules)) {
    // FQDN rules written as child resources; rules inside a managedNetwork.outboundRules map cannot be reached
    // (no [*] alias iterates a map). Ports: FQDN rules allow 80 and 443 only. A like pattern may hold one * only.
    const broad = (alias: string): JsonObject => ({
      anyOf: [
        { field: alias, contains: '*' },
        { allOf: [{ field: alias, contains: ':' }, { field: alias, notLike: '*:80' }, { field: alias, notLike: '*:443' }] },
      ],
    });
    addCustom(definition(RULES.outboundRules, {
      displayName: 'Managed network FQDN outbound rules should name exact hosts',
      description: 'An FQDN outbound rule of a Foundry or Azure Machine Learning managed network must name exact hosts on port 80 or 443: a wildcard can admit every host, a public suffix or other customers\' Azure resources. Generated by AI Egress Guard from its rule no-broad-outbound-rules.',
      nonComplianceMessage: `${DENIED} this outbound rule of a managed network admits hosts by wildcard (*) or uses a port FQDN rules do not support. A wildcard can let compute and agents reach every host under the name, including other customers' resources: list the exact host names, on port 80 or 443.`,
      parameters: {},
      condition: [{
        anyOf: [
          { allOf: [{ field: 'type', equals: FOUNDRY_OUTBOUND_RULE_TYPE }, { field: ALIAS.foundryRuleType, equals: 'FQDN' }, broad(ALIAS.foundryRuleFqdn)] },
          { allOf: [{ field: 'type', equals: WORKSPACE_OUTBOUND_RULE_TYPE }, { field: ALIAS.workspaceRuleType, equals: 'FQDN' }, broad(ALIAS.workspaceRuleFqdn)] },
        ],
      }],
      types: [FOUNDRY_OUTBOUND_RULE_TYPE, WORKSPACE_OUTBOUND_RULE_TYPE],
      effect: effectFor(levelOf(settings, RULES.outboundRules), effect),
    }), { effect: effectParameter(RULES.outboundRules) }, [FOUNDRY_OUTBOUND_RULE_TYPE, WORKSPACE_OUTBOUND_RULE_TYPE]);
  }

  for (const [ruleId, reason] of Object.entries(NOT_ENFORCEABLE)) if (ruleById.has(ruleId)) leftOut.push({ ruleId, reason });

  return {
    effect,
    definitions,
    members,
    initiative: {
      name: INITIATIVE_NAME,
      displayName: 'AI Egress Guard: outbound access of Azure AI services',
      description: 'Enforces in Azure what AI Egress Guard checks in templates: Azure AI services deny outbound access except to exact, approved hosts, carry an owner, and are reached privately with logs on; managed networks allow only approved outbound traffic, with outbound rules for exact hosts. Generated from the AI Egress Guard configuration.',
      metadata: { version: '1.0.0', category: CATEGORY },
      parameters: orderParameters(initiativeParameters),
    },
    leftOut,
  };
}

const PARAMETER_ORDER = ['effect', 'advisoryEffect', 'outboundRestrictionKinds', 'approvedFqdns', 'ownerTagNames', 'managedNetworkIsolationMode', 'privateLinkEffect', 'diagnosticLogsEffect'];

/** A fixed parameter order, whatever order the members were added in. */
function orderParameters(parameters: Record<string, ParameterSpec>): Record<string, ParameterSpec> {
  const out: Record<string, ParameterSpec> = {};
  for (const name of PARAMETER_ORDER) if (parameters[name]) out[name] = parameters[name];
  for (const name of Object.keys(parameters).sort()) out[name] ??= parameters[name];
  return out;
}

/**
 * The values an assignment of the initiative with its defaults passes to a member's definition: what Azure
 * evaluates the definition with.
 */
export function memberParameterValues(set: PolicySet, member: Member): Record<string, Json> {
  const out: Record<string, Json> = {};
  for (const [own, initiative] of Object.entries(member.parameters)) {
    const spec = set.initiative.parameters[initiative];
    if (spec?.defaultValue !== undefined) out[own] = spec.defaultValue;
  }
  return out;
}
