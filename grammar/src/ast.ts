// The typed syntax tree. Parsing recovers from errors, so every child that a
// well-formed file would have may be missing here: consumers check before use.
/**
 * Source spans are UTF-16 offsets, `start` inclusive and `end` exclusive. Line and
 * column are computed only when needed (`LineIndex`), which keeps parsing a large
 * fleet from allocating a position object per token.
 */
export interface Span {
  readonly start: number;
  readonly end: number;
}

/** The shape a literal token had in the source. */
export type ValueType =
  | 'name' | 'keyword' | 'number' | 'duration' | 'address' | 'uri' | 'string' | 'class' | 'percent'
  /** Digits then uppercase X, one per any digit: `9441231XX`. */
  | 'pattern';

/** One literal from the source: a name, a number, a duration, an address, a string... */
export interface Value extends Span {
  readonly type: ValueType;
  /** The source text; for strings, the decoded content. */
  readonly text: string;
}

export interface StringValue extends Value {
  readonly type: 'string';
  /** False when the closing quote is missing. */
  readonly terminated: boolean;
  /** Backslash escapes that mean nothing (`\q`), by range. */
  readonly badEscapes: readonly Span[];
}

/** `key value` inside a block (`kind bri`, `no-answer 10s`, `keep local copy`). */
export interface Property extends Span {
  readonly kind: 'Property';
  readonly key: PropertyKey;
  readonly keySpan: Span;
  readonly value: Value | undefined;
}

export type PropertyKey =
  // gateway
  | 'address' | 'transport' | 'kind' | 'channels'
  // upstream (probe options are flattened to probe-*)
  | 'proxy' | 'probe' | 'probe-every' | 'probe-timeout' | 'probe-down-after' | 'probe-up-after' | 'probe-holdoff'
  // timers
  | 'no-answer' | 'ringing' | 'trying' | 't1' | 't2' | 'budget'
  // register
  | 'forward' | 'with-path' | 'keep-local-copy'
  // rewrite
  | 'match' | 'strip' | 'prefix'
  // limits (the window after `per` is flattened to *-window, like probe options)
  | 'per-source' | 'per-source-window' | 'outside' | 'outside-window' | 'max-expires' | 'max-contacts'
  // tls
  | 'certificate' | 'key' | 'ca'
  // router
  | 'platform' | 'manage' | 'user';

type Node = Span;

export interface FileNode extends Node {
  readonly kind: 'File';
  readonly uses: readonly UseNode[];
  readonly declarations: readonly Declaration[];
}

export type Declaration = ContainerNode | ScenarioNode;

export interface UseNode extends Node {
  readonly kind: 'Use';
  readonly path: StringValue | undefined;
}

/** A branch or a profile: the same settings, different roles. */
export interface ContainerNode extends Node {
  readonly kind: 'Branch' | 'Profile';
  readonly keywordSpan: Span;
  readonly name: Value | undefined;
  readonly uses: Value | undefined;
  readonly settings: readonly Setting[];
}

export type Setting =
  | EdgeNode | LanNode | GatewayNode | UpstreamNode | TimersNode | PhoneNode | GroupNode
  | RegisterNode | LimitsNode | OutboundNode | InboundNode | TlsNode | RouterNode;

export interface ListenNode extends Node {
  readonly kind: 'Listen';
  readonly transport: Value | undefined;
  readonly address: Value | undefined;
}

export interface EdgeNode extends Node {
  readonly kind: 'Edge';
  readonly listens: readonly ListenNode[];
}

export interface LanNode extends Node {
  readonly kind: 'Lan';
  readonly networks: readonly Value[];
}

export interface GatewayNode extends Node {
  readonly kind: 'Gateway';
  readonly name: Value | undefined;
  readonly properties: readonly Property[];
  /** Called-number rules for calls sent to this gateway (they replace the outbound block's). */
  readonly rewrites: readonly RewriteNode[];
  /** Calling-number presentation for calls sent to this gateway. */
  readonly callerIds: readonly CallerIdNode[];
}

