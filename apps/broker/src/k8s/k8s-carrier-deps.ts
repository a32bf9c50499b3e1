import type { CommandAudit } from '../pipeline/command-audit.service';
import type { MaskerCache } from '../pipeline/masker-cache';
import type { SessionRegistry } from '../sessions/session-registry.service';

/** What carrying an admitted request needs: the audit trail, the decision's masker, the live-session registry. */
export interface K8sCarrierDeps {
  audit: CommandAudit;
  maskers: MaskerCache;
  registry: SessionRegistry;
}
