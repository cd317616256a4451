// io/write-bundle.ts with the Ansible project: its manifest lists files in folders
// (roles/..., bundles/...), so replacing DIR checks every level against that list.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { renderAnsible } from '../../../engines/export/ansible.js';
import type { FleetHost } from '../../../engines/export/fleet-types.js';
import { ExportError } from '../../../engines/export/index.js';
import { writeBundleDir } from '../../../io/write-bundle.js';
import { bundleOf, plain } from './helpers.js';

const work = mkdtempSync(join(tmpdir(), 'surv-ansible-write-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const bundle = bundleOf(plain());
const host: FleetHost = {
  branch: bundle.branch, target: 'debian', address: '192.0.2.1', sip: { transport: 'udp', address: '10.1.0.1', port: 5060 },
  cfgPath: '/etc/kamailio/kamailio.cfg', bundle,
};
const project = renderAnsible([host], '9.9.9');

let n = 0;
function fresh(): string {
  const out = join(work, `p${++n}`, 'out');
  writeBundleDir(out, project, false);
  return out;
}

describe('writing the Ansible project', () => {
  it('writes it and replaces it with itself', () => {
    const out = fresh();
    expect(readFileSync(join(out, 'roles/surv_branch/tasks/main.yml'), 'utf8')).toBe(project.find((f) => f.path === 'roles/surv_branch/tasks/main.yml')!.content);
    expect(() => writeBundleDir(out, project, false)).not.toThrow();
  });

  it('refuses a file it did not write, deep down, and keeps it', () => {
    const out = fresh();
    mkdirSync(join(out, 'roles/surv_branch/files'));
    writeFileSync(join(out, 'roles/surv_branch/files/mine.txt'), 'mine\n');
    expect(() => writeBundleDir(out, project, false)).toThrow(ExportError);
    expect(() => writeBundleDir(out, project, false))
      .toThrow(`'${out}' holds 'roles/surv_branch/files', which the previous export did not write: refusing to replace it`);
    expect(readFileSync(join(out, 'roles/surv_branch/files/mine.txt'), 'utf8')).toBe('mine\n');
  });

  it('refuses a link where it wrote a folder, and a folder where it wrote a file', () => {
    const a = fresh();
    rmSync(join(a, 'bundles'), { recursive: true });
    symlinkSync('/etc', join(a, 'bundles'));
    expect(() => writeBundleDir(a, project, false)).toThrow(`'${a}' holds 'bundles', a symbolic link where the previous export wrote a folder`);
    const b = fresh();
    rmSync(join(b, 'roles/surv_branch/tasks/main.yml'));
    mkdirSync(join(b, 'roles/surv_branch/tasks/main.yml'));
    expect(() => writeBundleDir(b, project, false)).toThrow(`'${b}' holds 'roles/surv_branch/tasks/main.yml', a folder where the previous export wrote a file`);
  });

  it('replaces a plain bundle folder with the project, and the project with a bundle', () => {
    const out = join(work, 'swap', 'out');
    writeBundleDir(out, bundle.files, false);
    expect(() => writeBundleDir(out, project, false)).not.toThrow();
    expect(() => writeBundleDir(out, bundle.files, false)).not.toThrow();
    expect(readFileSync(join(out, 'kamailio.cfg'), 'utf8')).toBe(bundle.files.find((f) => f.path === 'kamailio.cfg')!.content);
  });
});
