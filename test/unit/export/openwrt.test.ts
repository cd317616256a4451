// OpenWrt done right (issue 14, item 3): the complete opkg list from the cfg's own
// loadmodule lines, the bundle's procd service with its settings in UCI, and the
// files a sysupgrade must keep. The scripts themselves run in test/cli/openwrt.test.ts.
import { describe, expect, it } from 'vitest';
import { buildBundle, ExportError, type Bundle } from '../../../engines/export/index.js';
import {
  cfgModules, opkgInstallLines, opkgModulePackage, opkgPackages, renderOpenwrtInit, renderUci,
} from '../../../engines/export/openwrt.js';
import { placements, sysupgradeEntries } from '../../../engines/export/targets.js';
import { goodExampleFiles, petrolFiles, read } from '../parser/helpers.js';
import { analyseTexts, bundleOf, example, fileOf } from './helpers.js';

/** Every branch of every shipped example (the petrol stations with their profile), as OpenWrt bundles. */
function exampleBundles(): Bundle[] {
  const a = analyseTexts(Object.fromEntries([...goodExampleFiles(), ...petrolFiles()].map((f) => [f, read(f)])));
  return a.branches.map((b) => buildBundle(b, a.sources, { target: 'openwrt', toolVersion: '9.9.9' }));
}

const refusal = (cfg: string): string => {
  try {
    cfgModules(cfg);
  } catch (e) {
    expect(e).toBeInstanceOf(ExportError);
    return (e as Error).message;
  }
  throw new Error('not refused');
};

/** What the exporter can load today; each was checked in the telephony feed's net/kamailio/Makefile. */
const inEveryFeed = new Set(['tls', 'kex', 'corex', 'tm', 'tmx', 'sl', 'rr', 'pv', 'maxfwd', 'textops', 'siputils', 'xlog', 'sanity',
  'ipops', 'ctl', 'cfg_rpc', 'pike', 'ratelimit', 'statistics', 'path', 'usrloc', 'registrar', 'dispatcher', 'dialog']);

