// Turns the policy set (definitions.ts) into files: definitions, an initiative, a sample assignment and a
// sample exemption, as ARM JSON or Bicep. Deterministic: the same settings give byte-identical files.

import type { Settings } from '../engine/config';
import { BicepExpression, bicepString, bicepValue, rawKey, type BicepValue } from './bicep';
import { buildPolicySet, builtInDefinitionId, DEFINITION_PREFIX, EFFECTS, INITIATIVE_NAME, type Effect, type Json, type JsonObject, type Member, type PolicySet } from './definitions';

export type PolicyFormat = 'json' | 'bicep';
export type PolicyScope = 'managementGroup' | 'subscription';

export interface GenerateOptions {
  readonly settings: Settings;
  readonly effect?: Effect;
  readonly format?: PolicyFormat;
  /** Where the definitions, the initiative and the assignment live (default: a management group). */
  readonly scope?: PolicyScope;
}

export interface GeneratedFile {
  /** Relative to the output folder, with forward slashes. */
  readonly path: string;
  readonly content: string;
}

export interface GeneratedPolicy {
  readonly set: PolicySet;
  readonly files: readonly GeneratedFile[];
  /** One line per rule: what enforces it in Azure, or why nothing does. */
  readonly summary: readonly string[];
}

const API = { definitions: '2023-04-01', assignments: '2023-04-01', exemptions: '2022-07-01-preview', accounts: '2024-10-01' } as const;
const DEFINITION_TYPE = 'Microsoft.Authorization/policyDefinitions';
const SET_TYPE = 'Microsoft.Authorization/policySetDefinitions';
const SCHEMAS = {
  managementGroup: 'https://schema.management.azure.com/schemas/2019-08-01/managementGroupDeploymentTemplate.json#',
  subscription: 'https://schema.management.azure.com/schemas/2018-05-01/subscriptionDeploymentTemplate.json#',
  resourceGroup: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#',
} as const;

export function generatePolicy(options: GenerateOptions): GeneratedPolicy {
  const set = buildPolicySet(options.settings, options.effect ?? 'Audit');
  const scope = options.scope ?? 'managementGroup';
  const files = (options.format ?? 'json') === 'bicep' ? bicepFiles(set, scope) : jsonFiles(set, scope);
  return { set, files, summary: summaryOf(set) };
}

function summaryOf(set: PolicySet): string[] {
  const lines = set.members.map((m) => {
    const effect = set.initiative.parameters[m.parameters.effect]?.defaultValue;
    return m.definition
      ? `${m.ruleId} → ${m.definition.name} (custom definition${m.referenceId !== m.ruleId ? ` ${m.referenceId}` : ''}, effect ${effect})`
      : `${m.ruleId} → built-in ${m.builtIn!.id} "${m.builtIn!.displayName}" (effect ${effect})`;
  });
  for (const { ruleId, reason } of set.leftOut) lines.push(`${ruleId}: left out (${reason})`);
  return lines;
}

// ---------------------------------------------------------------------------------------------
// Shared pieces

/** The member's parameter values as the initiative passes them: its own parameters, by reference. */
function memberParameters(member: Member): JsonObject {
  const out: JsonObject = {};
  for (const [own, initiative] of Object.entries(member.parameters)) out[own] = { value: `[parameters('${initiative}')]` };
  return out;
}

/** ARM evaluates strings that start with '['; policy expressions must reach Azure Policy as written. */
function escapeArm(value: Json): Json {
  if (typeof value === 'string') return value.startsWith('[') ? `[${value}` : value;
  if (Array.isArray(value)) return value.map(escapeArm);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, escapeArm(v)]));
  return value;
}

