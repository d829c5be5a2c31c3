// Running a change review: the audit of a base commit against the audit of the working tree (or a head commit),
// both read with git (nothing checked out, the working tree untouched). Shared by `ai-egress-guard diff` and the
// editor's "Review Changes Against…" (lsp/review.ts), so both review the same files with the same settings.

import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Settings } from '../engine/config';
import { listTree, readBlobs, repositoryRoot, resolveCommit, workingFiles } from '../workspace/git';
import { AuditCancelled, auditable, blobTree, SnapshotAuditor, workingTree, type Tree } from '../workspace/snapshot';
import { review, type Review } from './diff';

/** Why a review cannot run: not in a repository, a ref naming no commit, a path outside the repository. */
export class ReviewError extends Error {
  constructor(message: string, readonly usage = false) {
    super(message);
  }
}

export interface ReviewOptions {
  /** The base: a branch, tag, commit or expression (`HEAD~2`). */
  readonly base: string;
  /** The head ref; the working tree as git sees it when absent. */
  readonly head?: string;
  /** Paths (relative to `cwd`) to review; everything when empty. */
  readonly paths?: readonly string[];
  readonly exclude?: readonly string[];
  readonly overrides?: Partial<Settings>;
  readonly moduleCacheUri?: string;
  /** Asked between files and between the steps of reading the sides; true stops the review with AuditCancelled. */
  readonly cancelled?: () => boolean;
}

export interface ReviewRun {
  readonly review: Review;
  /** The repository's top folder. */
  readonly root: string;
  /** How the sides are named: `main (1a2b3c4)`, `working tree`. */
  readonly base: string;
  readonly head: string;
}

/** Audits both sides and compares them; throws ReviewError (and GitError when git fails). */
export function runReview(cwd: string, options: ReviewOptions): ReviewRun {
  const root = repositoryRoot(cwd);
  if (!root) throw new ReviewError('not in a git repository: diff reads the base from git');
  const base = resolveCommit(root, options.base);
  if (!base) throw new ReviewError(`'${options.base}' names no commit of this repository`);
  const head = options.head !== undefined ? resolveCommit(root, options.head) : undefined;
  if (options.head !== undefined && !head) throw new ReviewError(`'${options.head}' names no commit of this repository`);
  const paths = (options.paths ?? []).map((p) => path.relative(root, path.resolve(cwd, p)).split(path.sep).join('/'));
  if (paths.some((p) => p.startsWith('..'))) throw new ReviewError('paths must be inside the repository', true);
  const { cancelled } = options;
  const check = () => { if (cancelled?.()) throw new AuditCancelled(); };
  const auditor = new SnapshotAuditor({ root, overrides: options.overrides, paths, exclude: options.exclude, moduleCacheUri: options.moduleCacheUri, cancelled });
  const baseTree = treeAt(root, base);
  check();
  const baseSnapshot = auditor.audit(baseTree);
  check();
  // The working tree as git sees it (ignored files left out, deleted ones gone), as the base is a commit.
  const headTree = head ? treeAt(root, head)
    : workingTree([...new Set(workingFiles(root))].filter((p) => fs.existsSync(path.join(root, ...p.split('/')))), root);
  check();
  const headSnapshot = auditor.audit(headTree);
  return {
    review: review(baseSnapshot, headSnapshot),
    root,
    base: `${options.base} (${base.slice(0, 7)})`,
    head: head ? `${options.head} (${head.slice(0, 7)})` : 'working tree',
  };
}

/** A commit's files, with the contents of those the audit may read fetched in one batch. */
export function treeAt(root: string, commit: string): Tree {
  const ids = listTree(root, commit);
  const blobs = readBlobs(root, [...ids].filter(([p]) => auditable(p)).map(([, id]) => id));
  return blobTree(ids, blobs, (id) => readBlobs(root, [id]).get(id));
}
