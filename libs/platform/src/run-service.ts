// Starts one bus service: configuration, database (provisioned and migrated), bus, outbox relay,
// then the Nest microservice in the service's queue group so that replicas share its requests.
import { NestFactory } from '@nestjs/core';
import { Transport, type MicroserviceOptions } from '@nestjs/microservices';
import type { DynamicModule } from '@nestjs/common';
import { jetstream } from '@nats-io/jetstream';
import type { MigrationInterface, EntitySchema } from 'typeorm';
import type { z } from 'zod';
import {
  natsConnectionOptions,
  onShutdownSignal,
  openBusConnection,
  openProcessContext,
  SERVICE_READY_MESSAGE,
  requireKmsSettings,
  type ProcessContext,
  type ServiceConfigSchema,
} from '@gardien/bootstrap';
import { BlindIndex, CreateGardienKeys1732579300000, PostgresSubjectKeyStore, PostgresTenantKeyStore, SubjectKeyRing } from '@gardien/crypto';
import { BusClient, audienceOf, type BusService } from '@gardien/contracts';
import { activeTraceContext, frameworkLogger, safeError, stopTracing } from '@gardien/observability';
import {
  CreateOutbox1732579200000,
  CreateRetentionOverrides1732579200100,
  OutboxRelay,
  RetentionPurgeJob,
  type RetentionPolicy,
  createServiceDataSource,
  openServiceDatabase,
  rolePassword,
  type serviceDatabase,
  tenantScopedSql,
  urlFor,
} from '@gardien/persistence';
import { BusExceptionFilter } from './bus-exception.filter.js';
import { BusObserverInterceptor } from './bus-observer.interceptor.js';
import type { PlatformResources } from './platform.module.js';
import { openKms } from './kms.js';
import { ensureStreams } from './streams.js';
import { TokenVerifier, keySetFromBus } from '@gardien/authz';

type EntityClass = abstract new (...args: never[]) => unknown;

export interface ServiceDefinition<S extends typeof ServiceConfigSchema> {
  name: BusService;
  configSchema: S;
  /** The app's own migrations; the outbox migration is added in front of them. */
  migrations: Array<new () => MigrationInterface>;
  entities: Array<EntityClass | EntitySchema>;
  /** Retention declared by the service's entities; the purge job runs when there is any. */
  retention?: RetentionPolicy[];
  module: (resources: PlatformResources<z.infer<S>>) => DynamicModule;
}

export async function runService<S extends typeof ServiceConfigSchema>(definition: ServiceDefinition<S>): Promise<void> {
  const context = await openProcessContext(definition.name, definition.configSchema, requireKmsSettings);
  const { config, logger } = context;
  try {
    const { db, runtime: dataSource, applied } = await openServiceDatabase({
      service: definition.name,
      prefix: config.GARDIEN_DATABASE_PREFIX,
      adminUrl: config.GARDIEN_DATABASE_URL,
      ...(config.GARDIEN_DB_ROLE_SECRET ? { roleSecret: config.GARDIEN_DB_ROLE_SECRET } : {}),
      migrations: [CreateOutbox1732579200000, CreateRetentionOverrides1732579200100, CreateGardienKeys1732579300000, ...definition.migrations],
      entities: definition.entities,
    });
    logger.info({ database: db.database, applied: applied.length }, 'database ready');

    const kms = await openKms(config, definition.name);
    const keySql = tenantScopedSql(dataSource);
    const keyRing = new SubjectKeyRing({ service: definition.name, kms, store: new PostgresSubjectKeyStore(keySql) });
    const blindIndex = new BlindIndex({ service: definition.name, kms, store: new PostgresTenantKeyStore(keySql) });
    logger.info({ kms: config.GARDIEN_KMS }, 'keys ready');

    const purge = await startRetentionPurge(definition, db, context);

    const connection = await openBusConnection(config, definition.name, `gardien-${definition.name}-client`);
    await ensureStreams(connection);
    const outbox = new OutboxRelay(dataSource, jetstream(connection), logger);
    outbox.start();

    const bus = new BusClient(connection, config.GARDIEN_BUS_TIMEOUT_MS, { activeTrace: activeTraceContext });
    const resources: PlatformResources<z.infer<S>> = {
      ...context,
      service: definition.name,
      dataSource,
      connection,
      bus,
      tokens: new TokenVerifier(keySetFromBus(bus), { audience: audienceOf(definition.name) }),
      outbox,
      kms,
      keyRing,
      blindIndex,
    };
    const app = await NestFactory.createMicroservice<MicroserviceOptions>(definition.module(resources), {
      transport: Transport.NATS,
      options: { ...natsConnectionOptions(config, definition.name, `gardien-${definition.name}`), queue: definition.name },
      logger: frameworkLogger(logger),
    });
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
    logger.fatal({ err: safeError(error) }, 'service failed to start');
    logger.flush();
    setTimeout(() => process.exit(1), 100);
  }
}

async function startRetentionPurge<S extends typeof ServiceConfigSchema>(
  definition: ServiceDefinition<S>,
  db: ReturnType<typeof serviceDatabase>,
  context: ProcessContext<z.infer<S>>,
) {
  const policies = definition.retention ?? [];
  if (policies.length === 0) return undefined;
  const { config, logger } = context;
  const dataSource = createServiceDataSource({
    url: urlFor(config.GARDIEN_DATABASE_URL, db.database, db.maintenanceRole, rolePassword(config.GARDIEN_DB_ROLE_SECRET, db.maintenanceRole)),
    applicationName: `gardien-${definition.name}-retention`,
    poolSize: 1,
  });
  await dataSource.initialize();
  const job = new RetentionPurgeJob(dataSource, definition.name, policies, logger);
  job.schedule(config.GARDIEN_RETENTION_INTERVAL_MS);
  return { job, dataSource };
}
