// The routing plan: every decision the branch's edge proxy makes, as data, for a resolved
// branch. Target-neutral: the simulator's edge interprets it, the exporter translates it
// into Kamailio routes, the design ladder draws it. No Kamailio syntax, no cfg escaping
// and no simulator class belong here; the exporter checks each value at its own sink.
import type { HostPort, Network, NumberPattern, Origin, Rate, ReplyPattern, SipTarget, TransportName } from '../../grammar/src/index.js';

export interface PlanListen {
  readonly transport: TransportName;
  readonly address: string;
  readonly port: number;
  readonly origin: Origin;
}

export interface PlanGateway {
  readonly name: string;
  readonly address: HostPort | undefined;
  readonly transport: TransportName;
  /** Where the transport was written, else the gateway. */
  readonly transportOrigin: Origin;
  readonly channels: number | undefined;
  /** The called-number rules for calls sent to it; undefined: the outbound block's (`calledNumberFor`). */
  readonly rewrite: readonly PlanRewrite[] | undefined;
  /** Calling-number presentation, first match wins (`callerIdFor`); empty: the caller's From goes unchanged. */
  readonly callerIds: readonly PlanCallerId[];
  /** `host[:port]` of a SIP URI at this gateway (port left out when 5060, IPv6 bracketed); its name when it has no address. */
  readonly contactHost: string;
  /** OPTIONS probing (dispatcher), as for an upstream: while marked down, lists skip the gateway. */
  readonly probe: PlanProbe | undefined;
  readonly origin: Origin;
}

/** A gateway of an ordered list (survival relay or redirect, emergency), as written. */
export interface PlanGatewayRef {
  readonly name: string;
  readonly gateway: PlanGateway | undefined;
  /** The host of the Request-URI or Contact at this gateway (its `contactHost`, else its name). */
  readonly contactHost: string;
}

/**
 * How the edge goes down a list of gateways (engines/plan/gateways.ts decides with it).
 * A gateway is skipped without sending while probing has it marked down, or while every
 * one of its channels is held by a call through the edge (either direction); a call sent
 * to one moves on to the next on no reply at all, a failed send, or one of `nextOn`.
 */
export interface PlanGatewayFailover {
  /** Final replies from a gateway after which the next gateway of the list is tried. */
  readonly nextOn: readonly number[];
  /** Emergency calls are never held back by the edge's channel count: the gateway itself refuses (and the list moves on) when it has no line. */
  readonly emergencySkipsFull: boolean;
}

export interface PlanProbe {
  readonly everyMs: number;
  readonly timeoutMs: number;
  readonly downAfter: number;
  readonly upAfter: number;
  readonly holdoffMs: number;
  readonly origin: Origin;
}

export interface PlanUpstream {
  /** 1-based, in declaration order. */
  readonly index: number;
  readonly name: string;
  readonly proxy: SipTarget | undefined;
  /** `tls` for a `sips:` proxy, else the upstream's transport. */
  readonly transport: TransportName;
  /** Where the proxy was written, else the upstream. */
  readonly proxyOrigin: Origin;
  readonly probe: PlanProbe | undefined;
  readonly origin: Origin;
}

export interface PlanPhone {
  readonly name: string;
  readonly extension: string | undefined;
  /** Undefined for a `registered` phone: reached only through a registration. */
  readonly address: HostPort | undefined;
  readonly registered: boolean;
  /** What the phone speaks: a fixed phone is reached over it (`;transport=` of the URI relayed to); a registered one over what it registered with. */
  readonly transport: TransportName;
  readonly origin: Origin;
}

/** One ring step of an inbound route: its phones ring in parallel for `ringMs` (fr_inv_timer). */
export interface PlanRingStep {
  /** The phone or group the step comes from, as written. */
  readonly target: string;
  /** The group, when the target is one (a serial group gives one step per member). */
  readonly group: { readonly name: string; readonly mode: 'parallel' | 'serial' } | undefined;
  readonly phones: readonly PlanPhone[];
  readonly ringMs: number;
  readonly origin: Origin;
}

