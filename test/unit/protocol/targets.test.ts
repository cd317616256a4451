// protocol/src names the export targets without importing the exporter (the client
// must not pull it in), so the two lists are held equal here, by type and by value.
import { describe, expect, it } from 'vitest';
import type { ExportTarget } from '../../../protocol/src/index.js';
import { targets, type Target } from '../../../engines/export/index.js';

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const sameTargets: Same<ExportTarget, Target> = true;

describe('protocol/src ExportTarget', () => {
  it("is the exporter's list of targets", () => {
    const declared: Record<ExportTarget, true> = { edgeos: true, debian: true, openwrt: true };
    expect(sameTargets).toBe(true);
    expect([...targets].sort()).toEqual(Object.keys(declared).sort());
  });
});
