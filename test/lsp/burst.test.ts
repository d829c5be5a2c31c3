// applyBurst against the changes applied one by one, on random texts and changes (past line ends and the end too).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { TextDocumentContentChangeEvent } from 'vscode-languageserver/node';
import { applyBurst } from '../../server/src/lsp/burst';

/** A small deterministic generator (mulberry32). */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

test('a burst of changes gives the text the changes applied one by one give', () => {
  const next = random(15);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(next() * xs.length)];
  const pieces = ['a', 'bc', '\n', '\r\n', '  ', '{ "x": 1 }', '', '\n\n', 'a', 'bc', '\n', '\r'];
  for (let round = 0; round < 2000; round++) {
    let text = '';
    for (let i = Math.floor(next() * 30); i > 0; i--) text += pick(pieces);
    const start = TextDocument.create('file:///b.json', 'json', 1, text);
    // TextDocument.update changes the document it is given: each step updates a copy.
    let sequential = TextDocument.create('file:///b.json', 'json', 1, text);
    const changes: TextDocumentContentChangeEvent[] = [];
    for (let i = 1 + Math.floor(next() * 12); i > 0; i--) {
      const lines = sequential.lineCount;
      // Positions past line ends and past the last line are clamped, as clients may send them.
      const position = () => ({ line: Math.floor(next() * (lines + 2)), character: Math.floor(next() * 8) });
      const change: TextDocumentContentChangeEvent = next() < 0.05 ? { text: pick(pieces) + pick(pieces) } : { range: { start: position(), end: position() }, text: next() < 0.4 ? '' : pick(pieces) };
      changes.push(change);
      // A fresh document each time: the library's own line offsets go wrong after a position past the end.
      sequential = TextDocument.update(TextDocument.create('file:///b.json', 'json', 1, sequential.getText()), [change], 1);
    }
    assert.equal(applyBurst(start, changes), sequential.getText(), `text ${JSON.stringify(text)}, changes ${JSON.stringify(changes)}`);
  }
});
