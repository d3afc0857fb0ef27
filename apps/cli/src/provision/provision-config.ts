// What `gardien provision` reads from its environment: the administrator's URL (held by this step
// only), the database prefix, and the bus as the provisioner. Checked like every process's
// configuration: a bad or missing value is named, never shown.
import { z } from 'zod';
import { BaseConfigSchema, checkNatsTls, loadConfig, requireProductionSettings } from '@gardien/bootstrap';

/** A development machine's PostgreSQL, trusted locally: never assumed in production. */
export const DEVELOPMENT_ADMIN_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

const ProvisionConfigSchema = BaseConfigSchema.pick({
  GARDIEN_ENV: true,
  GARDIEN_NATS_URL: true,
  GARDIEN_NATS_USER: true,
  GARDIEN_NATS_PASSWORD: true,
  GARDIEN_NATS_NKEY_SEED: true,
  GARDIEN_NATS_TLS_CA: true,
  GARDIEN_NATS_TLS_CERT: true,
  GARDIEN_NATS_TLS_KEY: true,
}).extend({
  /** A role that may create roles and databases. */
  GARDIEN_DATABASE_ADMIN_URL: z.string().url().optional(),
  GARDIEN_DATABASE_PREFIX: z.string().regex(/^[a-z][a-z0-9_]{0,20}$/).default('gardien'),
});

export type ProvisionConfig = z.infer<typeof ProvisionConfigSchema> & { GARDIEN_DATABASE_ADMIN_URL: string };

/** Throws ConfigError naming the bad variables. */
export function loadProvisionConfig(env: NodeJS.ProcessEnv): ProvisionConfig {
  const config = loadConfig(ProvisionConfigSchema, env, (loaded, context) => {
    checkNatsTls(loaded, context);
    requireProductionSettings(loaded, context);
    if (loaded.GARDIEN_ENV === 'production' && !loaded.GARDIEN_DATABASE_ADMIN_URL) {
      context.addIssue({ code: 'custom', path: ['GARDIEN_DATABASE_ADMIN_URL'], message: 'required in production' });
    }
  });
  return { ...config, GARDIEN_DATABASE_ADMIN_URL: config.GARDIEN_DATABASE_ADMIN_URL ?? DEVELOPMENT_ADMIN_URL };
}
