// Reading a repository's history with the `git` executable: trees of commits, blobs, and the commits of a range
// with the blobs each changed. Nothing is checked out and the working tree is never touched; every command is
// local (no fetch, no remote), and it runs with hooks, pagers, prompts and replacement objects turned off.

import { spawnSync } from 'node:child_process';

export class GitError extends Error {}

/** The environment git runs in: no prompt, no pager, no system or user config that could reach the network. */
function gitEnv(): NodeJS.ProcessEnv {
  return { ...process.env, GIT_TERMINAL_PROMPT: '0', GIT_PAGER: 'cat', GIT_NO_REPLACE_OBJECTS: '1', GIT_OPTIONAL_LOCKS: '0', LC_ALL: 'C' };
}

function git(cwd: string, args: readonly string[], input?: string): Buffer {
  const r = spawnSync('git', ['-c', 'core.quotepath=off', '-c', 'log.showSignature=false', ...args], {
    cwd, env: gitEnv(), input, maxBuffer: 1024 * 1024 * 1024, windowsHide: true,
  });
  if (r.error) throw new GitError(`cannot run git: ${(r.error as NodeJS.ErrnoException).code === 'ENOENT' ? 'the git executable was not found' : r.error.message}`);
  if (r.status !== 0) throw new GitError(`git ${args[0]} failed: ${r.stderr.toString('utf8').trim().split('\n')[0] || `exit ${r.status}`}`);
  return r.stdout;
}

