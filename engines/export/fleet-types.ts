// A branch as a fleet rollout sees it: which router it runs on and how Ansible reaches it.
import type { Bundle, Target } from './types.js';

/** One router of the fleet: one branch, one bundle, one Ansible host. */
export interface FleetHost {
  /** The branch's name; also the Ansible inventory host name. */
  readonly branch: string;
  /** The profile the branch `uses`, when it uses one (an inventory group). */
  readonly profile?: string;
  /** The router platform the bundle is made for (an inventory group). */
  readonly target: Target;
  /** The management address Ansible connects to over SSH (`router { manage ADDRESS[:PORT] }`). */
  readonly address: string;
  /** SSH port; undefined: Ansible's default (22). */
  readonly port?: number;
  /** SSH user (`router { user NAME }`); undefined: Ansible's default. */
  readonly user?: string;
  /** Where the edge answers SIP OPTIONS: its first listen (udp preferred), for the health check. */
  readonly sip: { readonly transport: 'udp' | 'tcp' | 'tls'; readonly address: string; readonly port: number };
  /** Where Kamailio reads kamailio.cfg on the router (the installed copy whose sha256 is checked). */
  readonly cfgPath: string;
  readonly bundle: Bundle;
}
