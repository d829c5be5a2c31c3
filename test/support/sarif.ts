// Validates a SARIF log against the SARIF 2.1.0 schema (the one @microsoft/jest-sarif ships), for CLI tests.

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import Ajv from 'ajv-draft-04';

export function sarifSchemaValid(log: unknown): boolean {
  const schema = JSON.parse(fs.readFileSync(require.resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json'), 'utf8'));
  const ajv = new Ajv({ allErrors: true, strict: false, validateFormats: false, unicodeRegExp: false });
  assert.ok(ajv.validate(schema, log), JSON.stringify(ajv.errors, null, 2));
  return true;
}
