// Custom requests between the extension and the language server.

export const AUDIT_REQUEST = 'aiEgressGuard/audit';
export const AUDIT_PROGRESS = 'aiEgressGuard/auditProgress';

export interface AuditParams {
  /** Workspace folder paths to audit. */
  readonly folders: string[];
  /** Glob patterns (relative to each folder) to skip: files.exclude and aiEgressGuard.audit.exclude. */
  readonly exclude: string[];
}

export interface AuditResponse {
  readonly files: number;
  readonly resources: number;
  readonly restricted: number;
  readonly unverified: number;
  readonly findings: number;
  readonly byRule: Record<string, number>;
  readonly summary: string;
  readonly cancelled: boolean;
  /** SARIF 2.1.0 log of the audit, for "Export SARIF". */
  readonly sarif: string;
}

export interface AuditProgressParams { readonly done: number; readonly total: number }

/** Editor settings as the client sends them (section `aiEgressGuard`). */
export interface EditorSettings {
  enable?: boolean;
  run?: 'onType' | 'onSave';
  rules?: Record<string, string>;
  ownerTagNames?: string[];
  cloud?: string;
}
