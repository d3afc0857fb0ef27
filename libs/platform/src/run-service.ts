// Starts one bus service with its own credentials only: configuration, runtime database (checked:
// the role owns nothing and cannot bypass row-level security, every declared migration applied),
// keys, bus (the streams and durable consumers it uses checked as declared), outbox relay, the
// retention purge of what its data inventory declares a period for (as its maintenance role), then
// the Nest microservice in the service's queue group so that replicas share its requests. It
// creates nothing: databases, roles, migrations, streams and consumers are `gardien provision`'s,
// and anything not provisioned as declared stops the service before it announces itself.
import { NestFactory } from '@nestjs/core';
import type { MicroserviceOptions } from '@nestjs/microservices';
import type { DynamicModule, INestApplicationContext } from '@nestjs/common';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import type { z } from 'zod';
import {
  ConfigError,
  EXIT_CONFIG,
  StartupConfigError,
  natsConnectionOptions,
  onShutdownSignal,
  openBusConnection,
  openProcessContext,
  SERVICE_READY_MESSAGE,
  requireDatabasePasswords,
  requireKmsSettings,
  type ProcessContext,
  type ServiceConfigSchema,
} from '@gardien/bootstrap';
import { BlindIndex, PostgresSubjectKeyStore, PostgresTenantKeyStore, SubjectKeyRing } from '@gardien/crypto';
import { BusClient, SERVICE_TOKEN_HOLDERS, audienceOf, type BusService } from '@gardien/contracts';
import { activeTraceContext, frameworkLogger, safeError, stopTracing } from '@gardien/observability';
import {
  OutboxRelay,
  RetentionPurgeJob,
  checkMigrations,
  checkServiceRole,
  createServiceDataSource,
  declaredMigrations,
  purges,
  retentionPoliciesOf,
  tenantScopedSql,
  type DatabaseDeclaration,
  type ExpiredRowsRemover,
} from '@gardien/persistence';
import { BusExceptionFilter } from './bus-exception.filter.js';
import { ReplyGuardedNatsServer } from './reply-guarded-nats.server.js';
import { BusObserverInterceptor } from './bus-observer.interceptor.js';
import type { PlatformResources } from './platform.module.js';
import { openKms } from './kms.js';
import { checkJetStream } from './jetstream-checks.js';
import { ServiceTokens, TokenVerifier, keySetFromBus, type KeySetSource } from '@gardien/authz';

export interface ServiceDefinition<S extends typeof ServiceConfigSchema> {
  name: BusService;
  configSchema: S;
  /** The service's database as it declares it (apps/<service>/src/database.ts): checked here, migrated by `gardien provision`; its data inventory drives the purge, the subject operations and the inventory operation. */
  database: DatabaseDeclaration;
  module: (resources: PlatformResources<z.infer<S>>) => DynamicModule;
  /**
   * Where this service's verifier reads the token-signing keys, for the service that holds them
   * (auth): from its own providers, once they exist. Every other service asks auth over the bus;
   * auth cannot, since no process may answer into its own inbox (see bus-permissions.ts).
   */
  ownKeySet?: (app: INestApplicationContext) => KeySetSource;
  /**
   * The removers of the stores its inventory says the service removes itself (`removedBy:
   * 'service'`), by retention kind, from its providers: the purge hands them their expired rows.
   */
  retentionRemovers?: (app: INestApplicationContext) => Readonly<Record<string, ExpiredRowsRemover>>;
}

const MAINTENANCE_URL = 'GARDIEN_MAINTENANCE_DATABASE_URL';

