// Every shipped good example analyses with zero diagnostics: each examples/*.surv
// alone, the petrol-station fleet (examples/petrol-stations/, all its files together),
// and all of them together as one fleet (unique branch names, no overlapping LANs).
import { describe, expect, it } from 'vitest';
import { analyze } from '../../../grammar/src/index.js';
import { goodExampleFiles, petrolFiles, read } from '../parser/helpers.js';

const source = (file: string) => ({ uri: file, text: read(file) });
const summary = (d: { uri: string; range: { start: { line: number; character: number } }; severity: string; code: string; message: string }) =>
  `${d.uri}:${d.range.start.line + 1}:${d.range.start.character + 1}: ${d.severity} ${d.code}: ${d.message}`;

describe('good examples have no diagnostics', () => {
  it.each(goodExampleFiles())('%s alone', (file) => {
    const analysis = analyze([source(file)]);
    expect(analysis.diagnostics.map(summary)).toEqual([]);
    expect(analysis.model.branches.length).toBeGreaterThan(0);
    expect(analysis.model.scenarios.length).toBeGreaterThan(0);
  });

  it('examples/petrol-stations as one fleet', () => {
    const analysis = analyze(petrolFiles().map(source));
    expect(analysis.diagnostics.map(summary)).toEqual([]);
    expect(analysis.model.branches.map((b) => b.name)).toEqual(Array.from({ length: 24 }, (_, i) => `station-${String(i + 1).padStart(2, '0')}`));
  });

  it('every good example and the petrol stations together, as one fleet', () => {
    const analysis = analyze([...goodExampleFiles(), ...petrolFiles()].map(source));
    expect(analysis.diagnostics.map(summary)).toEqual([]);
    expect(analysis.model.branches).toHaveLength(29);
  });

  it('a petrol station file alone cannot see its profile (use needs the file)', () => {
    const analysis = analyze([source('examples/petrol-stations/station-01.surv')]);
    expect(analysis.diagnostics.some((d) => d.code === 'SURV004')).toBe(true);
  });
});
