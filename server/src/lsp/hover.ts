// Hover on an AI account's type or name: its egress posture (report/explain.ts writes the text), from the
// analysis of the text the client has.

import type { Hover, HoverParams, TextDocuments } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { Loc } from '../engine/model';
import { rangeOf } from '../engine/text';
import { egressHover } from '../report/explain';
import type { Validator } from './documents';

export function provideHover(params: HoverParams, documents: TextDocuments<TextDocument>, validator: Validator): Hover | null {
  const doc = documents.get(params.textDocument.uri);
  const analysis = doc && validator.current(doc);
  if (!doc || !analysis?.egress) return null;
  const offset = doc.offsetAt(params.position);
  const within = (loc: Loc | undefined) => !!loc && loc.file.uri === doc.uri && loc.start <= offset && offset <= loc.end;
  const accounts = analysis.egress();
  const hit = accounts.find((a) => within(a.loc) || within(a.nameLoc));
  if (!hit) return null;
  const loc = within(hit.loc) ? hit.loc : hit.nameLoc!;
  // The same declaration under each parameter file.
  const same = accounts.filter((a) => a.loc.file.uri === hit.loc.file.uri && a.loc.start === hit.loc.start);
  return { contents: { kind: 'markdown', value: egressHover(same) }, range: rangeOf(doc.getText(), loc.start, loc.end) };
}
