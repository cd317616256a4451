// One line per diagnostic code, for SARIF rule metadata (code-scanning UIs list rules
// by these). The full text of each code lives in docs/diagnostics.md.
// A code missing here still gets a rule, with a generic description.
const descriptions: Readonly<Record<string, string>> = {
  SURV001: 'Unexpected character',
  SURV002: 'Syntax error',
  SURV003: 'Malformed string',
  SURV004: 'File named by use cannot be found',
  SURV005: 'Reserved keyword used as a name',
  SURV006: 'File named by use is outside the root',
  SURV007: 'File not read (not a regular .surv file, too large or unreadable)',
  SURV010: 'Unknown name',
  SURV011: 'Name defined twice',
  SURV012: 'Name of the wrong kind',
  SURV013: 'Profile cycle',
  SURV014: 'Setting given twice',
  SURV015: 'Unused definition',
  SURV016: 'Extension used by two phones (or a phone and a group)',
  SURV020: 'Invalid IP address',
  SURV021: 'Invalid network prefix',
  SURV022: 'Host bits set in a network',
  SURV023: 'Port out of range',
  SURV024: 'Invalid SIP URI',
  SURV025: 'Invalid duration',
  SURV026: 'Invalid value',
  SURV030: 'Phone outside every LAN of its branch',
  SURV031: 'Overlapping LANs',
  SURV032: 'Required setting missing',
  SURV033: 'Cannot be exported',
  SURV034: 'Emergency number equal to an extension',
  SURV035: 'local-calls off while survival goes to a gateway',
  SURV039: 'trying longer than ringing',
  SURV040: 'Timer out of range',
  SURV041: 'no-answer below T1',
  SURV042: 'no-answer above Timer B',
  SURV043: 'ringing shorter than no-answer',
  SURV044: 'T2 below T1',
  SURV045: 'Worst post-dial delay over budget',
  SURV046: 'Probe timeout not shorter than its interval',
  SURV050: 'Announcement is not a provisional reply',
  SURV051: 'Redirect is not a 3xx reply',
  SURV052: 'Unusual redirect code',
  SURV053: 'Unsafe character in SIP text',
  SURV054: 'Emergency numbers without a gateway',
  SURV055: 'Gateway without channels',
  SURV056: 'BRI channel count not a multiple of 2',
  SURV057: 'Invalid on-timeout actions',
  SURV058: 'No survival path for outbound calls',
  SURV059: 'REGISTER forwarded without Path',
  SURV060: 'pass lists a reply that is not final',
  SURV061: 'Invalid number',
  SURV063: 'Reason phrase empty or over 128 characters',
  SURV068: 'trying below T1',
  SURV070: 'Unknown or unfit scenario name',
  SURV071: 'State does not fit the actor',
  SURV072: 'Invalid expectation',
  SURV073: 'Scenario places no call',
  SURV074: 'until not later than from',
  // `surv trace` (docs/trace.md, "Verdicts"): a captured call against its design.
  SURV090: 'No survival when the upstream was silent',
  SURV091: 'Diverted to survival after the upstream replied',
  SURV092: 'Emergency call not sent straight to its gateway',
  SURV093: 'Request from a stranger not refused',
  SURV094: 'Post-dial delay over budget',
  SURV095: "The edge's messages differ from the design's",
};

export function ruleDescription(code: string): string {
  return descriptions[code] ?? `surv diagnostic ${code}`;
}

/** The docs anchor of a code; relative to the repository root, where docs/diagnostics.md lives. */
export function ruleHelpUri(code: string): string {
  return `docs/diagnostics.md#${code.toLowerCase()}`;
}
