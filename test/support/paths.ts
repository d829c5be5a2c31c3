import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** Repository root (tests run from out/test/...). */
export const ROOT = path.resolve(__dirname, '../../..');
export const CLI = path.join(ROOT, 'dist', 'cli.js');
export const SERVER = path.join(ROOT, 'dist', 'server.js');
export const EXAMPLES = path.join(ROOT, 'examples');
export const CORPUS = path.resolve(ROOT, '..', 'shared', 'corpus', 'arm');
export const CORPUS_BICEP = path.resolve(ROOT, '..', 'shared', 'corpus', 'bicep');

/** A fresh temporary folder holding the given files (relative path → content). */
export function tempTree(files: Record<string, string | Buffer>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'egress-guard-'));
  for (const [rel, content] of Object.entries(files)) {
    const file = path.join(dir, rel);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, content);
  }
  return dir;
}
