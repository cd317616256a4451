// How the plan's data decides, for the back ends that interpret it (the simulator's edge,
// the design ladder). The exporter writes the same rules as Kamailio routes.
import type { ReplyPattern } from '../../grammar/src/index.js';

/** Whether an upstream's final reply `status` reaches the caller (else it is treated like a timeout). */
export function passes(pass: 'all' | readonly ReplyPattern[], status: number): boolean {
  return pass === 'all' || pass.some((p) => ('code' in p ? p.code === status : Math.floor(status / 100) === p.class));
}
