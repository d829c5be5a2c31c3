// A burst of incremental changes applied to a document at once. Applied one by one, each change of a 5 MB text
// copies the whole text (13 ms) and shifts every line offset after it: 1,000 keystrokes took 15 s. Here the changes
// apply to a window of the lines they touch, grown as needed, and the text is put together once at the end.

import { TextDocument } from 'vscode-languageserver-textdocument';
import type { TextDocumentContentChangeEvent } from 'vscode-languageserver/node';

/** The text of `doc` after `changes`, each relative to the text the previous one left (as LSP sends them). */
export function applyBurst(doc: TextDocument, changes: readonly TextDocumentContentChangeEvent[]): string {
  // A full-text change replaces everything before it.
  let base = doc;
  let from = 0;
  for (let i = changes.length - 1; i >= 0; i--) {
    const change = changes[i];
    if (!('range' in change)) {
      base = TextDocument.create(doc.uri, doc.languageId, doc.version, change.text);
      from = i + 1;
      break;
    }
  }
  const text = base.getText();
  // A lone CR line break could join a "\n" typed after it into one break across the window's edge.
  if (/\r(?!\n)/.test(text)) return sequentially(base, changes.slice(from));
  const lineCount = base.lineCount;
  /** Offset of the start of line `line` of the base text (its end past the last line). */
  const lineStart = (line: number) => (line >= lineCount ? text.length : base.offsetAt({ line, character: 0 }));

  // The window: lines [first, first + covered) of the current text, which were base lines [first, baseEnd).
  let first = -1;
  let baseEnd = 0;
  let window = TextDocument.create('window:', '', 0, '');
  const covered = () => (baseEnd >= lineCount ? Infinity : window.lineCount - 1);
  for (let i = from; i < changes.length; i++) {
    const change = changes[i] as { range: { start: { line: number; character: number }; end: { line: number; character: number } }; text: string };
    const [start, end] = before(change.range.start, change.range.end) ? [change.range.start, change.range.end] : [change.range.end, change.range.start];
    const startLine = Math.max(start.line, 0);
    const endLine = Math.max(end.line, 0);
    if (first < 0) {
      // The window starts at a line start: past the last line, at the last line.
      first = baseEnd = Math.min(startLine, lineCount - 1);
    } else if (startLine < first) {
      // Lines above the window are still as in the base text.
      window = TextDocument.create('window:', '', 0, text.slice(lineStart(startLine), lineStart(first)) + window.getText());
      first = startLine;
    }
    const missing = endLine - first - covered() + 1;
    if (missing > 0) {
      // Lines below the window are the base lines after it.
      window = TextDocument.create('window:', '', 0, window.getText() + text.slice(lineStart(baseEnd), lineStart(baseEnd + missing)));
      baseEnd += missing;
    }
    // Offsets from the window's own fresh line offsets (TextDocument.update's incremental ones go wrong after a
    // position past the end of the text).
    const offset = (p: { line: number; character: number }) => window.offsetAt({ line: Math.max(p.line, 0) - first, character: p.character });
    const windowText = window.getText();
    window = TextDocument.create('window:', '', 0, windowText.slice(0, offset(start)) + change.text + windowText.slice(offset(end)));
  }
  if (first < 0) return text;
  return text.slice(0, lineStart(first)) + window.getText() + text.slice(lineStart(baseEnd));
}

function before(a: { line: number; character: number }, b: { line: number; character: number }): boolean {
  return a.line < b.line || (a.line === b.line && a.character <= b.character);
}

/** The changes applied one by one (each on a fresh copy: see above). */
function sequentially(doc: TextDocument, changes: readonly TextDocumentContentChangeEvent[]): string {
  let text = doc.getText();
  for (const change of changes) text = TextDocument.update(TextDocument.create(doc.uri, doc.languageId, 0, text), [change], 0).getText();
  return text;
}
