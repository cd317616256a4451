// README.txt: for the person at the router, who may never have seen the .surv design.
import type { Tunable } from './cfg-globals.js';
import { plainLine } from './escape.js';
import type { Plan } from './plan.js';
import { bootFile, placements, targetInfo } from './targets.js';
import type { Target } from './types.js';

function installKamailio(target: Target): string[] {
  switch (target) {
    case 'debian':
      return ['  apt-get install kamailio'];
    case 'edgeos':
      return [
        '  EdgeOS is Debian underneath: add the Debian repository of your firmware and',
        '  apt-get install kamailio. Keep the .deb files in /config/data/firstboot/install-packages/',
        '  too: EdgeOS 2 installs them again after a firmware upgrade, which removes all packages.',
      ];
    case 'openwrt':
      return ['  opkg update && opkg install kamailio kamailio-mod-tm kamailio-mod-tmx kamailio-mod-sl \\', '    kamailio-mod-rr kamailio-mod-pv ... (one kamailio-mod-NAME package per module listed in kamailio.cfg)'];
  }
}

export function renderReadme(plan: Plan, target: Target, toolVersion: string, list: readonly Tunable[], warnings: readonly string[]): string {
  const info = targetInfo[target];
  const files = placements(target, plan.probing !== undefined);
  const upstreams = plan.outbound?.chain.map((u) => `${u.name} (${u.du})`).join(', then ') ?? '(none)';
  const actions = plan.outbound?.actions.map((a) => (a.kind === 'announce' ? `announce ${a.code} "${a.reason}"` : a.kind === 'redirect' ? `${a.code} redirect to gateway ${a.gateway.name} (${a.gateway.contactHost})` : `relay to gateway ${a.gateway.name}`)).join(', then ') ?? '(none)';
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
    '  A call that rang or got an error reply is never diverted.',
  ];
  if (plan.outbound && plan.outbound.emergency.length > 0) {
    lines.push(`  Emergency numbers ${plan.outbound.emergency.join(', ')} go straight to gateway ${plan.outbound.emergencyGateway?.name ?? '?'}.`);
  }
  if (plan.inbound) lines.push(`  Calls from gateway ${plan.inbound.from.map((g) => g.name).join(', ')} ring the branch's phones.`);
  if (plan.probing) lines.push(`  The upstreams are probed with OPTIONS every ${plan.probing.intervalS} s; while one is down, calls skip it.`);
  lines.push(
    '',
    'INSTALL',
    '1. Kamailio must be installed:',
    ...installKamailio(target),
    '2. Copy this folder to the router (e.g. scp -r), then, as root, in the folder:',
    '     sh install.sh --dry-run     shows what would change, changes nothing',
    '     sh install.sh               installs and restarts Kamailio',
    '   install.sh checks the new kamailio.cfg with "kamailio -c" first, and stops before any',
    '   change if a file it must replace is a folder or a link. It notes every file it (or',
    '   the boot hook) will change in /var/lib/surv-install before changing it, and puts',
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
    lines.push('  /etc/init.d/surv-kamailio (procd) starts Kamailio at boot and respawns it. The', '  kamailio package\'s own init script is disabled.');
  }
  lines.push(
    '',
    'CHECK AND TUNE',
    '  Logs go to syslog (facility local0, tag kamailio): survival events are NOTICE lines.',
    '  Timers can be changed while it runs, until the next restart:',
    ...list.map((t) => `    kamcmd cfg.set${typeof t.value === 'number' ? 'i' : 's'} survival ${t.name} ${typeof t.value === 'number' ? t.value : '"..."'}`),
    '  kamcmd cfg.get survival no_answer shows a value; kamcmd dispatcher.list shows the probes.',
    '',
    'ROLL BACK',
    '  A failed install rolls itself back. To go back after a successful one: put the',
    '  FILE.surv-previous files back in place and restart Kamailio.',
  );
  if (target === 'edgeos') lines.push('  Both those in /config/surv and those in /etc: the boot hook copies /config/surv', '  into /etc at every boot.');
  if (warnings.length > 0) lines.push('', 'NOTES', ...warnings.map((w) => `  - ${w}`));
  return `${lines.map(plainLine).join('\n')}\n`;
}
