// "Review Changes Against…" on the language server: the refs to offer for a folder's repository, and the review of
// `ai-egress-guard diff <ref>` for the folder (estate/review.ts), rendered as the CLI renders it. Runs on the
// analysis thread: the audits of both sides are the engine's work.

import type { Settings } from '../engine/config';
import { reviewHtml, reviewMarkdown, reviewPlaces } from '../estate/diff';
import { ReviewError, runReview } from '../estate/review';
import { GitError, listRefs, recentCommits, repositoryRoot } from '../workspace/git';
import type { GitRefsParams, GitRefsResponse, ReviewParams, ReviewResponse } from '../../../shared/protocol';

/** How many of HEAD's latest commits are offered beside the branches and tags. */
const RECENT_COMMITS = 20;

export function gitRefs(params: GitRefsParams): GitRefsResponse {
  try {
    const root = repositoryRoot(params.folder);
    if (!root) return { error: `${params.folder} is not in a git repository: the review reads the base from git` };
    return { refs: [...listRefs(root), ...recentCommits(root, RECENT_COMMITS)] };
  } catch (error) {
    if (error instanceof GitError) return { error: error.message };
    throw error;
  }
}

/** The review of a folder; `cancelled` is asked between files (the client cancelled: AuditCancelled is thrown). */
export function reviewChanges(params: ReviewParams, overrides: Partial<Settings>, moduleCacheUri: string | undefined, cancelled?: () => boolean): ReviewResponse {
  try {
    const run = runReview(params.folder, { base: params.base, paths: ['.'], overrides, moduleCacheUri, cancelled });
    const sides = { base: run.base, head: run.head, cwd: params.folder };
    return {
      base: run.base, head: run.head,
      html: reviewHtml(run.review, sides).text,
      markdown: reviewMarkdown(run.review, sides),
      places: reviewPlaces(run.review, sides),
      changes: run.review.changes.length, hostsAdded: run.review.hostsAdded, newFindings: run.review.newFindings.length,
    };
  } catch (error) {
    if (error instanceof ReviewError || error instanceof GitError) return { error: error.message };
    throw error;
  }
}
