// `router { platform  manage  user }`: the value checks, the merge through profiles, the
// export target it gives, and the Ansible host it makes of a branch.
import { describe, expect, it } from 'vitest';
import { analyze } from '../../../grammar/src/index.js';
import { buildBundle, exportBranches, ExportError, fleetHost, targetOf } from '../../../engines/export/index.js';
import { analyseTexts, plain } from './helpers.js';

const withRouter = (router: string) => plain(`  ${router}\n`);

function errorsOf(text: string): string[] {
  return analyze([{ uri: 'test.surv', text }]).diagnostics
    .filter((d) => d.severity === 'error')
    .map((d) => `${d.range.start.line + 1}:${d.range.start.character + 1} ${d.code} ${d.message}`);
}

describe('router { } values', () => {
  it('a full block is clean, and the model has each field with its origin', () => {
    const a = analyseTexts({ 'test.surv': withRouter('router { platform openwrt  manage 10.40.7.1:2222  user root }') });
    const r = a.branches[0]!.router!;
    expect(r.platform.value).toBe('openwrt');
    expect(r.manage.value).toEqual({ address: '10.40.7.1', family: 4, port: 2222 });
    expect(r.user.value).toBe('root');
    expect(a.sources.where(r.manage.origin)).toMatch(/^test\.surv:\d+$/);
  });

  it('manage defaults to SSH port 22; IPv6 in brackets with a port', () => {
    expect(analyseTexts({ 'test.surv': withRouter('router { manage 10.40.7.1 }') }).branches[0]!.router!.manage.value).toEqual({ address: '10.40.7.1', family: 4, port: 22 });
    expect(analyseTexts({ 'test.surv': withRouter('router { manage [fd00::7]:2200 }') }).branches[0]!.router!.manage.value).toEqual({ address: 'fd00::7', family: 6, port: 2200 });
  });

  it('bad values are located errors', () => {
    const text = withRouter('router { platform mikrotik  manage 10.40.7.0/24  user Admin }');
    const line = text.split('\n').findIndex((l) => l.includes('router {')) + 1;
    const col = (word: string) => text.split('\n')[line - 1]!.indexOf(word) + 1;
    expect(errorsOf(text)).toEqual([
      `${line}:${col('mikrotik')} SURV026 expected a router platform (edgeos, debian or openwrt), found name 'mikrotik'`,
      `${line}:${col('10.40.7.0/24')} SURV020 a prefix length is not allowed here: this is one host, not a network`,
      `${line}:${col('Admin')} SURV026 expected an SSH user name (lower-case letters, digits, '_' and '-', at most 32, not starting with a digit or '-'), found name 'Admin'`,
    ]);
  });

  it('a field given twice, and a second block, are reported', () => {
    const twice = errorsOf(withRouter('router { user root  user admin }'));
    expect(twice).toHaveLength(1);
    expect(twice[0]).toMatch(/SURV014 'user' is given twice in this block$/);
    const blocks = errorsOf(withRouter('router { user root }\n  router { manage 10.0.0.1 }'));
    expect(blocks).toHaveLength(1);
    expect(blocks[0]).toMatch(/SURV014 only one 'router' block is allowed per branch$/);
  });

  it('merged field by field: the profile\'s platform and user, the branch\'s address', () => {
    const text = `profile station {\n  router { platform openwrt  user root }\n}\n${plain('  router { manage 10.40.7.1 }\n').replace(/branch (\S+) \{/, 'branch $1 uses station {')}`;
    const a = analyseTexts({ 'test.surv': text });
    const r = a.branches[0]!.router!;
    expect([r.platform.value, r.manage.value?.address, r.user.value]).toEqual(['openwrt', '10.40.7.1', 'root']);
  });
});