/** The top folder of the repository `cwd` is in; undefined when it is in none. */
export function repositoryRoot(cwd: string): string | undefined {
  try {
    return git(cwd, ['rev-parse', '--show-toplevel']).toString('utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}

/** The commit a ref (branch, tag, commit, `HEAD~2`) names; undefined when it names none. */
export function resolveCommit(root: string, ref: string): string | undefined {
  if (ref.startsWith('-')) return undefined;
  try {
    return git(root, ['rev-parse', '--verify', '--quiet', '--end-of-options', `${ref}^{commit}`]).toString('utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}

/** Blob ids by path (relative to the root, `/`-separated) of a commit's tree; symbolic links and submodules are left out. */
export function listTree(root: string, commit: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const entry of git(root, ['ls-tree', '-r', '-z', '--full-tree', commit]).toString('utf8').split('\0')) {
    // `<mode> SP <type> SP <object> TAB <path>`
    const tab = entry.indexOf('\t');
    if (tab < 0) continue;
    const [mode, type, id] = entry.slice(0, tab).split(' ');
    if (type === 'blob' && mode !== '120000') out.set(entry.slice(tab + 1), id);
  }
  return out;
}

/** The contents of blobs, by id, read in one `git cat-file --batch`. */
export function readBlobs(root: string, ids: Iterable<string>): Map<string, Buffer> {
  const list = [...new Set(ids)];
  const out = new Map<string, Buffer>();
  if (!list.length) return out;
  const data = git(root, ['cat-file', '--batch'], `${list.join('\n')}\n`);
  let at = 0;
  while (at < data.length) {
    const eol = data.indexOf(0x0a, at);
    if (eol < 0) break;
    const [id, type, size] = data.subarray(at, eol).toString('utf8').split(' ');
    if (type === 'missing' || size === undefined) { at = eol + 1; continue; }
    const length = Number(size);
    if (type === 'blob') out.set(id, data.subarray(eol + 1, eol + 1 + length));
    at = eol + 1 + length + 1;
  }
  return out;
}

export interface Commit {
  readonly id: string;
  /** Committer date, seconds since the epoch. */
  readonly time: number;
  readonly subject: string;
  /** Paths the commit changed (against its first parent), with their new blob id, or null when deleted. */
  readonly changes: ReadonlyMap<string, string | null>;
}

export interface LogOptions {
  readonly since?: string;
  readonly until?: string;
  readonly maxCommits?: number;
}

/** The commits of the first-parent history of `head`, oldest first, with what each changed. */
export function firstParentLog(root: string, head: string, options: LogOptions = {}): Commit[] {
  const args = ['log', '--first-parent', '--reverse', '--diff-merges=first-parent', '--raw', '--no-renames', '--no-abbrev', '-z', '--format=%x01%H %ct %s'];
  if (options.since) args.push(`--since=${options.since}`);
  if (options.until) args.push(`--until=${options.until}`);
  if (options.maxCommits !== undefined) args.push(`--max-count=${options.maxCommits}`);
  args.push('--end-of-options', head);
  const out: Commit[] = [];
  for (const record of git(root, args).toString('utf8').split('\x01')) {
    if (!record) continue;
    const headerEnd = record.indexOf('\0');
    const header = headerEnd < 0 ? record : record.slice(0, headerEnd);
    const first = header.indexOf(' ');
    const second = header.indexOf(' ', first + 1);
    const changes = new Map<string, string | null>();
    const tokens = headerEnd < 0 ? [] : record.slice(headerEnd + 1).replace(/^\n/, '').split('\0');
    for (let i = 0; i + 1 < tokens.length; i += 2) {
      // `:<old mode> <new mode> <old id> <new id> <status>` then the path.
      const meta = tokens[i].split(' ');
      if (!meta[0].startsWith(':')) break;
      const mode = meta[1];
      const status = meta[4] ?? '';
      changes.set(tokens[i + 1], status.startsWith('D') || mode === '000000' || mode === '120000' || mode === '160000' ? null : meta[3]);
    }
    out.push({ id: header.slice(0, first), time: Number(header.slice(first + 1, second)), subject: header.slice(second + 1), changes });
  }
  return out;
}

/** The first parent of a commit, when it has one. */
export function parentOf(root: string, commit: string): string | undefined {
  return resolveCommit(root, `${commit}~1`);
}

/**
 * The files of the working tree as git sees them (tracked, and untracked ones not ignored), relative to the
 * root: what the next commit would hold, so a review does not count build outputs in `.gitignore` as added.
 */
export function workingFiles(root: string): string[] {
  return git(root, ['ls-files', '-z', '--cached', '--others', '--exclude-standard']).toString('utf8').split('\0').filter(Boolean);
}

export interface Ref {
  /** As a ref argument takes it: `main`, `origin/main`, `v1.2`, or an abbreviated (unique) commit id. */
  readonly name: string;
  readonly kind: 'branch' | 'remote' | 'tag' | 'commit';
  readonly commit: string;
  /** Committer (or tagger) date, seconds since the epoch. */
  readonly time: number;
  readonly subject: string;
}

/** Local and remote-tracking branches and tags (tags of commits only), the most recent first. */
export function listRefs(root: string): Ref[] {
  const format = '%(refname)%00%(objectname)%00%(*objectname)%00%(objecttype)%00%(*objecttype)%00%(creatordate:unix)%00%(contents:subject)';
  const out: Ref[] = [];
  for (const line of git(root, ['for-each-ref', '--sort=-creatordate', `--format=${format}`, 'refs/heads', 'refs/remotes', 'refs/tags']).toString('utf8').split('\n')) {
    const [ref, object, peeled, type, peeledType, time, subject] = line.split('\0');
    if (!ref || ref.endsWith('/HEAD')) continue;
    // An annotated tag names its commit through the tag object; a tag of a tree or blob names no commit.
    const commit = type === 'commit' ? object : peeledType === 'commit' ? peeled : undefined;
    if (!commit) continue;
    const kind = ref.startsWith('refs/heads/') ? 'branch' : ref.startsWith('refs/remotes/') ? 'remote' : 'tag';
    out.push({ name: ref.replace(/^refs\/(heads|remotes|tags)\//, ''), kind, commit, time: Number(time), subject: subject ?? '' });
  }
  return out;
}

/** The latest commits of HEAD (none in a repository without commits). */
export function recentCommits(root: string, count: number): Ref[] {
  if (!resolveCommit(root, 'HEAD')) return [];
  return git(root, ['log', `--max-count=${count}`, '--format=%H%x00%h%x00%ct%x00%s', '--end-of-options', 'HEAD']).toString('utf8').split('\n').filter(Boolean).map((line) => {
    const [commit, short, time, subject] = line.split('\0');
    return { name: short, kind: 'commit' as const, commit, time: Number(time), subject: subject ?? '' };
  });
}
