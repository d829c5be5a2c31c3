// The "Generate Azure Policy" request between the extension and the language server. Kept apart from the
// handler so the client imports only these types, no engine code.

export const POLICY_REQUEST = 'aiEgressGuard/generatePolicy';

export interface PolicyParams {
  /** Workspace folder whose configuration (.ai-egress-guard.json, bicepconfig.json) decides the rules. */
  readonly folder?: string;
  readonly effect: 'Audit' | 'Deny';
  readonly format: 'json' | 'bicep';
  readonly scope?: 'managementGroup' | 'subscription';
}

export interface PolicyResponse {
  /** Paths relative to the folder the user picks, with forward slashes. */
  readonly files: readonly { readonly path: string; readonly content: string }[];
  /** One line per rule: what enforces it in Azure, or why nothing does. */
  readonly summary: readonly string[];
}
