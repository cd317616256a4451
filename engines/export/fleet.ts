// A branch as the fleet rollout sees it: the platform its bundle is made for and the
// Ansible host that carries it, both read from the design's `router { }` block.
import type { Branch } from '../../grammar/src/index.js';
import type { FleetHost } from './fleet-types.js';
import type { Sources } from './sources.js';
import { targetInfo } from './targets.js';
import { ExportError, type Bundle, type Target } from './types.js';

/**
 * The platform a branch's bundle is made for: `--target` when given (it overrides the
 * design, so one fleet can be tried on another platform), else the design's
 * `router { platform }`. Throws ExportError when neither says.
 */
export function targetOf(branch: Branch, override: Target | undefined, sources: Sources): Target {
  if (override !== undefined) return override;
  const platform = branch.router?.platform.value;
  if (platform !== undefined) return platform;
  throw new ExportError(`branch '${branch.name}' has no 'router { platform edgeos|debian|openwrt }' and no --target was given: say which router it runs on`, sources.where(branch.origin));
}

/** The Ansible host of a branch, or the reason it cannot be one. */
export function fleetHost(branch: Branch, bundle: Bundle, sources: Sources): FleetHost | ExportError {
  const router = branch.router;
  const manage = router?.manage.value;
  if (!router || !manage) {
    return new ExportError(`branch '${branch.name}' has no 'router { manage ADDRESS }': Ansible cannot reach it`, sources.where(router?.origin ?? branch.origin));
  }
  // The health check asks the proxy on one of its own sockets; UDP needs no handshake.
  const listens = branch.listens.value;
  const listen = listens.find((l) => l.transport === 'udp') ?? listens[0];
  if (!listen) return new ExportError(`branch '${branch.name}' listens on no address: there is nothing to check after the install`, sources.where(branch.origin));
  const profile = branch.profiles[0];
  return {
    branch: branch.name,
    ...(profile !== undefined ? { profile } : {}),
    target: bundle.target,
    address: manage.address,
    ...(manage.port !== 22 ? { port: manage.port } : {}),
    ...(router.user.value !== undefined ? { user: router.user.value } : {}),
    sip: { transport: listen.transport, address: listen.address, port: listen.port },
    cfgPath: targetInfo[bundle.target].cfgPath,
    bundle,
  };
}
