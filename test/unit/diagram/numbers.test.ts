// The design ladder's number labels (engines/diagram/numbers.ts).
import { describe, expect, it } from 'vitest';
import { extensionPatternLabels } from '../../../engines/diagram/numbers.js';
import type { PlanInbound } from '../../../engines/plan/index.js';

describe('extensionPatternLabels', () => {
  it('names the extension pattern as written, leaving the did pattern alone', () => {
    // The did pattern's text holds '1XX'; the extension pattern is 5XX.
    const plan = { patterns: [{ pattern: { prefix: '9441231', digits: 2 }, extension: { prefix: '5', digits: 2 } }] } as unknown as PlanInbound;
    expect(extensionPatternLabels(plan)).toEqual(['did 9441231XX: the extension 5XX its last digits pick']);
  });
});
