// Configuration read from the environment and validated at boot. A bad or missing value stops
// the process with the name of the variable, never its value. `X_FILE` variables (Docker
// secrets) are read in place of `X`.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { NATS_TLS_FILE_VARIABLES, NatsTlsConfigShape, describeCertificate } from './nats-tls.js';

export class ConfigError extends Error {
  constructor(readonly variables: string[]) {
    super(`invalid configuration: ${variables.join(', ')}`);
    this.name = 'ConfigError';
  }
}

/**
 * A configuration problem found past the environment: a file a variable names (a model catalogue)
 * is absent or not what it should be. `problem` is made of the file's path, schema paths and codes,
 * never of what the file holds. A service that meets one at start exits 78, naming both.
 */
export class StartupConfigError extends Error {
  constructor(
    readonly variable: string,
    readonly problem: string,
  ) {
    super(`${variable}: ${problem}`);
    this.name = 'StartupConfigError';
  }
}

const port = z.coerce.number().int().min(0).max(65_535);

/** What every service process needs. Apps extend it with their own variables. */
export const BaseConfigSchema = z.object({
  GARDIEN_ENV: z.enum(['development', 'production']).default('development'),
  GARDIEN_NATS_URL: z.string().url().default('nats://127.0.0.1:4222'),
  GARDIEN_NATS_USER: z.string().min(1).optional(),
  GARDIEN_NATS_PASSWORD: z.string().min(1).optional(),
  /** The service's NATS nkey seed (from GARDIEN_NATS_NKEY_SEED_FILE in production). */
  GARDIEN_NATS_NKEY_SEED: z.string().regex(/^SU[A-Z2-7]{56}$/).optional(),
  /** The bus's mutual TLS (GARDIEN_NATS_TLS_{CA,CERT,KEY}_FILE): see nats-tls.ts. */
  ...NatsTlsConfigShape,
  GARDIEN_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  GARDIEN_METRICS_HOST: z.string().min(1).default('127.0.0.1'),
  GARDIEN_METRICS_PORT: port.default(0),
  GARDIEN_OTEL_EXPORTER: z.enum(['none', 'otlp', 'console']).default('none'),
  GARDIEN_OTEL_ENDPOINT: z.string().url().optional(),
  GARDIEN_BUS_TIMEOUT_MS: z.coerce.number().int().min(50).max(120_000).default(5_000),
  GARDIEN_RETENTION_INTERVAL_MS: z.coerce.number().int().min(1_000).max(86_400_000).default(3_600_000),
  GARDIEN_INSTANCE_ID: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/).optional(),
});

/**
 * Key management of a service that holds personal data: the embedded keystore (`local`, sealed
 * by a master key file) or Vault Transit (`vault`). Checked at boot like everything else.
 */
export const KmsConfigSchema = z.object({
  GARDIEN_KMS: z.enum(['local', 'vault']).default('local'),
  GARDIEN_DATA_DIR: z.string().min(1).default('.gardien/data'),
  GARDIEN_MASTER_KEY_FILE: z.string().min(1).optional(),
  GARDIEN_VAULT_ADDR: z.string().url().optional(),
  GARDIEN_VAULT_TOKEN: z.string().min(1).optional(),
  GARDIEN_VAULT_ROLE_ID_FILE: z.string().min(1).optional(),
  GARDIEN_VAULT_SECRET_ID_FILE: z.string().min(1).optional(),
  GARDIEN_VAULT_MOUNT: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/).default('transit'),
  GARDIEN_VAULT_NAMESPACE: z.string().min(1).optional(),
});

/**
 * The database of a bus service: its own runtime credentials (and, if it purges expired rows, its
 * maintenance ones), written by `gardien provision` as secret files. What a service must never be
 * given is named too, so that it refuses to start with it: the administrator's URL, and the shared
 * secret from which role passwords were once derived (a deployment still holding it has not moved
 * to `gardien provision`).
 */
export const DatabaseConfigSchema = z.object({
  GARDIEN_DATABASE_URL: z.string().url(),
  GARDIEN_MAINTENANCE_DATABASE_URL: z.string().url().optional(),
  GARDIEN_DATABASE_ADMIN_URL: z.never().optional(),
  GARDIEN_DB_ROLE_SECRET: z.never().optional(),
});

/** In production a service's database URLs carry a password (development clusters may trust local connections). */
export function requireDatabasePasswords(
  config: { GARDIEN_ENV: string; GARDIEN_DATABASE_URL: string; GARDIEN_MAINTENANCE_DATABASE_URL?: string | undefined },
  context: z.RefinementCtx,
): void {
  if (config.GARDIEN_ENV !== 'production') return;
  for (const variable of ['GARDIEN_DATABASE_URL', 'GARDIEN_MAINTENANCE_DATABASE_URL'] as const) {
    const url = config[variable];
    if (url !== undefined && URL.canParse(url) && !new URL(url).password) context.addIssue({ code: 'custom', path: [variable], message: 'a password is required in production' });
  }
}

