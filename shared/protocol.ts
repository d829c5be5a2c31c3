// The protocol between the extension and the language server beyond LSP itself: typed requests, notifications and
// the data our diagnostics carry. The one module the client and the server both import.

import { NotificationType, RequestType, RequestType0, type WorkspaceEdit } from 'vscode-languageserver-protocol';
import type { Inventory, Place } from './inventory';
import type { EstateReport } from './report';

export type {
  CallStep, DeployedInstance, DiagnosticLogs, DiagnosticSetting, EntryPoint, InstanceFinding, InstanceNetwork, Inventory, InventorySummary, ManagedNetworkState,
  NetworkInjection, Place, PrivateEndpointRef, Restriction, RestrictionCounts, Suppression,
} from './inventory';

export interface AuditParams {
  /** Workspace folder paths to audit. */
  readonly folders: string[];
  /** Glob patterns (relative to each folder) to skip: files.exclude and aiEgressGuard.audit.exclude. */
  readonly exclude: string[];
}

export interface AuditResponse {
  readonly files: number;
  /** AI account instances deployed by the entry points (see `Inventory`). */
  readonly resources: number;
  readonly restricted: number;
  readonly unverified: number;
  readonly findings: number;
  readonly byRule: Record<string, number>;
  readonly summary: string;
  readonly cancelled: boolean;
  /** SARIF 2.1.0 log of the audit, for "Export SARIF". */
  readonly sarif: string;
  /** The instances the audited entry points deploy, for a report view; paths relative to the first folder. */
  readonly inventory: Inventory;
  /** What a report of this audit says beside its inventory (ReportRequest). */
  readonly audited: AuditedFiles;
  /** The deployed accounts of the exports audited (Resource Graph, az), when there are any: the reports' estate section. */
  readonly estate?: EstateReport;
}

/** What the audit checked, as its reports say it. */
export interface AuditedFiles {
  /** Files checked: templates, and files that could not be checked. */
  readonly files: number;
  readonly templates: number;
  /** Files that could not be checked completely: the report warns that its counts may be short. */
  readonly problemFiles: number;
  /** When the audit ran (ISO 8601, to the second). */
  readonly at: string;
}

export interface AuditProgressParams { readonly done: number; readonly total: number }

/** Audits the workspace folders: findings of files not open are published as diagnostics; returns a summary. */
export const AuditRequest = new RequestType<AuditParams, AuditResponse, void>('aiEgressGuard/audit');

/** The inventory of the last audit ("Audit Workspace"), for the report and tree views; null before the first audit. */
export const InventoryRequest = new RequestType0<Inventory | null, void>('aiEgressGuard/inventory');

export interface ReportParams {
  readonly format: 'html' | 'markdown';
  /** The inventory of an audit (AuditResponse.inventory) and what it checked, and its estate section if any. */
  readonly inventory: Inventory;
  readonly audited: AuditedFiles;
  readonly estate?: EstateReport;
}

/**
 * The report of an audit as the CLI writes it (`--format html`: one self-contained page; `--format markdown`),
 * for "Export Report…". Stateless: the report is of the audit the client shows.
 */
export const ReportRequest = new RequestType<ReportParams, string, void>('aiEgressGuard/report');

/** Sent after each file of an audit. */
export const AuditProgressNotification = new NotificationType<AuditProgressParams>('aiEgressGuard/auditProgress');

/** Whether the last analysis of a file worked; the client shows it as a language status. */
export interface StatusParams {
  readonly uri: string;
  readonly state: 'ok' | 'error';
  /** What went wrong, for `error`. */
  readonly message?: string;
}

/** Sent when a file's analysis starts or stops failing (and when a failed file is closed, as `ok`). */
export const StatusNotification = new NotificationType<StatusParams>('aiEgressGuard/status');

/** `Diagnostic.data` of our diagnostics: code actions find their finding by it, in the analysis it came from. */
export interface DiagnosticData {
  /** The finding within its analysis (rule, place and, for look-alikes, which one). */
  readonly key: string;
  /** The document version analysed; null for a file analysed from disk (not open). */
  readonly version: number | null;
}

