// Consumes the tenant service's `tenant.deleted` events (stream EVENTS, the service's own durable
// consumer, shared by its replicas) and has the service erase the tenant. Events carry no token:
// what vouches for them is the bus, where only the tenant service may publish under
// gardien.events.tenant.> (libs/contracts bus-permissions). One listener for every service that
// holds tenant data; each gives its consumer and its erasure (tenantDeletionListener below).
import type { OnApplicationBootstrap, OnModuleDestroy, Provider, Type } from '@nestjs/common';
import type { NatsConnection } from '@nats-io/transport-node';
import { TenantDeletedEvent, type DurableConsumer } from '@gardien/contracts';
import type { Logger } from '@gardien/observability';
import { DurableEventConsumer, type EventDelivery } from './event-consumer.js';
import { BUS_CONNECTION, LOGGER } from './platform.module.js';

/** What a service erases of a deleted tenant; the counts it returns are logged. */
export interface TenantErasure {
  erase(tenantId: string, eventId?: string): Promise<object>;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export class TenantDeletionListener implements OnApplicationBootstrap, OnModuleDestroy {
  private consumer: DurableEventConsumer<typeof TenantDeletedEvent> | undefined;

  constructor(
    private readonly durable: DurableConsumer,
    private readonly erasure: TenantErasure,
    private readonly connection: NatsConnection,
    private readonly logger: Logger,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.consumer = await DurableEventConsumer.start(this.connection, {
      consumer: this.durable,
      schema: TenantDeletedEvent,
      logger: this.logger,
      handle: (event, delivery) => this.erase(event, delivery),
    });
  }

  async onModuleDestroy(): Promise<void> {
    await this.consumer?.stop();
    this.consumer = undefined;
  }

  private async erase({ tenantId }: TenantDeletedEvent, delivery: EventDelivery): Promise<void> {
    // An id that is not a uuid would not fit in an audit entry: the entry then goes without it.
    const eventId = delivery.messageId && UUID.test(delivery.messageId) ? delivery.messageId : undefined;
    const erased = await this.erasure.erase(tenantId, eventId);
    this.logger.info({ tenantId, ...erased, deliveryCount: delivery.deliveryCount }, 'tenant erased');
  }
}

/** The listener of a service, on its durable consumer, erasing with `erasure` (a provider of its module). */
export function tenantDeletionListener(durable: DurableConsumer, erasure: Type<TenantErasure>): Provider {
  return {
    provide: TenantDeletionListener,
    inject: [erasure, BUS_CONNECTION, LOGGER],
    useFactory: (service: TenantErasure, connection: NatsConnection, logger: Logger) => new TenantDeletionListener(durable, service, connection, logger),
  };
}
