// Finding and reading the files to audit, for the CLI and the editor's workspace audit.

import * as fs from 'node:fs';
import * as path from 'node:path';
import picomatch from 'picomatch';
import { fileKindOf } from '../engine/analyze';
import type { SourceFile } from '../engine/model';
import { pathToFileURL } from 'node:url';

export const SKIPPED_DIRS = new Set(['node_modules', '.git']);
/** Larger files are reported and skipped: no template is this big. */
export const MAX_FILE_BYTES = 32 * 1024 * 1024;

export interface FileProblem { readonly path: string; readonly message: string }

export interface Collected {
  readonly files: string[];
  readonly problems: FileProblem[];
  /** Names in each folder the walk read (file URI of the folder → names), so the audit need not read them again. */
  readonly listings: Map<string, string[]>;
}

const GLOB_CHARS = /[*?[\]{}!]/;

/**
 * Expands paths and globs into the files to audit: directories are walked (skipping
 * node_modules and .git), `exclude` globs (relative to `cwd`) are honoured.
 */
export function collectFiles(inputs: readonly string[], cwd: string, exclude: readonly string[] = [], isExcluded?: (absPath: string) => boolean): Collected {
  const files = new Set<string>();
  const problems: FileProblem[] = [];
  const listings = new Map<string, string[]>();
  const excluded = exclude.length ? picomatch(exclude as string[], { dot: true }) : undefined;
  const skip = excluded || isExcluded ? (abs: string) => {
    const rel = path.relative(cwd, abs).split(path.sep).join('/');
    return (excluded?.(rel) ?? false) || (isExcluded?.(abs) ?? false);
  } : () => false;
  for (const input of inputs) {
    if (GLOB_CHARS.test(input)) {
      const base = globBase(input);
      const matcher = picomatch(input.split(path.sep).join('/'), { dot: false });
      const root = path.resolve(cwd, base);
      walk(root, problems, listings, (file) => {
        const rel = path.relative(cwd, file).split(path.sep).join('/');
        if (matcher(rel) || matcher(file.split(path.sep).join('/'))) files.add(file);
      }, skip, false);
      continue;
    }
    const abs = path.resolve(cwd, input);
    let stat: fs.Stats;
    try {
      stat = fs.statSync(abs);
    } catch (error) {
      problems.push({ path: abs, message: `cannot read: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or directory' : (error as Error).message}` });
      continue;
    }
    if (stat.isDirectory()) walk(abs, problems, listings, (file) => files.add(file), skip, true);
    else if (!skip(abs)) files.add(abs);
  }
  return { files: [...files].sort(), problems, listings };
}

function globBase(glob: string): string {
  const parts = glob.split(/[\\/]/);
  const base: string[] = [];
  for (const part of parts) {
    if (GLOB_CHARS.test(part)) break;
    base.push(part);
  }
  return base.join('/') || '.';
}

function walk(dir: string, problems: FileProblem[], listings: Map<string, string[]>, onFile: (file: string) => void, skip: (abs: string) => boolean, templatesOnly: boolean): void {
  const stack = [dir];
  while (stack.length) {
    const current = stack.pop()!;
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(current, { withFileTypes: true });
    } catch (error) {
      problems.push({ path: current, message: `cannot read folder: ${(error as Error).message}` });
      continue;
    }
    listings.set(pathToFileURL(current).href, entries.map((e) => e.name));
    for (const entry of entries) {
      const abs = path.join(current, entry.name);
      if (skip(abs)) continue;
      if (entry.isDirectory()) {
        if (!SKIPPED_DIRS.has(entry.name)) stack.push(abs);
      } else if (entry.isFile() && (!templatesOnly || fileKindOf(entry.name))) {
        onFile(abs);
      }
    }
  }
}

/** Reads a file for analysis; binary, oversized or unreadable files give a problem instead. */
export function readSourceFile(absPath: string): { file?: SourceFile; problem?: string } {
  const kind = fileKindOf(absPath);
  if (!kind) return { problem: 'not a template file type (.json, .jsonc, .bicep, .bicepparam)' };
  let buffer: Buffer;
  try {
    const size = fs.statSync(absPath).size;
    if (size > MAX_FILE_BYTES) return { problem: `skipped: ${(size / 1024 / 1024).toFixed(1)} MB is larger than the ${MAX_FILE_BYTES / 1024 / 1024} MB limit` };
    buffer = fs.readFileSync(absPath);
  } catch (error) {
    return { problem: `cannot read: ${(error as Error).message}` };
  }
  if (buffer.subarray(0, 8192).includes(0)) return { problem: 'skipped: binary file' };
  let text = buffer.toString('utf8');
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  return { file: { uri: pathToFileURL(absPath).href, text, kind } };
}