export async function runService<S extends typeof ServiceConfigSchema>(definition: ServiceDefinition<S>): Promise<void> {
  const purging = purges(definition.database);
  const context = await openProcessContext(definition.name, definition.configSchema, (config, refinement) => {
    requireKmsSettings(config, refinement);
    requireDatabasePasswords(config, refinement);
    if (purging && !config.GARDIEN_MAINTENANCE_DATABASE_URL) {
      refinement.addIssue({ code: 'custom', path: [MAINTENANCE_URL], message: 'required: this service purges expired rows' });
    }
  });
  const { config, logger } = context;
  try {
    if (definition.database.inventory.service !== definition.name) throw new Error(`the data inventory given to ${definition.name} is another service's`);
    const dataSource = await openRuntimeDatabase(definition, config.GARDIEN_DATABASE_URL);
    logger.info({ database: new URL(config.GARDIEN_DATABASE_URL).pathname.slice(1) }, 'database ready');

    const kms = await openKms(config, definition.name);
    const keySql = tenantScopedSql(dataSource);
    const keyRing = new SubjectKeyRing({ service: definition.name, kms, store: new PostgresSubjectKeyStore(keySql) });
    const blindIndex = new BlindIndex({ service: definition.name, kms, store: new PostgresTenantKeyStore(keySql) });
    logger.info({ kms: config.GARDIEN_KMS }, 'keys ready');

    if (!purging && config.GARDIEN_MAINTENANCE_DATABASE_URL) logger.warn({ variable: MAINTENANCE_URL }, 'this service purges nothing: its maintenance URL is not used, remove it');
    const purge = purging ? await startRetentionPurge(definition, config.GARDIEN_MAINTENANCE_DATABASE_URL!, context) : undefined;

    const connection = await openBusConnection(config, definition.name, `gardien-${definition.name}-client`);
    await checkJetStream(await jetstreamManager(connection), definition.name);
    const outbox = new OutboxRelay(dataSource, jetstream(connection), logger);
    outbox.start();

    const bus = new BusClient(connection, config.GARDIEN_BUS_TIMEOUT_MS, { activeTrace: activeTraceContext });
    // Auth's own key set exists only once its module does; nothing is verified before it listens.
    let keySet: KeySetSource = keySetFromBus(bus);
    const resources: PlatformResources<z.infer<S>> = {
      ...context,
      service: definition.name,
      dataSource,
      connection,
      bus,
      tokens: new TokenVerifier(() => keySet(), { audience: audienceOf(definition.name) }),
      ...(SERVICE_TOKEN_HOLDERS.includes(definition.name) ? { serviceTokens: new ServiceTokens(bus, definition.name) } : {}),
      inventory: definition.database.inventory,
      outbox,
      kms,
      keyRing,
      blindIndex,
    };
    const transport = new ReplyGuardedNatsServer(
      { ...natsConnectionOptions(config, definition.name, `gardien-${definition.name}`), queue: definition.name },
      (subject, reason) => logger.warn({ subject, reason }, 'request dropped: its reply subject is no inbox of a publisher it may come from'),
    );
    const app = await NestFactory.createMicroservice<MicroserviceOptions>(definition.module(resources), {
      strategy: transport,
      logger: frameworkLogger(logger),
      // A module that fails to build (a provider's factory threw) is reported below, not by Nest's exit(1).
      abortOnError: false,
    });
    if (definition.ownKeySet) keySet = definition.ownKeySet(app);
    for (const [kind, remover] of Object.entries(definition.retentionRemovers?.(app) ?? {})) purge?.job.useRemover(kind, remover);
    app.useGlobalFilters(new BusExceptionFilter(logger));
    app.useGlobalInterceptors(new BusObserverInterceptor(context.metrics));
    await app.listen();

    onShutdownSignal(logger, async () => {
      await app.close();
      await purge?.job.stop();
      await purge?.dataSource.destroy();
      await outbox.stop();
      await connection.drain();
      await dataSource.destroy();
      keyRing.clearCache();
      context.metricsServer.close();
      await stopTracing();
    });
    logger.info({ startMs: Date.now() - context.startedAt, queue: definition.name }, SERVICE_READY_MESSAGE);
  } catch (error) {
    // A variable read, or a file named by one, only as a module is built is a configuration error too: 78.
    const configuration = error instanceof StartupConfigError || error instanceof ConfigError;
    if (error instanceof StartupConfigError) logger.fatal({ variable: error.variable, problem: error.problem }, 'invalid configuration');
    else if (error instanceof ConfigError) logger.fatal({ variables: error.variables }, 'invalid configuration');
    else logger.fatal({ err: safeError(error) }, 'service failed to start');
    logger.flush();
    setTimeout(() => process.exit(configuration ? EXIT_CONFIG : 1), 100);
  }
}

/** The runtime data source, once its role and the applied migrations are checked. */
async function openRuntimeDatabase<S extends typeof ServiceConfigSchema>(definition: ServiceDefinition<S>, url: string) {
  const dataSource = createServiceDataSource({ url, applicationName: `gardien-${definition.name}` });
  await dataSource.initialize();
  try {
    await checkServiceRole(dataSource, 'runtime');
    await checkMigrations(dataSource, declaredMigrations(definition.database));
  } catch (error) {
    await dataSource.destroy();
    throw error;
  }
  return dataSource;
}

async function startRetentionPurge<S extends typeof ServiceConfigSchema>(definition: ServiceDefinition<S>, url: string, context: ProcessContext<z.infer<S>>) {
  const dataSource = createServiceDataSource({ url, applicationName: `gardien-${definition.name}-retention`, poolSize: 1 });
  await dataSource.initialize();
  await checkServiceRole(dataSource, 'maintenance');
  const job = new RetentionPurgeJob(dataSource, definition.name, retentionPoliciesOf(definition.database.inventory), context.logger);
  job.schedule(context.config.GARDIEN_RETENTION_INTERVAL_MS);
  return { job, dataSource };
}