/** `caller-id NUMBER [for EXTENSION] [private]`: the calling number presented to a gateway. */
export interface CallerIdNode extends Node {
  readonly kind: 'CallerId';
  /** The number presented (a number or a pattern whose Xs the extension's last digits fill). */
  readonly number: Value | undefined;
  /** The extensions it applies to (a number or a pattern); undefined for everyone else. */
  readonly extensions: Value | undefined;
  /** `private`: `Privacy: id`, the gateway withholds the number from the called party. */
  readonly private: Span | undefined;
}

export interface UpstreamNode extends Node {
  readonly kind: 'Upstream';
  readonly name: Value | undefined;
  readonly properties: readonly Property[];
}

export interface TimersNode extends Node {
  readonly kind: 'Timers';
  readonly properties: readonly Property[];
}

export interface PhoneNode extends Node {
  readonly kind: 'Phone';
  readonly name: Value | undefined;
  readonly extension: Value | undefined;
  /** The fixed address after `at`; undefined for `registered` phones or on errors. */
  readonly address: Value | undefined;
  readonly registered: Span | undefined;
  /** `transport udp|tcp|tls` after the address (or `registered`). */
  readonly transport: Property | undefined;
}

export interface GroupNode extends Node {
  readonly kind: 'Group';
  readonly name: Value | undefined;
  /** The group's extension number (`group shop 200 parallel [...]`), when written. */
  readonly number: Value | undefined;
  readonly mode: Value | undefined;
  readonly members: readonly Value[];
  readonly ring: Value | undefined;
}

export interface RegisterNode extends Node {
  readonly kind: 'Register';
  readonly properties: readonly Property[];
}

export interface LimitsNode extends Node {
  readonly kind: 'Limits';
  readonly properties: readonly Property[];
}

/** `tls { certificate "PATH"  key "PATH"  ca "PATH" }`: the files of the edge's TLS listen sockets. */
export interface TlsNode extends Node {
  readonly kind: 'Tls';
  readonly properties: readonly Property[];
}

/** `router { platform openwrt  manage 10.0.0.1:22  user root }`: the router a branch runs on and how Ansible reaches it. */
export interface RouterNode extends Node {
  readonly kind: 'Router';
  readonly properties: readonly Property[];
}

export interface OutboundNode extends Node {
  readonly kind: 'Outbound';
  readonly via: readonly Value[];
  readonly items: readonly OutboundItem[];
}

export type OutboundItem = OnTimeoutNode | PassNode | EmergencyNode | RewriteNode | LocalCallsNode;

/** `local-calls survival|always|off`: when a call to a branch extension stays in the branch. */
export interface LocalCallsNode extends Node {
  readonly kind: 'LocalCalls';
  readonly mode: Value | undefined;
}

export interface OnTimeoutNode extends Node {
  readonly kind: 'OnTimeout';
  readonly actions: readonly SurvivalActionNode[];
}

export interface SurvivalActionNode extends Node {
  readonly kind: 'Announce' | 'Redirect' | 'Relay';
  readonly keywordSpan: Span;
  readonly code: Value | undefined;
  readonly text: StringValue | undefined;
  /** The first gateway of `targets` (undefined for an announcement or when none was written). */
  readonly target: Value | undefined;
  /** `redirect 302 to lte, isdn`: the gateways in the order they are tried. */
  readonly targets: readonly Value[];
}

export interface PassNode extends Node {
  readonly kind: 'Pass';
  /** Undefined for `pass all`. */
  readonly codes: readonly Value[] | undefined;
}

export interface EmergencyNode extends Node {
  readonly kind: 'Emergency';
  readonly numbers: readonly Value[];
  /** The first gateway of `gateways`, when `direct to` was written. */
  readonly gateway: Value | undefined;
  /** `direct to isdn, lte`: the gateways in the order they are tried. */
  readonly gateways: readonly Value[];
}