/** Editor settings as the client sends them (section `aiEgressGuard`). */
export interface EditorSettings {
  enable?: boolean;
  run?: 'onType' | 'onSave';
  rules?: Record<string, string>;
  ownerTagNames?: string[];
  cloud?: string;
}

/** "Generate Azure Policy": the files for the workspace's configuration, which the client writes and opens. */
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

export const PolicyRequest = new RequestType<PolicyParams, PolicyResponse, void>('aiEgressGuard/generatePolicy');

/** "Review Changes Against…": the refs to offer for a workspace folder's repository. */
export interface GitRefsParams { readonly folder: string }

/** A branch, remote-tracking branch, tag or recent commit, as `git` names it. */
export interface GitRef {
  readonly name: string;
  readonly kind: 'branch' | 'remote' | 'tag' | 'commit';
  readonly commit: string;
  /** Committer (or tagger) date, seconds since the epoch. */
  readonly time: number;
  readonly subject: string;
}

/** Branches and tags, the most recent first, then the latest commits of HEAD; or why there are none. */
export type GitRefsResponse = { readonly refs: readonly GitRef[] } | { readonly error: string };

export const GitRefsRequest = new RequestType<GitRefsParams, GitRefsResponse, void>('aiEgressGuard/gitRefs');

export interface ReviewParams {
  /** The workspace folder: its files are reviewed, and places are relative to it. */
  readonly folder: string;
  /** The base: a branch, tag, commit or expression (`HEAD~2`). */
  readonly base: string;
}

/** The review of `ai-egress-guard diff <base>` for the folder: the working tree (on disk) against the base. */
export interface ReviewResult {
  /** How the sides are named: `main (1a2b3c4)`, `working tree`. */
  readonly base: string;
  readonly head: string;
  /** The review as HTML, every value escaped (what `diff --format html` shows in its page). */
  readonly html: string;
  /** The review as `diff --format markdown` writes it, for a pull request comment. */
  readonly markdown: string;
  /** The places the review links to (in the working tree, relative to the folder): the only ones the view opens. */
  readonly places: readonly Place[];
  readonly changes: number;
  readonly hostsAdded: number;
  readonly newFindings: number;
}

/** The review, or why it could not run (not a git repository, a ref naming no commit, git missing). */
export type ReviewResponse = ReviewResult | { readonly error: string };

export const ReviewRequest = new RequestType<ReviewParams, ReviewResponse, void>('aiEgressGuard/review');

/** What the client sends at start (`initializationOptions`), beside the settings. */
export interface InitializationOptions {
  readonly settings?: EditorSettings;
  /**
   * The client runs the commands below: fixes that ask for a value are offered through ASK_FIX_COMMAND and
   * "Show documentation" through SHOW_RULE_DOCS_COMMAND. Without it those fixes write their placeholder.
   */
  readonly clientCommands?: boolean;
}

/** Client command of a fix that asks for a value (a reason, an owner): shows an input box, then asks for the edit. */
export const ASK_FIX_COMMAND = 'aiEgressGuard.applyFixWithValue';

/** Client command opening a rule's page bundled with the extension in the Markdown preview; argument: the rule id. */
export const SHOW_RULE_DOCS_COMMAND = 'aiEgressGuard.showRuleDocumentation';

/** The argument of ASK_FIX_COMMAND: which fix of which finding, and what to ask. */
export interface AskFixArgs {
  readonly uri: string;
  /** The document version the finding is of. */
  readonly version: number;
  /** DiagnosticData.key of the finding. */
  readonly key: string;
  /** The fix's title, which names it among the finding's fixes. */
  readonly title: string;
  readonly prompt: string;
  /** An example answer, shown greyed in the input box. */
  readonly example?: string;
}

export interface FixWithValueParams {
  readonly uri: string;
  readonly version: number;
  readonly key: string;
  readonly title: string;
  /** What the user typed (not empty). */
  readonly value: string;
}

/** The edit of a fix with the value the user typed; null when the document changed since (nothing is applied). */
export const FixWithValueRequest = new RequestType<FixWithValueParams, WorkspaceEdit | null, void>('aiEgressGuard/fixWithValue');
