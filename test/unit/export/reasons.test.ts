// The replies the exported proxy makes from a code use the simulator's words.
import { describe, expect, it } from 'vitest';
import { reasonOf } from '../../../server/src/export/plan.js';
import { reasonOf as simulatorReasonOf } from '../../../server/src/simulate/actors.js';

describe('reason phrases', () => {
  it('match the simulator for every code 100-699', () => {
    const codes = Array.from({ length: 600 }, (_, i) => 100 + i);
    expect(codes.map(reasonOf)).toEqual(codes.map(simulatorReasonOf));
  });
});
