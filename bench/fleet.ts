// Generates the benchmark fleet: a shared profile file and N realistic branch
// files of about 50 lines each (a branch, three scenarios), as `surv check` on a
// fleet folder would see them.
export interface FleetFile {
  readonly uri: string;
  readonly text: string;
}

export function generateFleet(branches: number): FleetFile[] {
  const files: FleetFile[] = [{ uri: 'fleet/profile.surv', text: profile.join('\n') }];
  for (let i = 0; i < branches; i++) files.push({ uri: `fleet/site-${String(i).padStart(4, '0')}.surv`, text: branch(i).join('\n') });
  return files;
}

const profile = [
  '# generated benchmark fleet: the shared profile',
  'profile site {',
  '  upstream cloud { proxy sip:pbx.example.com:5060  probe options every 15s timeout 2s down after 2 up after 3 holdoff 60s }',
  '  upstream backup { proxy sip:pbx2.example.com:5060;transport=tcp }',
  '  timers { no-answer 6s  ringing 60s  t1 500ms  t2 4s  budget 15s }',
  '  register { forward cloud with path  keep local copy }',
  '}',
];

function branch(i: number): string[] {
  const net = `10.${100 + (i >> 8)}.${i & 255}`;
  return [
    'use "profile.surv"',
    `# branch ${i}: generated`,
    `branch site-${i} uses site {`,
    `  edge listen udp ${net}.1:5060, tcp ${net}.1:5060`,
    `  lan ${net}.0/24`,
    `  gateway pstn {`,
    `    address ${net}.3`,
    '    kind bri',
    '    channels 4',
    '  }',
    `  phone reception 100 at ${net}.10`,
    `  phone desk1 101 at ${net}.11`,
    `  phone desk2 102 at ${net}.12`,
    `  phone desk3 103 at ${net}.13`,
    `  phone manager 104 at ${net}.14`,
    '  phone laptop 105 registered',
    '  group front parallel [reception, desk1, desk2] ring 20s',
    '  group office serial [desk3, manager] ring 15s',
    '  outbound from lan via cloud, backup {',
    '    on timeout {',
    '      announce 181 "Survival Activated - please standby"',
    '      redirect 302 to pstn',
    '    }',
    '    pass 4xx, 5xx, 6xx',
    '    emergency 112, 091, 062 direct to pstn',
    '    rewrite { match 0  strip 1  prefix +34 }',
    '  }',
    '  inbound from pstn {',
    '    ring front for 20s then ring office',
    `    did 9440${String(i).padStart(5, '0')} to manager`,
    '  }',
    '}',
    `scenario "cloud silent ${i}" in site-${i} {`,
    '  cloud silent',
    '  backup silent',
    '  desk1 calls 944000000',
    '  expect desk1 gets 181 at 12s',
    `  expect desk1 gets 302 at 12s contact sip:944000000@${net}.3`,
    '}',
    `scenario "cloud answers 404 ${i}" in site-${i} {`,
    '  cloud answers 404',
    '  desk2 calls 944000001',
    '  expect desk2 gets 404',
    '}',
    `scenario "incoming ${i}" in site-${i} {`,
    '  reception answers after 2s',
    '  pstn calls 944000100',
    '  expect reception answers at 2s',
    '}',
    '',
  ];
}