describe('opkg packages from the cfg\'s loadmodule lines', () => {
  it('getxo-clinic: the core package, then one package per module in load order', () => {
    const cfg = fileOf(bundleOf(example('examples/getxo-clinic.surv'), 'openwrt'), 'kamailio.cfg');
    expect(opkgPackages(cfg)).toEqual([
      'kamailio', 'kamailio-mod-kex', 'kamailio-mod-corex', 'kamailio-mod-tm', 'kamailio-mod-tmx', 'kamailio-mod-sl',
      'kamailio-mod-rr', 'kamailio-mod-pv', 'kamailio-mod-maxfwd', 'kamailio-mod-textops', 'kamailio-mod-siputils',
      'kamailio-mod-xlog', 'kamailio-mod-sanity', 'kamailio-mod-ipops', 'kamailio-mod-ctl', 'kamailio-mod-cfg-rpc',
      'kamailio-mod-pike', 'kamailio-mod-ratelimit', 'kamailio-mod-statistics', 'kamailio-mod-path', 'kamailio-mod-usrloc',
      'kamailio-mod-registrar', 'kamailio-mod-dispatcher', 'kamailio-mod-dialog',
    ]);
  });

  it('every example branch: one package per loadmodule line, each a module the feed packages', () => {
    const bundles = exampleBundles();
    expect(bundles).toHaveLength(29);
    for (const b of bundles) {
      const cfg = fileOf(b, 'kamailio.cfg');
      const loaded = cfg.split('\n').filter((l) => l.startsWith('loadmodule ')).map((l) => /^loadmodule "(\w+)\.so"$/.exec(l)![1]!);
      expect(loaded.length).toBeGreaterThan(10);
      expect(opkgPackages(cfg)).toEqual(['kamailio', ...loaded.map((m) => `kamailio-mod-${m.replace(/_/g, '-')}`)]);
      for (const m of loaded) expect(inEveryFeed.has(m), `${b.branch}: ${m}`).toBe(true);
    }
  });

  it('every example branch: README.txt has the whole opkg command, wrapped to 80 columns, no "..."', () => {
    for (const b of exampleBundles()) {
      const readme = fileOf(b, 'README.txt');
      const command = opkgInstallLines(opkgPackages(fileOf(b, 'kamailio.cfg')), '    ');
      expect(readme).toContain(`  module kamailio.cfg loads:\n${command.join('\n')}\n2. Copy this folder`);
      const install = readme.slice(readme.indexOf('\nINSTALL\n'), readme.indexOf('\n2. Copy this folder'));
      expect(install).toMatch(/opkg install kamailio /);
      expect(install).not.toContain('...');
      for (const line of command) expect(line.length).toBeLessThanOrEqual(80);
    }
  });

  it('underscores become dashes; duplicates count once', () => {
    expect(opkgModulePackage('cfg_rpc')).toBe('kamailio-mod-cfg-rpc');
    expect(opkgModulePackage('app_python3')).toBe('kamailio-mod-app-python3');
    expect(cfgModules('loadmodule "tm.so"\n  loadmodule  "cfg_rpc.so"  \n#loadmodule "dialog.so"\nloadmodule "tm.so"\n')).toEqual(['tm', 'cfg_rpc']);
  });

  it('refuses a loadmodule whose module is not a plain name', () => {
    expect(refusal('loadmodule "tm.so"\nloadmodule "/usr/lib/kamailio/modules/tm.so"\n')).toBe(
      'kamailio.cfg line 2: "loadmodule \\"/usr/lib/kamailio/modules/tm.so\\"" does not load a module by its plain name (loadmodule "NAME.so"), so no OpenWrt package can be named for it',
    );
    expect(refusal('loadmodule "tm; rm -rf /.so"')).toBe(
      'kamailio.cfg line 1: "loadmodule \\"tm; rm -rf /.so\\"" does not load a module by its plain name (loadmodule "NAME.so"), so no OpenWrt package can be named for it',
    );
    for (const bad of ['loadmodule "tm"', 'loadmodule "TM.so"', 'loadmodule "../tm.so"', 'loadmodule "tm.so" "sl.so"', 'loadmodule tm.so', 'loadmodule "{{ x }}.so"', 'loadmodule "t\u001bm.so"']) {
      expect(refusal(bad)).toMatch(/^kamailio\.cfg line 1: .* does not load a module by its plain name/);
    }
    expect(refusal('loadmodule "t\u001bm.so"')).toContain('t\\u001bm.so');
    expect(() => opkgModulePackage('tm-x')).toThrow(new ExportError('"tm-x" is not a Kamailio module name'));
  });

  it('wraps the command with backslashes at the width, the packages indented under it', () => {
    expect(opkgInstallLines(['kamailio', 'kamailio-mod-tm', 'kamailio-mod-sl', 'kamailio-mod-cfg-rpc'], '  ', 60)).toEqual([
      '  opkg update && opkg install kamailio kamailio-mod-tm \\',
      '    kamailio-mod-sl kamailio-mod-cfg-rpc',
    ]);
    expect(opkgInstallLines(['kamailio'])).toEqual(['  opkg update && opkg install kamailio']);
  });
});

