// Built-in role definitions that grant data-plane access: a role assignment of one of these to an AI
// service's identity, scoped to a resource, means the service calls that resource's endpoint.
//
// Every id and name below was checked against the built-in role tables the Azure Verified Modules carry
// (`builtInRoleNames` in ../shared/corpus/arm/bicep-registry-modules/**/main.json, e.g.
// avm/ptn/ai-ml/ai-foundry/main.json) and, where the Foundry baseline uses them, its comments
// (../shared/corpus/bicep/microsoft-foundry-baseline). Control-plane roles (Contributor, Cosmos DB Operator,
// Storage Account Contributor, ...) are left out: they act through management.azure.com, not the resource.

/** Which endpoint of the target a role's holder calls. */
export type RoleService = 'blob' | 'queue' | 'table' | 'file' | 'search' | 'cosmos' | 'keyvault' | 'cognitive';

export interface BuiltInRole {
  /** Role definition GUID, lower case. */
  readonly id: string;
  readonly name: string;
  readonly service: RoleService;
}

/** Azure RBAC built-in roles (`Microsoft.Authorization/roleDefinitions/<id>`). */
export const AZURE_DATA_ROLES: readonly BuiltInRole[] = [
  { id: '2a2b9908-6ea1-4ae2-8e65-a410df84e7d1', name: 'Storage Blob Data Reader', service: 'blob' },
  { id: 'ba92f5b4-2d11-453d-a403-e96b0029c9fe', name: 'Storage Blob Data Contributor', service: 'blob' },
  { id: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b', name: 'Storage Blob Data Owner', service: 'blob' },
  { id: '19e7f393-937e-4f77-808e-94535e297925', name: 'Storage Queue Data Reader', service: 'queue' },
  { id: '974c5e8b-45b9-4653-ba55-5f855dd0fb88', name: 'Storage Queue Data Contributor', service: 'queue' },
  { id: '76199698-9eea-4c19-bc75-cec21354c6b6', name: 'Storage Table Data Reader', service: 'table' },
  { id: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3', name: 'Storage Table Data Contributor', service: 'table' },
  { id: '0c867c2a-1d8c-454a-a3db-ab2ea1bdc8bb', name: 'Storage File Data SMB Share Contributor', service: 'file' },
  { id: '1407120a-92aa-4202-b7e9-c0e197c71c8f', name: 'Search Index Data Reader', service: 'search' },
  { id: '8ebe5a00-799e-43f5-93ac-243d3dce84a7', name: 'Search Index Data Contributor', service: 'search' },
  // Manages indexes through the search endpoint (Foundry agents create their vector indexes with it).
  { id: '7ca78c08-252a-4471-8644-bb5ff32d4ba0', name: 'Search Service Contributor', service: 'search' },
  { id: '4633458b-17de-408a-b874-0445c86b69e6', name: 'Key Vault Secrets User', service: 'keyvault' },
  { id: 'b86a8fe4-44ce-4948-aee5-eccb2c155cd7', name: 'Key Vault Secrets Officer', service: 'keyvault' },
  { id: '12338af0-0e69-4776-bea7-57ae8d297424', name: 'Key Vault Crypto User', service: 'keyvault' },
  { id: 'db79e9a7-68ee-4b58-9aeb-b90e7c24fcba', name: 'Key Vault Certificate User', service: 'keyvault' },
  { id: '00482a5a-887f-4fb3-b363-3b7fe8e74483', name: 'Key Vault Administrator', service: 'keyvault' },
  { id: 'a97b65f3-24c7-4388-baec-2e87135dc908', name: 'Cognitive Services User', service: 'cognitive' },
  { id: '5e0bd9bd-7b93-4f28-af87-19fc36ad61bd', name: 'Cognitive Services OpenAI User', service: 'cognitive' },
  { id: 'a001fd3d-188f-4b5d-821b-7da978bf7442', name: 'Cognitive Services OpenAI Contributor', service: 'cognitive' },
];

/** Cosmos DB built-in SQL (data-plane) roles (`.../databaseAccounts/<a>/sqlRoleDefinitions/<id>`), assigned with `sqlRoleAssignments`. */
export const COSMOS_SQL_ROLES: readonly BuiltInRole[] = [
  { id: '00000000-0000-0000-0000-000000000001', name: 'Cosmos DB Built-in Data Reader', service: 'cosmos' },
  { id: '00000000-0000-0000-0000-000000000002', name: 'Cosmos DB Built-in Data Contributor', service: 'cosmos' },
];

const AZURE = new Map(AZURE_DATA_ROLES.map((r) => [r.id, r]));
const COSMOS = new Map(COSMOS_SQL_ROLES.map((r) => [r.id, r]));

const GUID = /([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\/?$/i;

/** The built-in data role a role definition id (full id, or the bare GUID) names, if it is one of the table. */
export function dataRoleOf(roleDefinitionId: string, table: 'azure' | 'cosmos' = 'azure'): BuiltInRole | undefined {
  const match = GUID.exec(roleDefinitionId.trim());
  if (!match) return undefined;
  const id = match[1].toLowerCase();
  return (table === 'azure' ? AZURE : COSMOS).get(id);
}
