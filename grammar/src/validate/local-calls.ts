// Checks on the branch's local numbers (phone extensions and group numbers): one
// namespace, no clash with an emergency number, and what `local-calls off` gives away.
import type { Branch } from '../model/types.js';
import type { BranchReporter } from './reporter.js';

export function checkLocalNumbers(branch: Branch, site: BranchReporter): void {
  // Phones were checked among themselves (checkPhones); the first phone with a number owns it.
  const owner = new Map<string, string>();
  for (const p of branch.phones) {
    const ext = p.extension.value;
    if (ext !== undefined && !owner.has(ext)) owner.set(ext, `phone '${p.name}'`);
  }
  for (const g of branch.groups) {
    const n = g.number.value;
    if (n === undefined) continue;
    const other = owner.get(n);
    if (other !== undefined) {
      site.at('error', 'SURV016', `extension ${n} of group '${g.name}' is already used by ${other}: calls to it would be ambiguous`, g.number.origin);
    } else {
      owner.set(n, `group '${g.name}'`);
    }
  }
  const out = branch.outbound;
  if (!out) return;
  const emergency = new Set(out.emergency.value);
  const related = out.emergency.origin.kind === 'source'
    ? [{ uri: out.emergency.origin.uri, span: { start: out.emergency.origin.start, end: out.emergency.origin.end }, message: 'emergency numbers' }]
    : [];
  const numbered = [
    ...branch.phones.map((p) => ({ what: `phone '${p.name}'`, setting: p.extension })),
    ...branch.groups.map((g) => ({ what: `group '${g.name}'`, setting: g.number })),
  ];
  for (const { what, setting } of numbered) {
    const n = setting.value;
    if (n === undefined || !emergency.has(n)) continue;
    site.at('error', 'SURV034', `${n} is an emergency number and the extension of ${what}: an emergency call must never ring a phone of the branch`, setting.origin, { related });
  }
  const lc = out.localCalls;
  const gateway = out.onTimeout.value.find((a) => a.kind !== 'announce');
  const local = [...owner.keys()].filter((n) => !emergency.has(n));
  if (lc.value === 'off' && lc.origin.kind === 'source' && gateway && local.length > 0) {
    site.at('warning', 'SURV035', `local-calls off: in survival a call between two phones of the branch (${local.slice(0, 3).join(', ')}${local.length > 3 ? ', ...' : ''}) goes out through gateway '${gateway.gateway}' and takes a line`, lc.origin, {
      data: { replacements: ['local-calls survival'] },
    });
  }
}
