// What the tests take from the docs themselves, so a doc that drifts from the code fails a test.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { root } from './built.js';

/** The reserved words as docs/language.md lists them ("Keywords are reserved ... `branch ... trunk`."). */
export function documentedKeywords(): string[] {
  const doc = readFileSync(join(root, 'docs/language.md'), 'utf8');
  const match = /Keywords are reserved[^`]*`([^`]+)`/.exec(doc);
  if (!match?.[1]) throw new Error('docs/language.md no longer lists the reserved words');
  return match[1].split(/\s+/).filter(Boolean);
}