describe('the export target and the fleet host', () => {
  it('--target overrides the design; without either the export refuses, naming the branch and its line', () => {
    const a = analyseTexts({ 'test.surv': withRouter('router { platform edgeos }') });
    const b = a.branches[0]!;
    expect(targetOf(b, undefined, a.sources)).toBe('edgeos');
    expect(targetOf(b, 'debian', a.sources)).toBe('debian');
    const bare = analyseTexts({ 'test.surv': plain() });
    const e = (() => { try { targetOf(bare.branches[0]!, undefined, bare.sources); } catch (error) { return error; } return undefined; })();
    expect(e).toBeInstanceOf(ExportError);
    expect((e as ExportError).message).toBe(`branch '${bare.branches[0]!.name}' has no 'router { platform edgeos|debian|openwrt }' and no --target was given: say which router it runs on`);
    expect((e as ExportError).where).toMatch(/^test\.surv:\d+$/);
  });

  it('a fleet of mixed platforms: each bundle for its own router, the fleet manifest says which', () => {
    const text = plain('  router { platform openwrt }\n') + plain('  router { platform edgeos }\n').replace('branch plain {', 'branch other {').replace(/10\.1\.0\./g, '10.2.0.');
    const a = analyseTexts({ 'test.surv': text });
    const result = exportBranches(a.branches, a.sources, { toolVersion: '9.9.9', fleet: true });
    expect(result.bundles.map((b) => [b.branch, b.target])).toEqual([['other', 'edgeos'], ['plain', 'openwrt']]);
    const manifest = JSON.parse(result.files.find((f) => f.path === 'manifest.json')!.content) as { target?: string; branches: { branch: string; target: string }[] };
    expect(manifest.target).toBeUndefined();
    expect(Object.fromEntries(manifest.branches.map((b) => [b.branch, b.target]))).toEqual({ plain: 'openwrt', other: 'edgeos' });
  });

  it('fleetHost: the SSH address, port and user, the profile, the UDP socket to ask, the cfg Kamailio runs', () => {
    const text = `profile station {\n  router { platform openwrt  user root }\n}\n${plain('  router { manage 10.40.7.1:2222 }\n').replace(/branch (\S+) \{/, 'branch $1 uses station {')}`;
    const a = analyseTexts({ 'test.surv': text });
    const b = a.branches[0]!;
    const bundle = buildBundle(b, a.sources, { target: 'openwrt', toolVersion: '9.9.9' });
    const host = fleetHost(b, bundle, a.sources);
    expect(host).not.toBeInstanceOf(ExportError);
    const { bundle: carried, ...rest } = host as Exclude<typeof host, ExportError>;
    expect(carried).toBe(bundle);
    expect(rest).toEqual({
      branch: b.name, profile: 'station', target: 'openwrt', address: '10.40.7.1', port: 2222, user: 'root',
      sip: { transport: 'udp', address: b.listens.value[0]!.address, port: b.listens.value[0]!.port },
      cfgPath: '/etc/kamailio/kamailio.cfg',
    });
  });

  it('fleetHost: no manage address is a located error; port 22 and no user are left to Ansible', () => {
    const a = analyseTexts({ 'test.surv': withRouter('router { platform debian }') });
    const b = a.branches[0]!;
    const bundle = buildBundle(b, a.sources, { target: 'debian', toolVersion: '9.9.9' });
    const e = fleetHost(b, bundle, a.sources);
    expect(e).toBeInstanceOf(ExportError);
    expect((e as ExportError).message).toBe(`branch '${b.name}' has no 'router { manage ADDRESS }': Ansible cannot reach it`);
    expect((e as ExportError).where).toMatch(/^test\.surv:\d+$/);
    const ok = analyseTexts({ 'test.surv': withRouter('router { manage 10.40.7.1 }') });
    const host = fleetHost(ok.branches[0]!, bundle, ok.sources) as Exclude<ReturnType<typeof fleetHost>, ExportError>;
    expect(host.port).toBeUndefined();
    expect(host.user).toBeUndefined();
    expect(host.profile).toBeUndefined();
  });
});
