// README.txt: for the person at the router, who may never have seen the .surv design.
import type { Tunable } from './cfg-globals.js';
import { eventCounters, eventTag } from '../plan/index.js';
import { plainLine } from './escape.js';
import { openwrtInit, openwrtRespawn, opkgInstallLines, opkgPackages, uciName, uciSection } from './openwrt.js';
import type { Plan } from './plan.js';
import { bootFile, installStateDir, placements, sysupgradeEntries, targetInfo } from './targets.js';
import type { Target } from './types.js';

function installKamailio(target: Target, tls: Plan['tls'], packages: readonly string[]): string[] {
  // The tls module is not in Debian's base package.
  const debs = tls ? 'kamailio kamailio-tls-modules' : 'kamailio';
  const files = tls
    ? [`  TLS: put the certificate ${tls.certificate} and its key ${tls.key}${tls.ca ? `, and the CA ${tls.ca},` : ''} on the router,`, '  readable by the kamailio user, before Kamailio starts: it does not start without them.']
    : [];
  switch (target) {
    case 'debian':
      return [`  apt-get install ${debs}`, ...files];
    case 'edgeos':
      return [
        '  EdgeOS is Debian underneath: add the Debian repository of your firmware and',
        `  apt-get install ${debs}. Keep the .deb files in /config/data/firstboot/install-packages/`,
        '  too: EdgeOS 2 installs them again after a firmware upgrade, which removes all packages.',
        ...files,
      ];
    case 'openwrt':
      return [
        '  From OpenWrt\'s telephony feed: the core package (with kamcmd) and one package per',
        '  module kamailio.cfg loads:',
        ...opkgInstallLines(packages, '    '),
        ...files,
      ];
  }
}

/**
 * `cfgText`: the bundle's kamailio.cfg, whose loadmodule lines name the OpenWrt packages.
 */