/**
 * A ring step as written (a chain step, a did's target, a phone's extension), before a
 * serial group is split into one step per member: what the design ladder draws.
 */
export interface PlanWrittenStep {
  /** The phone or group, as written. */
  readonly target: string;
  /** The group, when the target is one, with its own ring time. */
  readonly group: { readonly name: string; readonly mode: 'parallel' | 'serial'; readonly ringMs: number } | undefined;
  /** The names it rings as written (the group's members, else the target), phones or not: a view may draw a name the plan cannot ring. */
  readonly members: readonly string[];
  /** The members that name a phone, in order. */
  readonly phones: readonly PlanPhone[];
  /** The ring time written on the step (a chain step); undefined for a did or an extension, which ring for the group's time or the default. */
  readonly ringMs: number | undefined;
  readonly origin: Origin;
}

/** Which calls from a gateway a route takes, and what it rings, step after step. */
export interface PlanInboundRoute {
  /** 0 for the ring chain, then one per did, then one per extension. */
  readonly id: number;
  readonly kind: 'chain' | 'did' | 'extension';
  /** The called number that selects this route (did and extension routes); the chain takes any other. */
  readonly number: string | undefined;
  /** The did's target, or the phone or group the extension (a group's number) belongs to. */
  readonly target: string | undefined;
  readonly steps: readonly PlanRingStep[];
  /** The same steps as written, one per chain step (one for a did or an extension); `steps` is derived from them. */
  readonly written: readonly PlanWrittenStep[];
  /** Group members naming no phone: no step rings them. */
  readonly unknown: readonly { readonly name: string; readonly origin: Origin }[];
  readonly origin: Origin;
}

export interface PlanInbound {
  readonly origin: Origin;
  /** The gateways whose calls take the routes; a call from any other gateway is refused. */
  readonly from: readonly { readonly name: string; readonly gateway: PlanGateway | undefined }[];
  readonly fromOrigin: Origin;
  /** First match wins: dids, then extensions, then the chain (id 0) for any other number. */
  readonly routes: readonly PlanInboundRoute[];
  /** The called number is rewritten by these (first match) before anything is matched. */
  readonly normalise: readonly PlanRewrite[];
  readonly normaliseOrigin: Origin;
  /** Tried in order after the exact dids, before the extensions (`inboundMatch`). */
  readonly patterns: readonly PlanDidPattern[];
}

/** What the edge does when no upstream of the chain answered (in order). */
export type PlanAction =
  | { readonly kind: 'announce'; readonly code: number; readonly reason: string; readonly origin: Origin }
  | {
    readonly kind: 'redirect'; readonly code: number; readonly reason: string;
    readonly gatewayName: string; readonly gateway: PlanGateway | undefined;
    /** The host of the Contact the phone is sent to (the gateway's `contactHost`). */
    readonly contactHost: string; readonly origin: Origin;
    /** Every gateway of the list in order; the fields above are its first. The first that is up with a free channel is the Contact. */
    readonly gateways: readonly PlanGatewayRef[];
  }
  | {
    readonly kind: 'relay'; readonly gatewayName: string; readonly gateway: PlanGateway | undefined;
    /** The host of the Request-URI relayed to (the gateway's `contactHost`). */
    readonly contactHost: string; readonly origin: Origin;
    /** Every gateway of the list in order (failover); the fields above are its first. */
    readonly gateways: readonly PlanGatewayRef[];
  };

/** `caller-id NUMBER [for EXTENSION] [private]`: Xs in `number` take the caller's last digits. */
export interface PlanCallerId {
  readonly number: NumberPattern;
  /** The callers (From user) it is for; undefined: every caller. */
  readonly extensions: NumberPattern | undefined;
  /** `Privacy: id` (RFC 3323 §4.2): the gateway withholds the number from the called party. */
  readonly private: boolean;
  readonly origin: Origin;
}

