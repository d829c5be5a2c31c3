// Finding and reading the files to audit, for the CLI and the editor's workspace audit.

import * as fs from 'node:fs';
import * as path from 'node:path';
import picomatch from 'picomatch';
import { fileKindOf, type ProblemCode } from '../engine/analyze';
import { CONFIG_FILE_NAME } from '../engine/config';
import type { SourceFile } from '../engine/model';
import { pathToFileURL } from 'node:url';
import { MAX_EXPORT_BYTES, mayBeExport } from '../engine/deployed/reader';

export const SKIPPED_DIRS = new Set(['node_modules', '.git']);
/** Config files are read as settings, never checked as templates. */
export const CONFIG_FILE_NAMES = new Set([CONFIG_FILE_NAME, 'bicepconfig.json']);
/** Larger files are reported and skipped: no template is this big. */
export const MAX_FILE_BYTES = 32 * 1024 * 1024;

/** A problem of a file or folder that stopped it being (fully) checked. Line and column are 1-based. */
export interface FileProblem {
  readonly path: string;
  readonly code: ProblemCode;
  readonly severity: 'error' | 'warning';
  readonly message: string;
  readonly line?: number;
  readonly column?: number;
  readonly endLine?: number;
  readonly endColumn?: number;
}

export interface Collected {
  readonly files: string[];
  readonly problems: FileProblem[];
  /** Names in each folder the walk read (file URI of the folder → names), so the audit need not read them again. */
  readonly listings: Map<string, string[]>;
  /** Each input path or glob, with the files it matched (after excludes). */
  readonly inputs: { readonly input: string; readonly files: readonly string[] }[];
}

const GLOB_CHARS = /[*?[\]{}!]/;

/**
 * Expands paths and globs into the files to audit: directories are walked (skipping
 * node_modules, .git and config files), `exclude` globs (relative to `cwd`) are honoured.
 * A path that does not exist matches nothing (the caller decides whether that is an error).
 */
export function collectFiles(inputs: readonly string[], cwd: string, exclude: readonly string[] = [], isExcluded?: (absPath: string) => boolean): Collected {
  const files = new Set<string>();
  const problems: FileProblem[] = [];
  const listings = new Map<string, string[]>();
  const perInput: Collected['inputs'] = [];
  const excluded = exclude.length ? picomatch(exclude as string[], { dot: true }) : undefined;
  const skip = excluded || isExcluded ? (abs: string) => {
    const rel = path.relative(cwd, abs).split(path.sep).join('/');
    return (excluded?.(rel) ?? false) || (isExcluded?.(abs) ?? false);
  } : () => false;
  for (const input of inputs) {
    const matched: string[] = [];
    const add = (file: string) => {
      matched.push(file);
      files.add(file);
    };
    if (GLOB_CHARS.test(input)) {
      const base = globBase(input);
      const matcher = picomatch(input.split(path.sep).join('/'), { dot: false });
      const root = path.resolve(cwd, base);
      walk(root, problems, listings, (file) => {
        const rel = path.relative(cwd, file).split(path.sep).join('/');
        if (matcher(rel) || matcher(file.split(path.sep).join('/'))) add(file);
      }, skip);
    } else {
      const abs = path.resolve(cwd, input);
      let stat: fs.Stats | undefined;
      try {
        stat = fs.statSync(abs);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code !== 'ENOENT' && code !== 'ENOTDIR') problems.push({ path: abs, code: 'unreadable-file', severity: 'error', message: `cannot read: ${errorText(error)}` });
      }
      if (stat?.isDirectory()) walk(abs, problems, listings, add, skip);
      else if (stat && fileKindOf(abs) && !CONFIG_FILE_NAMES.has(path.basename(abs)) && !skip(abs)) add(abs);
    }
    perInput.push({ input, files: matched });
  }
  return { files: [...files].sort(), problems, listings, inputs: perInput };
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

/** An error from fs in words, without Node's syscall and path (`ENOENT: no such file…, scandir '/x'`). */
function errorText(error: unknown): string {
  const e = error as NodeJS.ErrnoException;
  switch (e.code) {
    case 'ENOENT': return 'no such file or directory';
    case 'EACCES': case 'EPERM': return 'permission denied';
    case 'EISDIR': return 'is a folder';
    case 'ELOOP': return 'too many symbolic links';
    default: return e.message;
  }
}

/** Template files under `dir` (not config files, not under node_modules or .git), skipping what `skip` says. */
function walk(dir: string, problems: FileProblem[], listings: Map<string, string[]>, onFile: (file: string) => void, skip: (abs: string) => boolean): void {
  const stack = [dir];
  while (stack.length) {
    const current = stack.pop()!;
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(current, { withFileTypes: true });
    } catch (error) {
      // A glob whose base does not exist matches nothing; a folder that cannot be read might hold templates.
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR') problems.push({ path: current, code: 'unreadable-file', severity: 'error', message: `cannot read folder: ${errorText(error)}` });
      continue;
    }
    listings.set(pathToFileURL(current).href, entries.map((e) => e.name));
    for (const entry of entries) {
      const abs = path.join(current, entry.name);
      if (entry.isDirectory()) {
        if (!SKIPPED_DIRS.has(entry.name) && !skip(abs)) stack.push(abs);
      } else if (entry.isFile() && !CONFIG_FILE_NAMES.has(entry.name) && fileKindOf(entry.name) && !skip(abs)) {
        onFile(abs);
      }
    }
  }
}