describe('where the OpenWrt bundle puts things, and what a sysupgrade keeps', () => {
  it('the cfg, the UCI settings, the dispatcher list and the procd script; no /etc/default', () => {
    expect(placements('openwrt', true)).toEqual([
      { file: 'kamailio.cfg', destination: '/etc/kamailio/kamailio.cfg', mode: '644' },
      { file: 'surv.uci', destination: '/etc/config/surv', mode: '644' },
      { file: 'dispatcher.list', destination: '/etc/kamailio/dispatcher.list', mode: '644' },
      { file: 'surv-kamailio.init', destination: '/etc/init.d/surv-kamailio', mode: '755' },
    ]);
    expect(placements('openwrt', false).map((p) => p.file)).toEqual(['kamailio.cfg', 'surv.uci', 'surv-kamailio.init']);
  });

  it('debian and edgeos are as before', () => {
    expect(placements('debian', true)).toEqual([
      { file: 'kamailio.cfg', destination: '/etc/kamailio/kamailio.cfg', mode: '644' },
      { file: 'kamailio.default', destination: '/etc/default/kamailio', mode: '644' },
      { file: 'dispatcher.list', destination: '/etc/kamailio/dispatcher.list', mode: '644' },
      { file: 'kamailio-surv.conf', destination: '/etc/systemd/system/kamailio.service.d/surv.conf', mode: '644' },
    ]);
    expect(placements('edgeos', false)).toEqual([
      { file: 'kamailio.cfg', destination: '/config/surv/kamailio.cfg', mode: '644' },
      { file: 'kamailio.default', destination: '/config/surv/kamailio.default', mode: '644' },
      { file: 'surv-kamailio.sh', destination: '/config/scripts/post-config.d/surv-kamailio.sh', mode: '755' },
    ]);
  });

  it('sysupgrade keeps every installed file and the link that enables the service at boot', () => {
    expect(sysupgradeEntries(true)).toEqual([
      '/etc/kamailio/kamailio.cfg', '/etc/config/surv', '/etc/kamailio/dispatcher.list', '/etc/init.d/surv-kamailio', '/etc/rc.d/S95surv-kamailio',
    ]);
    expect(sysupgradeEntries(false)).toEqual(['/etc/kamailio/kamailio.cfg', '/etc/config/surv', '/etc/init.d/surv-kamailio', '/etc/rc.d/S95surv-kamailio']);
  });

  it('UCI settings: memory, cfg path, user, respawn', () => {
    const uci = renderUci('OpenWrt, procd', '9.9.9');
    expect(uci.split('\n').filter((l) => !/^\s*#/.test(l))).toEqual([
      '',
      "config kamailio 'kamailio'",
      "\toption cfg_file '/etc/kamailio/kamailio.cfg'",
      "\toption shm_memory '32'",
      "\toption pkg_memory '4'",
      "\toption user 'kamailio'",
      "\toption group 'kamailio'",
      "\toption respawn_threshold '3600'",
      "\toption respawn_timeout '5'",
      "\toption respawn_retry '0'",
      '',
    ]);
    expect(uci.startsWith('# /etc/config/surv: the survival proxy\'s start-up settings (OpenWrt, procd), written by surv 9.9.9.\n')).toBe(true);
  });

  it('the init script names the branch in a comment only, and refuses a name that could leave it', () => {
    expect(renderOpenwrtInit('getxo', '9.9.9').split('\n').slice(0, 2)).toEqual(['#!/bin/sh /etc/rc.common', '# /etc/init.d/surv-kamailio: surv 9.9.9, branch getxo.']);
    expect(() => renderOpenwrtInit('x\nrm -rf /', '9.9.9')).toThrow(new ExportError('branch name "x\\nrm -rf /" is not a valid surv name'));
  });

  it('README.txt: the boot, respawn and sysupgrade facts for OpenWrt', () => {
    const readme = fileOf(bundleOf(example('examples/getxo-clinic.surv'), 'openwrt'), 'README.txt');
    expect(readme).toContain([
      'FILES',
      '  kamailio.cfg         -> /etc/kamailio/kamailio.cfg',
      '  surv.uci             -> /etc/config/surv',
      '  dispatcher.list      -> /etc/kamailio/dispatcher.list',
      '  surv-kamailio.init   -> /etc/init.d/surv-kamailio',
    ].join('\n'));
    expect(readme).toContain([
      'BOOT',
      '  /etc/init.d/surv-kamailio (procd) starts Kamailio at boot and again whenever it dies:',
      '  a run shorter than 3600 s counts as a crash, each start waits 5 s, and procd never',
      '  gives up (respawn_retry 0). Its settings (memory, user, respawn) are UCI options:',
      '  uci show surv, then uci set surv.kamailio.NAME=VALUE, uci commit surv, reload_config.',
      '  The kamailio package\'s own /etc/init.d/kamailio is disabled (it has no respawn) and its',
      '  /etc/config/kamailio is left as it is (enabled \'0\' by default).',
      '',
      'FIRMWARE UPGRADE (sysupgrade)',
      '  install.sh lists these in /etc/sysupgrade.conf, so a sysupgrade keeps them:',
      '    /etc/kamailio/kamailio.cfg',
      '    /etc/config/surv',
      '    /etc/kamailio/dispatcher.list',
      '    /etc/init.d/surv-kamailio',
      '    /etc/rc.d/S95surv-kamailio',
      '  A sysupgrade removes every opkg package, Kamailio too. Afterwards install them again',
      '  (the same opkg command as above) and start the service:',
      '    /etc/init.d/surv-kamailio restart',
    ].join('\n'));
    expect(readme).toContain('in /etc/surv-install before changing it');
    expect(readme).not.toContain('/etc/default');
  });

  it('debian and edgeos READMEs keep apt-get and their own boot text', () => {
    const text = example('examples/bilbao.surv');
    expect(fileOf(bundleOf(text, 'debian'), 'README.txt')).toContain('1. Kamailio must be installed:\n  apt-get install kamailio\n');
    expect(fileOf(bundleOf(text, 'debian'), 'README.txt')).not.toMatch(/opkg|sysupgrade/);
    expect(fileOf(bundleOf(text, 'edgeos'), 'README.txt')).toContain('in /var/lib/surv-install before changing it');
  });
});
