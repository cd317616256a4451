// `surv/export` and `surv/exportBranches` through the protocol against the built
// server: the bundle is the CLI's, byte for byte (single branch, a station that `use`s
// its profile, a file of two branches as a fleet, an archive); a policy with errors,
// even unsaved, is refused with its first error's line and nothing is written; bad
// params are InvalidParams.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, root } from '../support/built.js';
import { errorOf, startServer, type LspServer } from './harness.js';

interface ExportAnswer {
  bundles: { branch: string; dir: string; files: string[]; notes: string[] }[];
  archive?: string;
}

const cli = join(root, 'bin/surv.cjs');
const invalidParams = -32602;
const requestFailed = -32803;


/** Every file below `dir` (relative path -> bytes and mode), for exact comparison. */
function tree(dir: string): Map<string, { bytes: Buffer; mode: number }> {
  const found = new Map<string, { bytes: Buffer; mode: number }>();
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const path = join(d, name);
      const stats = statSync(path);
      if (stats.isDirectory()) walk(path);
      else found.set(relative(dir, path), { bytes: readFileSync(path), mode: stats.mode & 0o777 });
    }
  };
  walk(dir);
  return found;
}

function runCli(args: readonly string[], cwd = root): void {
  const run = spawnSync(process.execPath, [cli, 'export', ...args], { cwd, encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`surv export ${args.join(' ')} exited ${run.status}:\n${run.stdout}${run.stderr}`);
}

function expectSameTree(lsp: string, byCli: string): void {
  const a = tree(lsp);
  const b = tree(byCli);
  expect([...a.keys()]).toEqual([...b.keys()]);
  for (const [path, file] of b) {
    const mine = a.get(path);
    expect(mine?.mode, path).toBe(file.mode);
    expect(mine?.bytes.equals(file.bytes), path).toBe(true);
  }
}

describe('surv/export', () => {
  let server: LspServer;
  let tmp: string;

  beforeAll(async () => {
    await ensureBuilt('cli', cli);
    server = await startServer({ examples: true });
    tmp = mkdtempSync(join(tmpdir(), 'surv-lsp-export-'));
  });

  afterAll(async () => {
    await server?.shutdown();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it('exports bilbao.surv (not even open) as surv export does, every file byte for byte, despite errors in broken/', async () => {
    const out = join(tmp, 'lsp-bilbao');
    const answer = await server.request<ExportAnswer>('surv/export', { uri: server.uri('bilbao.surv'), target: 'edgeos', out });
    expect(answer.archive).toBeUndefined();
    expect(answer.bundles.map((b) => [b.branch, b.dir])).toEqual([['bilbao', out]]);
    expect(answer.bundles[0]?.files).toEqual([...tree(out).keys()].sort());
    expect(answer.bundles[0]?.files).toContain('kamailio.cfg');
    expect(answer.bundles[0]?.files).toContain('install.sh');
    runCli(['examples/bilbao.surv', '--target', 'edgeos', '--out', join(tmp, 'cli-bilbao')]);
    expectSameTree(out, join(tmp, 'cli-bilbao'));
  });

  it('exports an open station that uses its profile, for each target, with the archive, as the CLI does', async () => {
    const station = server.uri('petrol-stations/station-07.surv');
    await server.openAndWait(station);
    try {
      for (const target of ['edgeos', 'debian', 'openwrt']) {
        // The same folder name under two parents: the archive's entries start with it.
        const out = join(tmp, 'lsp', `st07-${target}`);
        const byCli = join(tmp, 'cli', `st07-${target}`);
        const answer = await server.request<ExportAnswer>('surv/export', { uri: station, target, out, archive: true });
        expect(answer.archive).toBe(`${out}.tar.gz`);
        runCli(['examples/petrol-stations/station-07.surv', '-t', target, '-o', byCli, '--archive']);
        expectSameTree(out, byCli);
        expect(readFileSync(`${out}.tar.gz`).equals(readFileSync(`${byCli}.tar.gz`)), target).toBe(true);
      }
    } finally {
      await server.close(station);
    }
  });

  it('lists the branches of a file, and exports a file of two branches as a fleet, or one branch alone', async () => {
    const bilbao = readFileSync(join(root, 'examples/bilbao.surv'), 'utf8');
    const start = bilbao.indexOf('branch bilbao {');
    const block = bilbao.slice(start, bilbao.indexOf('\n}\n', start) + 3);
    const text = `${bilbao}\n${block.replace('branch bilbao {', 'branch getxo {').replaceAll('10.222.237.', '10.222.238.')}`;
    const folder = join(tmp, 'pair');
    mkdirSync(folder);
    writeFileSync(join(folder, 'pair.surv'), text);
    writeFileSync(join(server.folder, 'pair.surv'), text);
    const uri = server.uri('pair.surv');
    await server.openAndWait(uri, text);
    try {
      expect(await server.request<string[]>('surv/exportBranches', { uri })).toEqual(['bilbao', 'getxo']);
      const out = join(tmp, 'lsp-pair');
      const answer = await server.request<ExportAnswer>('surv/export', { uri, target: 'debian', out });
      expect(answer.bundles.map((b) => [b.branch, b.dir])).toEqual([['bilbao', join(out, 'bilbao')], ['getxo', join(out, 'getxo')]]);
      runCli(['pair.surv', '-t', 'debian', '-o', join(tmp, 'cli-pair')], folder);
      expectSameTree(out, join(tmp, 'cli-pair'));

      const one = join(tmp, 'lsp-getxo');
      const alone = await server.request<ExportAnswer>('surv/export', { uri, target: 'debian', out: one, branch: 'getxo' });
      expect(alone.bundles.map((b) => [b.branch, b.dir])).toEqual([['getxo', one]]);
      runCli(['pair.surv', '-t', 'debian', '-o', join(tmp, 'cli-getxo'), '--branch', 'getxo'], folder);
      expectSameTree(one, join(tmp, 'cli-getxo'));
    } finally {
      await server.close(uri);
    }
  });

  it('refuses a document with an error (unsaved edits count) with the error and its line, and writes nothing', async () => {
    const uri = server.uri('bilbao.surv');
    const text = readFileSync(join(server.folder, 'bilbao.surv'), 'utf8');
    const broken = text.replace('edge listen udp 10.222.237.1:5060', 'edge listen udp 10.222.237.999:5060');
    expect(broken).not.toBe(text);
    const line = broken.slice(0, broken.indexOf('10.222.237.999')).split('\n').length;
    const diagnostics = await server.openAndWait(uri, broken);
    const first = diagnostics.find((d) => d.severity === 1);
    expect(first?.range.start.line).toBe(line - 1);
    try {
      const out = join(tmp, 'refused');
      const error = await errorOf(server.request('surv/export', { uri, target: 'edgeos', out }));
      expect(error.code).toBe(requestFailed);
      expect(error.message).toBe(`bilbao.surv:${line}: error ${String(first?.code)}: ${first?.message}: the policy has errors, nothing exported`);
      expect(existsSync(out)).toBe(false);
      expect(readdirSync(tmp).filter((n) => n.startsWith('.refused'))).toEqual([]);
    } finally {
      await server.close(uri);
    }
  });

  it('refuses to replace a folder that is not a surv bundle, leaving it as it was', async () => {
    const out = join(tmp, 'precious');
    mkdirSync(out);
    writeFileSync(join(out, 'notes.txt'), 'mine');
    const error = await errorOf(server.request('surv/export', { uri: server.uri('bilbao.surv'), target: 'edgeos', out }));
    expect(error).toEqual({ code: requestFailed, message: `'${out}' exists and is not a surv bundle: refusing to replace it (remove it, or choose another folder)` });
    expect(readdirSync(out)).toEqual(['notes.txt']);
  });

  it('answers InvalidParams for bad params', async () => {
    const uri = server.uri('bilbao.surv');
    const out = join(tmp, 'never');
    const cases: [unknown, string][] = [
      [null, 'surv/export: params.uri must be a document URI'],
      [{ target: 'edgeos', out }, 'surv/export: params.uri must be a document URI'],
      [{ uri: 'untitled:Untitled-1', target: 'edgeos', out }, 'surv/export: untitled:Untitled-1 is not a file on disk (only a saved .surv file can be exported)'],
      [{ uri, target: 'cisco', out }, 'surv/export: params.target must be one of edgeos, debian, openwrt'],
      [{ uri, out }, 'surv/export: params.target must be one of edgeos, debian, openwrt'],
      [{ uri, target: 'edgeos', out: 'relative/dir' }, 'surv/export: params.out must be an absolute folder path'],
      [{ uri, target: 'edgeos' }, 'surv/export: params.out must be an absolute folder path'],
      [{ uri, target: 'edgeos', out, archive: 'yes' }, 'surv/export: params.archive must be true or false when given'],
      [{ uri, target: 'edgeos', out, branch: 3 }, 'surv/export: params.branch must be a branch name when given'],
      [{ uri, target: 'edgeos', out, branch: 'nowhere' }, "surv/export: no branch named 'nowhere' in 'bilbao.surv'"],
      [{ uri: server.uri('missing.surv'), target: 'edgeos', out }, `surv/export: ${join(server.folder, 'missing.surv')} cannot be read`],
    ];
    for (const [params, message] of cases) {
      expect(await errorOf(server.request('surv/export', params)), JSON.stringify(params)).toEqual({ code: invalidParams, message });
    }
    expect(existsSync(out)).toBe(false);
    expect(await errorOf(server.request('surv/exportBranches', { uri: 3 }))).toEqual({ code: invalidParams, message: 'surv/export: params.uri must be a document URI' });
  });
});