/** The KMS variables that the chosen KMS needs are present. */
export function requireKmsSettings(config: z.infer<typeof KmsConfigSchema>, context: z.RefinementCtx): void {
  const missing = (variable: string) => context.addIssue({ code: 'custom', path: [variable], message: 'required' });
  if (config.GARDIEN_KMS === 'local' && !config.GARDIEN_MASTER_KEY_FILE) missing('GARDIEN_MASTER_KEY_FILE');
  if (config.GARDIEN_KMS === 'vault') {
    if (!config.GARDIEN_VAULT_ADDR) missing('GARDIEN_VAULT_ADDR');
    const approle = config.GARDIEN_VAULT_ROLE_ID_FILE || config.GARDIEN_VAULT_SECRET_ID_FILE;
    if (approle && !(config.GARDIEN_VAULT_ROLE_ID_FILE && config.GARDIEN_VAULT_SECRET_ID_FILE)) {
      missing(config.GARDIEN_VAULT_ROLE_ID_FILE ? 'GARDIEN_VAULT_SECRET_ID_FILE' : 'GARDIEN_VAULT_ROLE_ID_FILE');
    }
    if (!approle && !config.GARDIEN_VAULT_TOKEN) missing('GARDIEN_VAULT_TOKEN');
  }
}

/**
 * In production nothing runs on defaults meant for a developer's machine: every process needs its
 * own NATS credentials and speaks to the bus over mutual TLS only (passwords, TOTP codes and tokens
 * cross it). (A service's database URLs are checked by DatabaseConfigSchema.)
 */
export function requireProductionSettings(
  config: Pick<
    BaseConfig,
    'GARDIEN_ENV' | 'GARDIEN_NATS_NKEY_SEED' | 'GARDIEN_NATS_USER' | 'GARDIEN_NATS_PASSWORD' | 'GARDIEN_NATS_TLS_CA' | 'GARDIEN_NATS_TLS_CERT' | 'GARDIEN_NATS_TLS_KEY'
  >,
  context: z.RefinementCtx,
): void {
  if (config.GARDIEN_ENV !== 'production') return;
  const missing = (variable: string) => context.addIssue({ code: 'custom', path: [variable], message: 'required in production' });
  if (!config.GARDIEN_NATS_NKEY_SEED && !(config.GARDIEN_NATS_USER && config.GARDIEN_NATS_PASSWORD)) missing('GARDIEN_NATS_NKEY_SEED');
  if (!config.GARDIEN_NATS_TLS_CA) missing(NATS_TLS_FILE_VARIABLES.ca);
  if (!config.GARDIEN_NATS_TLS_CERT) missing(NATS_TLS_FILE_VARIABLES.cert);
  if (!config.GARDIEN_NATS_TLS_KEY) missing(NATS_TLS_FILE_VARIABLES.key);
}

/** Configuration of a bus service: the base, plus its database and its key management. */
export const ServiceConfigSchema = BaseConfigSchema.extend(DatabaseConfigSchema.shape).extend(KmsConfigSchema.shape);
export type ServiceConfig = z.infer<typeof ServiceConfigSchema>;
export type BaseConfig = z.infer<typeof BaseConfigSchema>;

/** Variables whose values are secrets: they may come from a file and are never printed. */
export const SENSITIVE_VARIABLES = new Set(['GARDIEN_NATS_PASSWORD', 'GARDIEN_NATS_NKEY_SEED', 'GARDIEN_NATS_TLS_KEY', 'GARDIEN_VAULT_TOKEN']);

/** Variables that hold certificates: public, but logged as their fingerprint rather than their PEM. */
const CERTIFICATE_VARIABLES = new Set(['GARDIEN_NATS_TLS_CA', 'GARDIEN_NATS_TLS_CERT']);

export function loadConfig<S extends z.ZodObject>(
  schema: S,
  env: NodeJS.ProcessEnv = process.env,
  refine?: (config: z.infer<S>, context: z.RefinementCtx) => void,
): z.infer<S> {
  const values: Record<string, string | undefined> = {};
  const unreadable: string[] = [];
  // A value read from `X_FILE` is named `X_FILE` when it is wrong: that is the variable to fix.
  const fromFile = new Map<string, string>();
  for (const key of Object.keys(schema.shape)) {
    const fileVariable = `${key}_FILE`;
    const file = env[fileVariable];
    if (file) {
      try {
        values[key] = readFileSync(file, 'utf8').trim();
        fromFile.set(key, fileVariable);
      } catch {
        unreadable.push(fileVariable);
      }
    } else if (env[key] !== undefined && env[key] !== '') {
      values[key] = env[key];
    }
  }
  if (unreadable.length > 0) throw new ConfigError(unreadable);
  const result = (refine ? schema.superRefine(refine) : schema).safeParse(values);
  if (!result.success) {
    const variables = result.error.issues.map((issue) => String(issue.path[0] ?? '(root)'));
    throw new ConfigError([...new Set(variables.map((variable) => fromFile.get(variable) ?? variable))]);
  }
  return result.data;
}

/** The configuration as it may be logged: secrets masked, passwords in URLs removed. */
export function printableConfig(config: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(config).map(([key, value]) => {
      if (value === undefined) return [key, value];
      if (SENSITIVE_VARIABLES.has(key)) return [key, '[set]'];
      if (CERTIFICATE_VARIABLES.has(key) && typeof value === 'string') return [key, describeCertificate(value)];
      if (typeof value === 'string' && /^[a-z]+:\/\//.test(value)) {
        try {
          const url = new URL(value);
          if (url.password) url.password = '***';
          return [key, url.toString()];
        } catch {
          return [key, '[unparsable]'];
        }
      }
      return [key, value];
    }),
  );
}
