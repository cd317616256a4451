// Shared by the capture reader tests: write bytes to a temporary file, read them back.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { readCapture, type CaptureItem, type ReadOptions } from '../../../io/capture/index.js';

const dirs: string[] = [];

export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'surv-capture-'));
  dirs.push(dir);
  return dir;
}

afterAll(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

let count = 0;

export function writeTemp(bytes: Uint8Array, name = `capture-${++count}.pcap`): string {
  const path = join(tempDir(), name);
  writeFileSync(path, bytes);
  return path;
}

export async function readAll(path: string, options?: ReadOptions): Promise<CaptureItem[]> {
  const items: CaptureItem[] = [];
  for await (const item of readCapture(path, options)) items.push(item);
  return items;
}

export async function readBytes(bytes: Uint8Array, options?: ReadOptions): Promise<CaptureItem[]> {
  return readAll(writeTemp(bytes), options);
}

/** The rejection's message, for exact assertions. */
export async function errorOf(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}
