import { z } from 'zod';
import { ServiceConfigSchema } from '@gardien/bootstrap';
import { isUserPublicKey } from '@gardien/contracts';

/** Configuration of the auth service, validated at boot. */
export const AuthConfigSchema = ServiceConfigSchema.extend({
  /**
   * The operator command line's public nkey (`U...`: cli.pub, written by `gardien nats-config`).
   * When set, a bootstrap request is accepted only if signed with the matching seed (cli.nk).
   */
  GARDIEN_BOOTSTRAP_CLI_PUBLIC_KEY: z.string().refine(isUserPublicKey).optional(),
}).superRefine(requireBootstrapKeyInProduction);
export type AuthConfig = z.infer<typeof AuthConfigSchema>;

/**
 * In production the bus is not the only guard of the bootstrap (a server run with a hand-edited
 * configuration would let a service forge a request onto its subject): auth checks the command line's signature.
 */
function requireBootstrapKeyInProduction(config: { GARDIEN_ENV: string; GARDIEN_BOOTSTRAP_CLI_PUBLIC_KEY?: string | undefined }, context: z.RefinementCtx): void {
  if (config.GARDIEN_ENV === 'production' && !config.GARDIEN_BOOTSTRAP_CLI_PUBLIC_KEY) {
    context.addIssue({ code: 'custom', path: ['GARDIEN_BOOTSTRAP_CLI_PUBLIC_KEY'], message: 'required in production' });
  }
}
