// The providers every bus service gets, and the operations every bus service answers (health,
// whoami, its data inventory and the subject operations): its logger, metrics, runtime data
// source, bus client, outbox relay, keys, data inventory, its own service tokens and health report.
// The resources are opened by runService before Nest starts, so that a service that cannot reach
// its database never announces itself on the bus.
import { Global, Module, type DynamicModule, type Provider, type Type } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { BusClient, type BusService } from '@gardien/contracts';
import { BlindIndex, KMS, SubjectKeyRing, type Kms } from '@gardien/crypto';
import { ServiceMetrics, type Logger } from '@gardien/observability';
import { DeclaredSubjectData, OutboxRelay, SubjectRestrictions, type DataInventoryDeclaration, type SubjectDataOperations } from '@gardien/persistence';
import type { NatsConnection } from '@nats-io/transport-node';
import { DataSource } from 'typeorm';
import { HEALTH_DEPENDENCIES, ServiceHealthService, type HealthDependencies } from './service-health.js';
import { BusAuthGuard } from './bus-auth.guard.js';
import { ServiceTokens, TokenVerifier } from '@gardien/authz';
import { healthMessageController } from './health.controller-factory.js';
import { DATA_INVENTORY, inventoryMessageController } from './inventory.controller-factory.js';
import { SUBJECT_DATA, subjectDataMessageController } from './subject-data.controller-factory.js';
import { whoAmIMessageController } from './whoami.controller-factory.js';
import { streamCancelMessageController } from './stream-cancel.controller-factory.js';
import { StreamRegistry } from './stream-registry.js';

export const LOGGER = Symbol('LOGGER');
export const SERVICE_CONFIG = Symbol('SERVICE_CONFIG');
/** The service's NatsConnection, for the rare handler that must see more of a message than Nest shows (its reply subject). */
export const BUS_CONNECTION = Symbol('BUS_CONNECTION');

export interface PlatformResources<C = unknown> {
  service: BusService;
  config: C;
  logger: Logger;
  metrics: ServiceMetrics;
  dataSource: DataSource;
  connection: NatsConnection;
  bus: BusClient;
  outbox: OutboxRelay;
  kms: Kms;
  keyRing: SubjectKeyRing;
  blindIndex: BlindIndex;
  tokens: TokenVerifier;
  /** The service's own tokens for calls in its own name (every service but auth, which signs its own). */
  serviceTokens?: ServiceTokens;
  /** What the service declared of its database's tables (apps/<service>/src/database.ts). */
  inventory: DataInventoryDeclaration;
  instanceId: string;
  startedAt: number;
}

export interface PlatformOptions {
  /**
   * A service's own subject operations, in place of the platform's (driven by the inventory): a
   * class implementing SubjectDataOperations, which may inject whatever the platform provides.
   */
  subjectData?: Type<SubjectDataOperations>;
}

@Global()
@Module({})
export class PlatformModule {
  static forService(resources: PlatformResources, options: PlatformOptions = {}): DynamicModule {
    const health: HealthDependencies = {
      service: resources.service,
      instanceId: resources.instanceId,
      startedAt: resources.startedAt,
      dataSource: resources.dataSource,
      connection: resources.connection,
    };
    return {
      module: PlatformModule,
      imports: [TerminusModule.forRoot({ logger: false })],
      // Every bus service answers its health, whoami, stream-cancellation, inventory and subject operations the same way.
      controllers: [
        healthMessageController(resources.service),
        whoAmIMessageController(resources.service),
        streamCancelMessageController(resources.service),
        inventoryMessageController(resources.service),
        subjectDataMessageController(resources.service),
      ],
      providers: [
        { provide: DATA_INVENTORY, useValue: resources.inventory },
        subjectDataProvider(resources, options),
        { provide: SubjectRestrictions, useFactory: () => new SubjectRestrictions(resources.dataSource) },
        ...(resources.serviceTokens ? [{ provide: ServiceTokens, useValue: resources.serviceTokens }] : []),
        { provide: LOGGER, useValue: resources.logger },
        { provide: SERVICE_CONFIG, useValue: resources.config },
        { provide: ServiceMetrics, useValue: resources.metrics },
        { provide: DataSource, useValue: resources.dataSource },
        { provide: BusClient, useValue: resources.bus },
        { provide: BUS_CONNECTION, useValue: resources.connection },
        { provide: OutboxRelay, useValue: resources.outbox },
        { provide: KMS, useValue: resources.kms },
        { provide: SubjectKeyRing, useValue: resources.keyRing },
        { provide: BlindIndex, useValue: resources.blindIndex },
        { provide: HEALTH_DEPENDENCIES, useValue: health },
        { provide: TokenVerifier, useValue: resources.tokens },
        ServiceHealthService,
        BusAuthGuard,
        StreamRegistry,
      ],
      exports: [
        LOGGER,
        SERVICE_CONFIG,
        BUS_CONNECTION,
        ServiceMetrics,
        DataSource,
        BusClient,
        OutboxRelay,
        KMS,
        SubjectKeyRing,
        BlindIndex,
        TokenVerifier,
        BusAuthGuard,
        ServiceHealthService,
        StreamRegistry,
        DATA_INVENTORY,
        SubjectRestrictions,
        ...(resources.serviceTokens ? [ServiceTokens] : []),
      ],
    };
  }
}

function subjectDataProvider(resources: PlatformResources, options: PlatformOptions): Provider {
  if (options.subjectData) return { provide: SUBJECT_DATA, useClass: options.subjectData };
  return {
    provide: SUBJECT_DATA,
    useFactory: () =>
      new DeclaredSubjectData({ dataSource: resources.dataSource, inventory: resources.inventory, keyRing: resources.keyRing, blindIndex: resources.blindIndex }),
  };
}