export function renderReadme(plan: Plan, target: Target, toolVersion: string, list: readonly Tunable[], warnings: readonly string[], cfgText: string): string {
  const info = targetInfo[target];
  const probing = plan.probing !== undefined;
  const files = placements(target, probing);
  const packages = opkgPackages(cfgText);
  const upstreams = plan.outbound?.chain.map((u) => `${u.name} (${u.du})`).join(', then ') ?? '(none)';
  const gateways = (list: readonly { name: string; contactHost: string }[], host: boolean) => `gateway ${list.map((g) => (host ? `${g.name} (${g.contactHost})` : g.name)).join(', else ')}`;
  const actions = plan.outbound?.actions.map((a) => (a.kind === 'announce' ? `announce ${a.code} "${a.reason}"` : a.kind === 'redirect' ? `${a.code} redirect to ${gateways(a.gateways, true)}` : `relay to ${gateways(a.gateways, false)}`)).join(', then ') ?? '(none)';
  const lines = [
    `SURVIVAL PROXY FOR BRANCH ${plan.branch.toUpperCase()}`,
    '='.repeat(`SURVIVAL PROXY FOR BRANCH ${plan.branch}`.length),
    '',
    `This folder configures Kamailio on this router (${info.title}) as the branch's`,
    'SIP survival proxy. Every phone uses it as its outbound proxy. Normally it passes',
    'registrations and calls to the central PBX. When the PBX sends no reply at all, it',
    'sends the calls out through the local PSTN gateway instead ("survival").',
    `Made by surv ${toolVersion} from the branch's .surv design. Do not edit these files`,
    'here: change the design and export again.',
    '',
    'WHAT IT DOES',
    `  Calls from the LAN (${plan.lans.join(', ')}) go to: ${upstreams}.`,
    `  No reply at all within ${plan.timers.noAnswerMs / 1000} s: the next upstream; after the last: ${actions}.`,
    `  Only 100 Trying and no ringing within ${plan.timers.tryingMs / 1000} s: the same (the upstream counts as silent).`,
    '  A call that rang or got an error reply is never diverted.',
  ];
  if (plan.outbound && plan.outbound.emergency.length > 0) {
    lines.push(`  Emergency numbers ${plan.outbound.emergency.join(', ')} go straight to gateway ${plan.outbound.emergencyGateways.map((g) => g.name).join(', else ') || '?'}.`);
  }
  const counted = plan.gateways.filter((g) => g.channels !== undefined);
  if (plan.outbound && counted.length > 0) {
    lines.push(`  Calls to and from each gateway are counted (${counted.map((g) => `${g.name} ${g.channels}`).join(', ')} channels): a full gateway`);
    lines.push('  is skipped, a gateway that fails (no reply, 408, 486, 503, 600) leaves the call to the next one;');
    lines.push('  with none left the phone gets 503 No Gateway Available. kamcmd dlg.profile_get_size gw NAME shows the count.');
  }
  if (plan.local) {
    const numbers = plan.local.routes.map((r) => r.number!);
    const list = `${numbers.slice(0, 6).join(', ')}${numbers.length > 6 ? ', ...' : ''}`;
    lines.push(plan.local.mode === 'always'
      ? `  Calls between the branch's phones (${list}) never go upstream: this proxy rings the phone itself.`
      : `  In survival, calls between the branch's phones (${list}) are rung by this proxy itself, never through a gateway.`);
  }
  if (plan.inbound) lines.push(`  Calls from gateway ${plan.inbound.from.map((g) => g.name).join(', ')} ring the branch's phones.`);
  if (plan.probing) lines.push(`  The upstreams are probed with OPTIONS every ${plan.probing.intervalS} s; while one is down, calls skip it.`);
  lines.push(
    '',
    'INSTALL',
    '1. Kamailio must be installed:',
    ...installKamailio(target, plan.tls, packages),
    '2. Copy this folder to the router (e.g. scp -r), then, as root, in the folder:',
    '     sh install.sh --dry-run     shows what would change, changes nothing',
    '     sh install.sh               installs and restarts Kamailio',
    '   install.sh checks the new kamailio.cfg with "kamailio -c" first, and stops before any',
    '   change if a file it must replace is a folder or a link. It notes every file it (or',
    `   the boot hook) will change in ${installStateDir[target]} before changing it, and puts`,
    '   everything back if anything fails: Kamailio does not start, a copy fails (a full',
    '   disk), Ctrl-C. A run cut off (power loss) is rolled back by the next run. Each file',
    '   it replaces is also kept as FILE.surv-previous. Running it again changes nothing.',
    '',
    'FILES',
    ...files.map((p) => `  ${p.file.padEnd(20)} -> ${p.destination}`),
    '  install.sh, README.txt, manifest.json (sha256 of every file, the source and the',
    '  tool version), SHA256SUMS (checked by install.sh; also: sha256sum -c SHA256SUMS)',
    '',
    'BOOT',
  );
  if (target === 'edgeos') {
    lines.push(
      `  The files live in /config/surv, which survives firmware upgrades. ${bootFile.edgeos}`,
      '  in /config/scripts/post-config.d/ runs at every boot: it copies them into /etc and',
      '  (re)starts Kamailio. After a firmware upgrade, install the kamailio package again.',
    );
  } else if (target === 'debian') {
    lines.push('  systemd starts kamailio.service at boot; the drop-in adds a config check before each', '  start and restarts Kamailio if it dies.');
  } else {
    const r = openwrtRespawn;
    lines.push(
      `  ${openwrtInit} (procd) starts Kamailio at boot and again whenever it dies:`,
      `  a run shorter than ${r.threshold} s counts as a crash, each start waits ${r.timeout} s, and procd never`,
      `  gives up (respawn_retry ${r.retry}). Its settings (memory, user, respawn) are UCI options:`,
      `  uci show ${uciName}, then uci set ${uciName}.${uciSection}.NAME=VALUE, uci commit ${uciName}, reload_config.`,
      '  The kamailio package\'s own /etc/init.d/kamailio is disabled (it has no respawn) and its',
      '  /etc/config/kamailio is left as it is (enabled \'0\' by default).',
      '',
      'FIRMWARE UPGRADE (sysupgrade)',
      '  install.sh lists these in /etc/sysupgrade.conf, so a sysupgrade keeps them:',
      ...sysupgradeEntries(probing).map((e) => `    ${e}`),
      '  A sysupgrade removes every opkg package, Kamailio too. Afterwards install them again',
      '  (the same opkg command as above) and start the service:',
      `    ${openwrtInit} restart`,
      '  Until then it logs the opkg command to run (logread -e surv-kamailio). Or copy this',
      '  folder to the router again and run sh install.sh: it puts back whatever is missing',
      '  or different, and starts Kamailio.',
    );
  }
  lines.push(
    '',
    'CHECK AND TUNE',
    '  Logs go to syslog (facility local0, tag kamailio): survival events are NOTICE lines.',
    `  Each survival transition is one line starting "${eventTag}", its fields key=value:`,
    `    ${eventTag} branch=${plan.branch} event=survival-start direction=outbound upstream=NAME t=UNIXTIME call-id=ID`,
    '  event: survival-start (a call from the LAN found no upstream; upstream: the last one',
    '  tried, none when all were marked down), upstream-down and upstream-up (probing),',
    '  local-call (a call between the branch\'s phones rung by this proxy itself),',
    '  survival-relay and survival-redirect (gateway=NAME: where survival sent the call).',
    '  call-id, the only value from the network, is last and runs to the end of the line.',
    `  Counters since Kamailio started (statistics module): kamcmd stats.get_statistics ${eventCounters['survival-start']}`,
    `  (also ${Object.values(eventCounters).slice(1).join(', ')}); all of them: kamcmd stats.get_statistics script:`,
    '  Timers can be changed while it runs, until the next restart:',
    ...list.map((t) => `    kamcmd cfg.set${typeof t.value === 'number' ? 'i' : 's'} survival ${t.name} ${typeof t.value === 'number' ? t.value : '"..."'}`),
    '  kamcmd cfg.get survival no_answer shows a value; kamcmd dispatcher.list shows the probes.',
    '',
    'ROLL BACK',
    '  A failed install rolls itself back. To go back after a successful one, in this folder:',
    '     sh install.sh --rollback',
    `  puts back every file the last install replaced (kept in ${installStateDir[target]}.last)`,
    '  and restarts Kamailio on them.',
  );
  if (warnings.length > 0) lines.push('', 'NOTES', ...warnings.map((w) => `  - ${w}`));
  return `${lines.map(plainLine).join('\n')}\n`;
}