/** `did PATTERN to TARGET` (a route of its own) or `did PATTERN to EXTENSION-PATTERN`. */
export interface PlanDidPattern {
  readonly pattern: NumberPattern;
  /** The id of the route every number of the pattern takes; undefined when `extension` picks. */
  readonly routeId: number | undefined;
  /** The extension: this prefix and the called number's last `digits` digits; its extension route rings, else the chain. */
  readonly extension: NumberPattern | undefined;
  readonly origin: Origin;
}

export interface PlanRewrite {
  readonly match: string;
  readonly strip: number;
  readonly prefix: string;
  readonly origin: Origin;
}

export interface PlanOutbound {
  readonly origin: Origin;
  /** The upstreams tried in order (names as written; `upstream` undefined when none has the name). */
  readonly chain: readonly { readonly name: string; readonly upstream: PlanUpstream | undefined }[];
  /** The `via` list (its text when written), and the setting's own origin. */
  readonly chainOrigin: Origin;
  readonly viaOrigin: Origin;
  readonly actions: readonly PlanAction[];
  readonly actionsOrigin: Origin;
  /** Which final replies from an upstream reach the caller; any other is treated like a timeout. */
  readonly pass: 'all' | readonly ReplyPattern[];
  readonly passOrigin: Origin;
  /** Numbers that go straight to a gateway, never waiting for an upstream, never rewritten. */
  readonly emergency: {
    readonly numbers: readonly string[];
    readonly gatewayName: string | undefined;
    readonly gateway: PlanGateway | undefined;
    readonly origin: Origin;
    readonly gatewayOrigin: Origin;
    /** Every gateway tried in order (failover as for the survival relay); `gatewayName` is its first. */
    readonly gateways: readonly PlanGatewayRef[];
  };
  /** The number sent to a gateway in survival: the first rule whose match fits. */
  readonly rewrite: readonly PlanRewrite[];
  readonly rewriteOrigin: Origin;
  /** Calls to the branch's own numbers, which the edge rings itself (local.ts decides). */
  readonly local: PlanLocal;
}

/**
 * `local-calls`: when a LAN phone's call to a phone extension or group number of the
 * branch is rung by the edge itself, like an inbound call, instead of a gateway.
 */
export interface PlanLocal {
  /** `survival`: after the upstreams, instead of the survival gateway; `always`: instead of the upstreams; `off`: never. */
  readonly mode: 'survival' | 'always' | 'off';
  readonly origin: Origin;
  /** One per local number, phones' extensions first (the first phone with an extension owns it), then numbered groups. */
  readonly routes: readonly PlanLocalRoute[];
}

export interface PlanLocalRoute {
  /** The dialled number (Request-URI user) that selects it. */
  readonly number: string;
  readonly kind: 'phone' | 'group';
  /** The phone or group it rings. */
  readonly target: string;
  /** The ring steps the edge runs, as an inbound route's (a serial group: one per member). */
  readonly steps: readonly PlanRingStep[];
  /** The step as written, for the design ladder. */
  readonly written: readonly PlanWrittenStep[];
  readonly origin: Origin;
}

/** An address the edge trusts, and as what (docs/security.md). */
export interface PlanPeer {
  readonly kind: 'gateway' | 'upstream';
  readonly name: string;
  /** The gateway's IP, or the upstream's proxy host (an IP or a name); undefined when not written. */
  readonly host: string | undefined;
  /** The host is an IP address (compared as one); else a DNS name the proxy resolves. */
  readonly hostIsAddress: boolean;
  readonly origin: Origin;
}

export type SourceKind = 'lan' | 'gateway' | 'upstream' | 'stranger';

