// The inventory of an audit: every AI account instance the audited entry points deploy, and the counts a report shows.
// Plain data (JSON-serialisable, no imports; two display constants): the engine builds it, the CLI writes it (JSON, SARIF, Markdown, HTML),
// the language server sends it to the client (InventoryRequest in protocol.ts).

/** The owner shown for instances without an owner tag. */
export const NO_OWNER = '(no owner)';
/** The kind shown for instances whose `kind` is not set. */
export const KIND_NOT_SET = '(not set)';

/** Whether outbound access is restricted (restrictOutboundNetworkAccess deploys as true); 'unknown' when it cannot be told before deployment. */
export type Restriction = true | false | 'unknown';

/**
 * A place in a file. `file` is relative to `Inventory.root` with forward slashes (a URI for files that are not on disk);
 * line and column are 1-based.
 */
export interface Place {
  readonly file: string;
  readonly line: number;
  readonly column: number;
}

/** A module call or nested deployment on the way from the entry point to the account. */
export interface CallStep extends Place {
  /** The deployment name as evaluated (else the module's symbolic name), with the loop iteration as `[i]`. */
  readonly name: string;
}

/** A finding that applies to an instance, where the audit lists it (where its cause is written). */
export interface InstanceFinding extends Place {
  readonly ruleId: string;
  readonly level: 'error' | 'warning' | 'info';
  /** The rule's message, filled in. */
  readonly message: string;
  /** Its first sentence: what is wrong, naming the resource (for lists and table cells). */
  readonly summary: string;
  /** Set when a suppression in the source (ARM metadata, Bicep `#disable-next-line`) covers the finding. */
  readonly suppression?: Suppression;
}

/** A suppression written in the source, as SARIF records it (`suppressions[].kind` `inSource`). */
export interface Suppression {
  readonly kind: 'inSource';
  /** The reason written with it ('' when none). */
  readonly justification: string;
}

/** One deployed AI account (`Microsoft.CognitiveServices/accounts`): an account declaration reached from an entry point. */
export interface DeployedInstance {
  /**
   * Stable across runs of the audit: the entry point (`template`, or `template+parameterFile`), `#`, the calls
   * (`/`-separated, `[i]` for a loop iteration) and the account's symbolic name (else its name):
   * `infra/main.bicep+infra/prod.bicepparam#ai-b/account`.
   */
  readonly id: string;
  /** The template of the entry point. */
  readonly entryPoint: string;
  /** The parameter file of the entry point's run (a `.bicepparam` file or an ARM parameter file), if any. */
  readonly parameterFile?: string;
  /** The name as evaluated; unknown pieces as `{…}`, or what names it when nothing is known (`(named by parameter 'x')`). */
  readonly name: string;
  readonly symbolicName?: string;
  /** `kind` as evaluated; 'unknown' when only known at deployment; absent when not set. */
  readonly kind?: string;
  readonly restricted: Restriction;
  /** allowedFqdnList as evaluated (unknown pieces as `{…}`); 'unknown' when the whole list is; absent when not set. */
  readonly allowedFqdns?: readonly string[] | 'unknown';
  /** publicNetworkAccess as evaluated; 'unknown' when only known at deployment; absent when not set. */
  readonly publicNetworkAccess?: string;
  /** The owner tag's value; 'unknown' when only known at deployment; absent when the account has no owner tag. */
  readonly owner?: string;
  /** The account's declaration (its type). */
  readonly declaration: Place;
  /** Module calls / nested deployments from the entry point to the declaration, outermost first. */
  readonly chain: readonly CallStep[];
  /** Set when a loop on the way (or on the account) has a count not known before deployment: the instance is counted once. */
  readonly loopCountUnknown?: true;
  /** Set when the account's condition is not known before deployment: it is counted, and may not be deployed. */
  readonly conditional?: true;
  /** The findings of this instance, suppressed ones included (marked). */
  readonly findings: readonly InstanceFinding[];
  /** With egress inference (`--format json`): what the service depends on and why each allowed host is there. */
  readonly egress?: InstanceEgress;
}

/** The egress map of an instance (engine/egress): dependencies with their evidence, the allow-list entries with their status. */
export interface InstanceEgress {
  readonly dependencies: readonly {
    /** Unknown pieces as `{…}`. */
    readonly host: string;
    readonly hostKnown: 'known' | 'partial' | 'unknown';
    readonly service: string;
    readonly resource?: { readonly type: string; readonly name: string; readonly existing: boolean } & Place;
    /** Strongest first. */
    readonly evidence: readonly ({ readonly kind: string; readonly detail: string } & Place)[];
    /** Whether an entry admits the host. */
    readonly allowed: boolean | 'unknown';
  }[];
  /** 'set' (entries in `allowList`), 'absent' (no allowedFqdnList), 'unknown' (only known at deployment). */
  readonly allowListState: 'set' | 'absent' | 'unknown';
  readonly allowList: readonly ({ readonly entry: string; readonly status: 'dependency' | 'ownResource' | 'approved' | 'unexplained' | 'unknown'; readonly because: string } & Place)[];
  /** Hosts of dependencies no entry admits. */
  readonly missing: readonly string[];
}

/** An entry point: a template no audited file calls, a `.bicepparam` file, or a template with one of its parameter files. */
export interface EntryPoint {
  readonly template: string;
  readonly parameterFile?: string;
  /** How many instances it deploys. */
  readonly instances: number;
  /** Set when counting stopped at the instance limit (loops or fan-outs of millions). */
  readonly truncated?: true;
}

export interface RestrictionCounts {
  readonly instances: number;
  readonly restricted: number;
  /** Not restricted (restrictOutboundNetworkAccess false or not set). */
  readonly open: number;
  /** Cannot be told before deployment. */
  readonly unknown: number;
}

export interface InventorySummary extends RestrictionCounts {
  readonly entryPoints: number;
  /** Percent of instances restricted, rounded down (so 100 means all); absent when there are no instances (never "100 %" of zero). */
  readonly restrictedPercent?: number;
  /** By `kind` ('unknown', '(not set)' included). */
  readonly byKind: Readonly<Record<string, RestrictionCounts>>;
  /** By owner tag value, '(no owner)' for instances without one. */
  readonly byOwner: Readonly<Record<string, RestrictionCounts>>;
  /** Findings of the audit (each cause once), by rule and by level; suppressed ones are not counted here. */
  readonly findings: { readonly total: number; readonly byRule: Readonly<Record<string, number>>; readonly byLevel: Readonly<Record<'error' | 'warning' | 'info', number>> };
  /** Suppressed findings of the audit (each cause once), by rule. */
  readonly suppressed: { readonly total: number; readonly byRule: Readonly<Record<string, number>> };
}

export interface Inventory {
  /** The folder the `file`s are relative to, as a file URI ending in `/`. */
  readonly root: string;
  readonly entryPoints: readonly EntryPoint[];
  readonly instances: readonly DeployedInstance[];
  readonly summary: InventorySummary;
}
