// A cloned repository is enough to attack an editor: a workspace holding a FIFO named
// p.surv, a link x.surv -> /dev/zero, a link loop and two links to `.` used to keep
// the server from ever answering `initialize`; `use "/dev/zero"` in an open document
// grew it to 5 GB. Each wait here is bounded, so a regression fails instead of hanging.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanBranch } from '../cli/helpers.js';
import { startServer, summarize, type LspServer } from './harness.js';

const secret = 'SURV-LSP-SECRET-51d2';
const outsideRoot = 'outside the root (surv reads only files inside the folders it was given)';

const branch = (name: string, n: number): string => cleanBranch(name, n);

function mkfifo(path: string): void {
  const made = spawnSync('mkfifo', [path]);
  if (made.status !== 0) throw new Error(`mkfifo ${path}: ${made.stderr.toString()}`);
}

/** Outside the workspace: a design whose content must never reach the client. */
const outside = realpathSync(mkdtempSync(join(tmpdir(), 'surv-lsp-outside-')));
writeFileSync(join(outside, 'secret.surv'), `${secret} profile leak {}\n`);
afterAll(() => rmSync(outside, { recursive: true, force: true }));

describe('a hostile workspace', () => {
  let server: LspServer;
  beforeAll(async () => {
    server = await startServer({
      timeoutMs: 10_000,
      files: {
        'good.surv': branch('good', 1),
        'bom.surv': `\ufeff${branch('bom', 2)}`,
        'sub/c.surv': branch('charlie', 3),
      },
      prepare: (folder) => {
        mkfifo(join(folder, 'p.surv'));
        symlinkSync('/dev/zero', join(folder, 'x.surv'));
        symlinkSync('loop.surv', join(folder, 'loop.surv'));
        symlinkSync('.', join(folder, 'dot1'));
        symlinkSync('.', join(folder, 'dot2'));
        symlinkSync('..', join(folder, 'sub/up'));
        mkdirSync(join(folder, '.hidden'));
        mkfifo(join(folder, '.hidden/pipe.surv'));
        symlinkSync('.hidden/pipe.surv', join(folder, 'pipe-link.surv'));
      },
    });
  }, 30_000);
  afterAll(async () => {
    expect(await server.shutdown()).toBe(0);
  });

  it('answers initialize, and reports each bad entry at its first line', async () => {
    expect(server.initializeResult.capabilities.hoverProvider).toBe(true);
    const at = (path: string) => server.diagnostics(server.uri(path));
    const shape = async (path: string) => (await at(path)).map((d) => [d.code, d.message, d.range.start.line, d.range.start.character]);
    expect(await shape('p.surv')).toEqual([['SURV007', 'not read: not a regular file (a FIFO)', 0, 0]]);
    expect(await shape('x.surv')).toEqual([['SURV006', `not read: ${outsideRoot}`, 0, 0]]);
    expect(await shape('loop.surv')).toEqual([['SURV007', 'not read: a symbolic link loop', 0, 0]]);
    expect(await shape('pipe-link.surv')).toEqual([['SURV007', 'not read: not a regular file (a FIFO)', 0, 0]]);
    expect(await at('good.surv')).toEqual([]);
    expect(await at('sub/c.surv')).toEqual([]);
  });

  it('reads a workspace file with a UTF-8 byte order mark as surv check does (no SURV001)', async () => {
    expect(await server.diagnostics(server.uri('bom.surv'))).toEqual([]);
  });

  it('lists each file once, though two links lead to the folder again', async () => {
    await server.settle();
    const files = new Set(server.publishes.map((p) => p.uri.slice(server.uri('').length + 1)));
    expect([...files].sort()).toEqual(['bom.surv', 'good.surv', 'loop.surv', 'p.surv', 'pipe-link.surv', 'sub/c.surv', 'x.surv']);
  });

  it('an open document using /dev/zero, a FIFO or a file outside the workspace: located errors, no content, bounded memory', async () => {
    const before = server.rss();
    const uri = server.uri('open.surv');
    const text = `use "/dev/zero"\nuse "p.surv"\nuse "${join(outside, 'secret.surv')}"\nuse "../${outside.split('/').pop() ?? ''}/secret.surv"\n${branch('open', 4)}`;
    const found = await server.openAndWait(uri, text);
    expect(summarize(found.filter((d) => d.code !== 'SURV015'))).toEqual(['SURV006@0:4-0:15', 'SURV006@2:4-2:' + String(6 + join(outside, 'secret.surv').length), 'SURV006@3:4-3:' + String(6 + `../${outside.split('/').pop() ?? ''}/secret.surv`.length), 'SURV007@1:4-1:12']);
    expect(found.find((d) => d.range.start.line === 1)?.message).toBe("cannot use 'p.surv': not a regular file (a FIFO)");
    expect(JSON.stringify(server.publishes)).not.toContain(secret);
    expect(server.stderr()).not.toContain(secret);
    expect(server.rss() - before).toBeLessThan(200 * 1024 * 1024);
    const symbols = await server.request<unknown[]>('workspace/symbol', { query: '' });
    expect(symbols.length).toBeGreaterThan(0);
    await server.close(uri);
  });

  it('Export Bundle refuses a document whose use leaves the workspace, naming the use, quoting nothing', async () => {
    writeFileSync(join(server.folder, 'leaky.surv'), `use "${join(outside, 'secret.surv')}"\n${branch('leaky', 5)}`);
    const out = join(server.folder, 'out-leaky');
    await expect(server.request('surv/export', { uri: server.uri('leaky.surv'), target: 'debian', out })).rejects.toMatchObject({
      message: expect.stringContaining(`leaky.surv:1: error SURV006: cannot use '${join(outside, 'secret.surv')}': ${outsideRoot}`) as unknown,
    });
  });
});