function json(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

/** `resourceId` function for definitions at the chosen scope. */
function idFunction(scope: PolicyScope): string {
  return scope === 'managementGroup' ? 'managementGroupResourceId' : 'subscriptionResourceId';
}

function deployCommand(scope: PolicyScope, file: string): string {
  return scope === 'managementGroup'
    ? `az deployment mg create --management-group-id <management-group> --location <region> --template-file ${file}`
    : `az deployment sub create --location <region> --template-file ${file}`;
}

const ASSIGNMENT = {
  displayName: 'AI Egress Guard: outbound access of Azure AI services',
  description: 'Assigns the AI Egress Guard initiative. Start with effect Audit, review the compliance results, then switch to Deny.',
};

function effectParametersOf(set: PolicySet): string[] {
  return ['effect', 'advisoryEffect'].filter((p) => set.initiative.parameters[p]);
}

function effectDescription(name: string): string {
  return name === 'effect'
    ? 'Effect of the definitions whose rules are at warning or error in the AI Egress Guard configuration: Audit first, then Deny.'
    : 'Effect of the definitions whose rules are at info (advisory) in the AI Egress Guard configuration.';
}

function nonComplianceMessages(set: PolicySet): JsonObject[] {
  return set.members.map((m) => ({ message: m.nonComplianceMessage, policyDefinitionReferenceId: m.referenceId }));
}

function exemptionRuleDefault(set: PolicySet): string {
  return set.members.find((m) => m.ruleId === 'restrict-outbound-network-access')?.referenceId ?? set.members[0]?.referenceId ?? '';
}

const EXEMPTION_TEXT = {
  intro: 'An exemption is the Azure Policy side of a suppression: the same account, the same rule, the same reason.',
  accountName: 'Name of the AI services account (in this resource group) the exception is for.',
  policyAssignmentId: 'Resource id of the AI Egress Guard assignment (the policyAssignmentId output of the assignment deployment).',
  ruleId: 'The rule whose finding is accepted: the policyDefinitionReferenceId of its definition in the initiative, the rule id of the suppression.',
  reason: 'Why the exception is acceptable: the reason written in the template\'s suppression.',
  exemptionCategory: 'Waiver: the risk is accepted. Mitigated: it is handled another way (a firewall, a managed network).',
  expiresOn: 'When the exception ends (ISO 8601, e.g. 2026-12-31T00:00:00Z); empty for none.',
};

// ---------------------------------------------------------------------------------------------
// ARM JSON

function jsonFiles(set: PolicySet, scope: PolicyScope): GeneratedFile[] {
  const files: GeneratedFile[] = set.definitions.map((d) => ({ path: `definitions/${d.name}.json`, content: json(d) }));
  const fn = idFunction(scope);
  const definitionId = (name: string) => `[${fn}('${DEFINITION_TYPE}', '${name}')]`;
  files.push({
    path: 'policy.json',
    content: json({
      $schema: SCHEMAS[scope],
      contentVersion: '1.0.0.0',
      metadata: { description: `AI Egress Guard policy definitions and initiative, generated from the configuration. Deploy: ${deployCommand(scope, 'policy.json')}` },
      resources: [
        ...set.definitions.map((d) => ({ type: DEFINITION_TYPE, apiVersion: API.definitions, name: d.name, properties: escapeArm(d.properties as unknown as Json) })),
        {
          type: SET_TYPE,
          apiVersion: API.definitions,
          name: set.initiative.name,
          dependsOn: set.definitions.map((d) => definitionId(d.name)),
          properties: {
            displayName: set.initiative.displayName,
            policyType: 'Custom',
            description: set.initiative.description,
            metadata: set.initiative.metadata,
            parameters: escapeArm(set.initiative.parameters as unknown as Json),
            policyDefinitions: set.members.map((m) => ({
              policyDefinitionReferenceId: m.referenceId,
              policyDefinitionId: m.definition ? definitionId(m.definition.name) : builtInDefinitionId(m.builtIn!.id),
              parameters: escapeArm(memberParameters(m)),
            })),
          },
        },
      ],
      outputs: { policySetDefinitionId: { type: 'string', value: `[${fn}('${SET_TYPE}', '${set.initiative.name}')]` } },
    }),
  });
  const effects = effectParametersOf(set);
  const parameters: JsonObject = {};
  for (const name of effects) {
    parameters[name] = { type: 'string', allowedValues: [...EFFECTS], defaultValue: set.initiative.parameters[name].defaultValue ?? 'Audit', metadata: { description: effectDescription(name) } };
  }
  parameters.policySetDefinitionId = { type: 'string', defaultValue: `[${fn}('${SET_TYPE}', '${INITIATIVE_NAME}')]`, metadata: { description: 'The initiative that policy.json creates.' } };
  files.push({
    path: 'assignment.json',
    content: json({
      $schema: SCHEMAS[scope],
      contentVersion: '1.0.0.0',
      metadata: { description: `Sample assignment of the AI Egress Guard initiative. Deploy: ${deployCommand(scope, 'assignment.json')} --parameters effect=Audit` },
      parameters,
      resources: [{
        type: 'Microsoft.Authorization/policyAssignments',
        apiVersion: API.assignments,
        name: INITIATIVE_NAME,
        properties: {
          displayName: ASSIGNMENT.displayName,
          description: ASSIGNMENT.description,
          policyDefinitionId: "[parameters('policySetDefinitionId')]",
          enforcementMode: 'Default',
          parameters: Object.fromEntries(effects.map((name) => [name, { value: `[parameters('${name}')]` }])),
          nonComplianceMessages: escapeArm(nonComplianceMessages(set)),
          metadata: { assignedBy: 'AI Egress Guard' },
        },
      }],
      outputs: { policyAssignmentId: { type: 'string', value: `[${scope === 'managementGroup' ? 'extensionResourceId(managementGroup().id, ' : 'subscriptionResourceId('}'Microsoft.Authorization/policyAssignments', '${INITIATIVE_NAME}')]` } },
    }),
  });
  const account = "format('Microsoft.CognitiveServices/accounts/{0}', parameters('accountName'))";
  files.push({
    path: 'exemption.json',
    content: json({
      $schema: SCHEMAS.resourceGroup,
      contentVersion: '1.0.0.0',
      metadata: { description: `Sample exemption. ${EXEMPTION_TEXT.intro} Deploy: az deployment group create --resource-group <group> --template-file exemption.json --parameters accountName=<name> policyAssignmentId=<id> reason=<reason>` },
      parameters: {
        accountName: { type: 'string', metadata: { description: EXEMPTION_TEXT.accountName } },
        policyAssignmentId: { type: 'string', metadata: { description: EXEMPTION_TEXT.policyAssignmentId } },
        ruleId: { type: 'string', defaultValue: exemptionRuleDefault(set), allowedValues: set.members.map((m) => m.referenceId), metadata: { description: EXEMPTION_TEXT.ruleId } },
        reason: { type: 'string', minLength: 1, metadata: { description: EXEMPTION_TEXT.reason } },
        exemptionCategory: { type: 'string', defaultValue: 'Waiver', allowedValues: ['Waiver', 'Mitigated'], metadata: { description: EXEMPTION_TEXT.exemptionCategory } },
        expiresOn: { type: 'string', defaultValue: '', metadata: { description: EXEMPTION_TEXT.expiresOn } },
      },
      resources: [{
        type: 'Microsoft.Authorization/policyExemptions',
        apiVersion: API.exemptions,
        scope: `[${account}]`,
        name: `[guid(resourceId('Microsoft.CognitiveServices/accounts', parameters('accountName')), parameters('ruleId'))]`,
        properties: {
          policyAssignmentId: "[parameters('policyAssignmentId')]",
          policyDefinitionReferenceIds: ["[parameters('ruleId')]"],
          exemptionCategory: "[parameters('exemptionCategory')]",
          displayName: "[format('AI Egress Guard: {0} accepted for {1}', parameters('ruleId'), parameters('accountName'))]",
          description: "[parameters('reason')]",
          expiresOn: "[if(empty(parameters('expiresOn')), null(), parameters('expiresOn'))]",
          metadata: { aiEgressGuard: { suppress: "[createObject(parameters('ruleId'), parameters('reason'))]" } },
        },
      }],
    }),
  });
  return files;
}

// ---------------------------------------------------------------------------------------------
// Bicep

/** The Bicep symbol of a custom definition: its name without the prefix, in camel case. */
function symbolOf(definitionName: string): string {
  return definitionName.slice(DEFINITION_PREFIX.length).replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}

function decorated(description: string, line: string, allowed?: readonly string[], extra: string[] = []): string {
  const allowedText = allowed ? `@allowed([\n${allowed.map((v) => `  ${bicepString(v)}\n`).join('')}])\n` : '';
  return `@description(${bicepString(description)})\n${allowedText}${extra.map((e) => `${e}\n`).join('')}${line}\n`;
}

function bicepFiles(set: PolicySet, scope: PolicyScope): GeneratedFile[] {
  const header = (what: string, file: string, command: string) =>
    `// ${what}\n// Generated by AI Egress Guard (ai-egress-guard policy) from the repository's configuration: regenerate, do not edit.\n// Deploy: ${command.replace('<file>', file)}\n`;
  const scopeLine = `targetScope = '${scope}'\n`;

  let policy = `${header('AI Egress Guard policy definitions and initiative.', 'policy.bicep', deployCommand(scope, '<file>'))}\n${scopeLine}`;
  for (const d of set.definitions) {
    policy += `\nresource ${symbolOf(d.name)} '${DEFINITION_TYPE}@${API.definitions}' = ${bicepValue({ name: d.name, properties: d.properties as unknown as BicepValue })}\n`;
  }
  const initiative: BicepValue = {
    name: set.initiative.name,
    properties: {
      displayName: set.initiative.displayName,
      policyType: 'Custom',
      description: set.initiative.description,
      metadata: set.initiative.metadata as unknown as BicepValue,
      parameters: set.initiative.parameters as unknown as BicepValue,
      policyDefinitions: set.members.map((m) => ({
        policyDefinitionReferenceId: m.referenceId,
        policyDefinitionId: m.definition ? new BicepExpression(`${symbolOf(m.definition.name)}.id`) : builtInDefinitionId(m.builtIn!.id),
        parameters: memberParameters(m) as BicepValue,
      })),
    },
  };
  policy += `\nresource initiative '${SET_TYPE}@${API.definitions}' = ${bicepValue(initiative)}\n`;
  policy += '\noutput policySetDefinitionId string = initiative.id\n';

  const effects = effectParametersOf(set);
  let assignment = `${header('Sample assignment of the AI Egress Guard initiative: Audit first, then Deny.', 'assignment.bicep', `${deployCommand(scope, '<file>')} --parameters effect=Audit`)}\n${scopeLine}\n`;
  for (const name of effects) {
    assignment += `${decorated(effectDescription(name), `param ${name} string = ${bicepString(String(set.initiative.parameters[name].defaultValue ?? 'Audit'))}`, EFFECTS)}\n`;
  }
  assignment += decorated('The initiative that policy.bicep creates.', `param policySetDefinitionId string = ${idFunction(scope)}('${SET_TYPE}', '${INITIATIVE_NAME}')`);
  const assignmentBody: BicepValue = {
    name: INITIATIVE_NAME,
    properties: {
      displayName: ASSIGNMENT.displayName,
      description: ASSIGNMENT.description,
      policyDefinitionId: new BicepExpression('policySetDefinitionId'),
      enforcementMode: 'Default',
      parameters: Object.fromEntries(effects.map((name) => [name, { value: new BicepExpression(name) }])),
      nonComplianceMessages: nonComplianceMessages(set) as BicepValue,
      metadata: { assignedBy: 'AI Egress Guard' },
    },
  };
  assignment += `\nresource assignment 'Microsoft.Authorization/policyAssignments@${API.assignments}' = ${bicepValue(assignmentBody)}\n`;
  assignment += '\noutput policyAssignmentId string = assignment.id\n';

  let exemption = `${header(`Sample exemption. ${EXEMPTION_TEXT.intro}`, 'exemption.bicep', 'az deployment group create --resource-group <group> --template-file <file> --parameters accountName=<name> policyAssignmentId=<id> reason=<reason>')}\ntargetScope = 'resourceGroup'\n\n`;
  exemption += `${decorated(EXEMPTION_TEXT.accountName, 'param accountName string')}\n`;
  exemption += `${decorated(EXEMPTION_TEXT.policyAssignmentId, 'param policyAssignmentId string')}\n`;
  exemption += `${decorated(EXEMPTION_TEXT.ruleId, `param ruleId string = ${bicepString(exemptionRuleDefault(set))}`, set.members.map((m) => m.referenceId))}\n`;
  exemption += `${decorated(EXEMPTION_TEXT.reason, 'param reason string', undefined, ['@minLength(1)'])}\n`;
  exemption += `${decorated(EXEMPTION_TEXT.exemptionCategory, "param exemptionCategory string = 'Waiver'", ['Waiver', 'Mitigated'])}\n`;
  exemption += decorated(EXEMPTION_TEXT.expiresOn, "param expiresOn string = ''");
  exemption += `\nresource account 'Microsoft.CognitiveServices/accounts@${API.accounts}' existing = {\n  name: accountName\n}\n`;
  const exemptionBody: BicepValue = {
    name: new BicepExpression('guid(account.id, ruleId)'),
    scope: new BicepExpression('account'),
    properties: {
      policyAssignmentId: new BicepExpression('policyAssignmentId'),
      policyDefinitionReferenceIds: [new BicepExpression('ruleId')],
      exemptionCategory: new BicepExpression('exemptionCategory'),
      displayName: new BicepExpression("'AI Egress Guard: ${ruleId} accepted for ${accountName}'"),
      description: new BicepExpression('reason'),
      expiresOn: new BicepExpression('empty(expiresOn) ? null : expiresOn'),
      metadata: { aiEgressGuard: { suppress: { [rawKey("'${ruleId}'")]: new BicepExpression('reason') } } },
    },
  };
  exemption += `\nresource exemption 'Microsoft.Authorization/policyExemptions@${API.exemptions}' = ${bicepValue(exemptionBody)}\n`;

  return [
    { path: 'policy.bicep', content: policy },
    { path: 'assignment.bicep', content: assignment },
    { path: 'exemption.bicep', content: exemption },
  ];
}
