// Scripted git repositories for tests: a temporary folder, `git init`, and commits at given dates
// (GIT_AUTHOR_DATE / GIT_COMMITTER_DATE), with no user or system config in play.

import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export class Repo {
  readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), 'egress-git-'));

  constructor() {
    this.git(['init', '-q', '-b', 'main']);
  }

  git(args: readonly string[], date = '2026-01-05T10:00:00Z'): string {
    const env = {
      ...process.env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1', GIT_AUTHOR_NAME: 'Test', GIT_AUTHOR_EMAIL: 't@example.com',
      GIT_COMMITTER_NAME: 'Test', GIT_COMMITTER_EMAIL: 't@example.com', GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date,
    };
    const r = spawnSync('git', args, { cwd: this.dir, env, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
    return r.stdout.trim();
  }

  /** Writes files (null deletes one). */
  write(files: Record<string, string | null>): this {
    for (const [rel, content] of Object.entries(files)) {
      const file = path.join(this.dir, rel);
      if (content === null) { fs.rmSync(file, { force: true }); continue; }
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, content);
    }
    return this;
  }

  /** Writes the files and commits everything at `date`; returns the commit id. */
  commit(message: string, date: string, files: Record<string, string | null> = {}): string {
    this.write(files);
    this.git(['add', '-A']);
    this.git(['commit', '-q', '--allow-empty', '-m', message], date);
    return this.git(['rev-parse', 'HEAD']);
  }
}