/** The file-too-large problem of a file of `bytes` bytes, or undefined within the limit (the CLI's and the editor's). */
export function fileTooLarge(bytes: number, maxBytes = MAX_FILE_BYTES): Omit<FileProblem, 'path'> | undefined {
  if (bytes <= maxBytes) return undefined;
  return { code: 'file-too-large', severity: 'warning', message: `file too large: ${(bytes / 1024 / 1024).toFixed(1)} MB is over the ${formatMb(maxBytes)} MB limit; not analysed` };
}

/**
 * Reads a file for analysis; binary, oversized or unreadable files give a problem instead. One open: its size is
 * that of the open file (no stat of the path first). `uri`: the file's URI, when the caller has it already.
 */
export function readSourceFile(absPath: string, maxBytes = MAX_FILE_BYTES, uri?: string): { file?: SourceFile; problem?: Omit<FileProblem, 'path'> } {
  const kind = fileKindOf(absPath);
  if (!kind) return notTemplate();
  let buffer: Buffer;
  try {
    const fd = fs.openSync(absPath, 'r');
    try {
      const size = fs.fstatSync(fd).size;
      const large = tooLarge(size, () => (kind === 'arm' ? head(fd) : ''), maxBytes);
      if (large) return { problem: large };
      buffer = readAll(fd, size);
    } finally {
      fs.closeSync(fd);
    }
  } catch (error) {
    return { problem: { code: 'unreadable-file', severity: 'error', message: `cannot read: ${errorText(error)}` } };
  }
  return sourceFromBuffer(absPath, buffer, uri);
}

/** `readSourceFile` of content read already (`text`: the buffer as UTF-8, when decoded already). */
export function checkedSource(absPath: string, buffer: Buffer, maxBytes = MAX_FILE_BYTES, uri?: string, text?: string): { file?: SourceFile; problem?: Omit<FileProblem, 'path'> } {
  const kind = fileKindOf(absPath);
  if (!kind) return notTemplate();
  const large = tooLarge(buffer.length, () => (kind === 'arm' ? buffer.toString('utf8', 0, HEAD_BYTES) : ''), maxBytes);
  return large ? { problem: large } : sourceFromBuffer(absPath, buffer, uri, text);
}

function notTemplate(): { problem: Omit<FileProblem, 'path'> } {
  return { problem: { code: 'unreadable-file', severity: 'error', message: 'not a template file type (.json, .jsonc, .bicep, .bicepparam)' } };
}

/** The whole content of an open file of `size` bytes (more or less, if it changes meanwhile). */
function readAll(fd: number, size: number): Buffer {
  let buffer = Buffer.allocUnsafe(size);
  let length = 0;
  for (;;) {
    if (length === buffer.length) buffer = Buffer.concat([buffer, Buffer.allocUnsafe(Math.max(8192, buffer.length))], buffer.length * 2 || 8192);
    const n = fs.readSync(fd, buffer, length, buffer.length - length, null);
    if (n === 0) return buffer.subarray(0, length);
    length += n;
  }
}

/** A file's content for analysis (from disk or from git): binary content is a problem; a byte order mark is dropped. */
export function sourceFromBuffer(absPath: string, buffer: Buffer, uri?: string, decoded?: string): { file?: SourceFile; problem?: Omit<FileProblem, 'path'> } {
  const kind = fileKindOf(absPath);
  if (!kind) return notTemplate();
  if (buffer.subarray(0, 8192).includes(0)) return { problem: { code: 'binary-file', severity: 'warning', message: 'binary file (it contains NUL bytes); not analysed' } };
  let text = decoded ?? buffer.toString('utf8');
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  return { file: { uri: uri ?? pathToFileURL(absPath).href, text, kind } };
}

/** Whether a file of this size is over the limit (exports of deployed accounts have their own, larger one). */
export function tooLarge(size: number, start: () => string, maxBytes = MAX_FILE_BYTES): Omit<FileProblem, 'path'> | undefined {
  if (size <= maxBytes || (size <= MAX_EXPORT_BYTES && largeExport(start()))) return undefined;
  return fileTooLarge(size, maxBytes);
}

/** Over the template size limit, only what starts as an export of AI accounts is read (no template does). */
function largeExport(start: string): boolean {
  return mayBeExport(start) && /"type"\s*:\s*"microsoft\.cognitiveservices\/accounts"/i.test(start) && !/"(\$schema|contentVersion)"\s*:/.test(start);
}

const HEAD_BYTES = 4096;

/** The first 4 KB of an open file, as text. */
function head(fd: number): string {
  const buffer = Buffer.alloc(HEAD_BYTES);
  return buffer.toString('utf8', 0, fs.readSync(fd, buffer, 0, buffer.length, 0));
}

function formatMb(bytes: number): string {
  return String(Math.round((bytes / 1024 / 1024) * 10) / 10);
}