/** What a source may send and where it goes (docs/security.md, "Who may send what"). */
export interface SourceRules {
  /** An initial INVITE: the outbound decisions, the inbound routes, only to the branch, or refused. */
  readonly invite: 'outbound' | 'inbound' | 'to-branch' | 'refuse';
  readonly register: 'accept' | 'refuse';
  /** Other initial requests (MESSAGE, SUBSCRIBE...): the first usable upstream, only to the branch, or refused. */
  readonly other: 'first-upstream' | 'to-branch' | 'refuse';
}

export interface PlanTrust {
  /** Every source the edge serves besides its LANs, gateways first: a gateway inside a LAN is a gateway. */
  readonly peers: readonly PlanPeer[];
  readonly lans: readonly Network[];
  readonly lansOrigin: Origin;
  readonly rules: Readonly<Record<SourceKind, SourceRules>>;
}

export interface PlanLimits {
  /** Requests per window from one source address outside the trust model. */
  readonly perSource: Rate;
  /** Requests per window from every source outside the trust model together. */
  readonly outside: Rate;
  /** The local copy of registrations: its longest Expires and its contacts per address of record. */
  readonly maxExpiresS: number;
  readonly maxContacts: number;
  readonly origin: Origin;
}

export interface PlanTimers {
  /** fr_timer: a branch with no reply at all. */
  readonly noAnswerMs: number;
  /** fr_inv_timer: a branch that replied provisionally. */
  readonly ringingMs: number;
  /**
   * fr_inv_timer of an outbound call to an upstream until a reply above 100 comes: an
   * upstream that sent only 100 Trying when it runs out counts as silent (survival).
   */
  readonly tryingMs: number;
  readonly t1Ms: number;
  readonly t2Ms: number;
  readonly origin: Origin;
  readonly noAnswerOrigin: Origin;
  readonly tryingOrigin: Origin;
  readonly t1Origin: Origin;
  readonly t2Origin: Origin;
}

export interface PlanRegister {
  /** The upstream REGISTERs go to: the one named, else the first of the outbound chain. */
  readonly forward: PlanUpstream | undefined;
  /** The name written after `forward`, if any. */
  readonly forwardName: string | undefined;
  /**
   * The name REGISTERs are relayed to: `forwardName`, else the first name of the outbound
   * chain. A name, not only `forward`, because the simulator relays to whatever actor holds it.
   */
  readonly forwardTo: string | undefined;
  readonly forwardOrigin: Origin;
  readonly withPath: boolean;
  readonly keepLocalCopy: boolean;
  readonly origin: Origin;
}

/** The files of the edge's TLS sockets (`tls { }`): not a routing decision, but what a tls listen needs. */
export interface PlanTls {
  readonly certificate: string | undefined;
  readonly key: string | undefined;
  readonly ca: string | undefined;
  readonly origin: Origin;
}

export interface RoutingPlan {
  readonly branch: string;
  readonly origin: Origin;
  readonly listens: readonly PlanListen[];
  readonly listensOrigin: Origin;
  readonly tls: PlanTls | undefined;
  readonly gateways: readonly PlanGateway[];
  readonly upstreams: readonly PlanUpstream[];
  readonly phones: readonly PlanPhone[];
  readonly timers: PlanTimers;
  readonly trust: PlanTrust;
  readonly limits: PlanLimits;
  readonly register: PlanRegister;
  /**
   * The phones' SIP domain: the proxy of the first upstream of the outbound chain (the central
   * PBX; the edge is their outbound proxy). Undefined when there is none: they use the edge.
   */
  readonly phoneDomain: SipTarget | undefined;
  /**
   * Where the LAN's initial requests other than INVITE and REGISTER (MESSAGE, SUBSCRIBE...)
   * go, the first not marked down: the outbound chain, else every upstream in declaration
   * order, so phones of a design without an outbound policy still reach their PBX.
   */
  readonly otherVia: readonly string[];
  readonly outbound: PlanOutbound | undefined;
  readonly inbound: PlanInbound | undefined;
  /** How lists of gateways fail over, and when the edge skips a gateway. */
  readonly gatewayFailover: PlanGatewayFailover;
}