export interface RewriteNode extends Node {
  readonly kind: 'Rewrite';
  readonly properties: readonly Property[];
}

export interface InboundNode extends Node {
  readonly kind: 'Inbound';
  readonly from: readonly Value[];
  readonly items: readonly InboundItem[];
}

export type InboundItem = RingChainNode | DidNode | RewriteNode;

export interface RingStepNode extends Node {
  readonly kind: 'RingStep';
  readonly target: Value | undefined;
  readonly duration: Value | undefined;
}

export interface RingChainNode extends Node {
  readonly kind: 'RingChain';
  readonly steps: readonly RingStepNode[];
}

export interface DidNode extends Node {
  readonly kind: 'Did';
  /** A number, or a pattern (`9441231XX`). */
  readonly number: Value | undefined;
  /** A phone or group name, or an extension pattern (`1XX`: the called number's last digits). */
  readonly target: Value | undefined;
}

export interface ScenarioNode extends Node {
  readonly kind: 'Scenario';
  readonly keywordSpan: Span;
  readonly title: StringValue | undefined;
  readonly branch: Value | undefined;
  readonly items: readonly ScenarioItem[];
}

export type ScenarioItem = StateNode | EventNode | SendNode | NetworkNode | ExpectNode;

export type StateWord =
  | 'up' | 'silent' | 'slow' | 'answers' | 'trying' | 'ignores-invite' | 'flapping' | 'busy'
  | 'full' | 'down' | 'no-answer' | 'unregistered' | 'ignores-redirect';

export interface StateNode extends Node {
  readonly kind: 'State';
  readonly actor: Value;
  readonly state: StateWord | undefined;
  readonly stateSpan: Span;
  /** `slow D`: the delay; `answers C after D`: the delay. */
  readonly delay: Value | undefined;
  /** `answers C`: the reply code. */
  readonly code: Value | undefined;
  /** `flapping down D up D`. */
  readonly downFor: Value | undefined;
  readonly upFor: Value | undefined;
  readonly from: Value | undefined;
  readonly until: Value | undefined;
}

export interface EventNode extends Node {
  readonly kind: 'Event';
  readonly at: Value | undefined;
  readonly actor: Value | undefined;
  readonly verb: 'calls' | 'registers';
  readonly target: Value | undefined;
}

/**
 * `stranger ADDRESS sends METHOD URI [route URI, ...] [to-tag] [at TIME]`, or the same
 * request from an upstream or gateway of the branch: `NAME sends METHOD URI ...`.
 */
export interface SendNode extends Node {
  readonly kind: 'Send';
  /** `NAME sends`: the upstream or gateway; undefined for a stranger. */
  readonly actor: Value | undefined;
  /** `stranger ADDRESS sends`: the address; undefined for `NAME sends`. */
  readonly address: Value | undefined;
  readonly method: Value | undefined;
  readonly uri: Value | undefined;
  /** The preloaded Route set, top first. */
  readonly route: readonly Value[];
  /** `to-tag`: an in-dialog request with a To-tag nobody issued. */
  readonly toTag: Span | undefined;
  readonly at: Value | undefined;
}

export interface NetworkNode extends Node {
  readonly kind: 'Network';
  readonly setting: 'loss' | 'seed';
  readonly value: Value | undefined;
}

export interface ExpectNode extends Node {
  readonly kind: 'Expect';
  readonly actor: Value | undefined;
  readonly what: 'gets' | 'answers' | 'marked-down' | 'receives-nothing' | undefined;
  readonly code: Value | undefined;
  readonly at: Value | undefined;
  readonly within: Value | undefined;
  readonly contact: Value | undefined;
  readonly reason: StringValue | undefined;
}

export interface Comment extends Span {
  readonly text: string;
}
