// Consumes the tenant service's `tenant.deleted` events (stream EVENTS, durable consumer
// vector-store-tenant-deleted, shared by the replicas of the vector store) and erases the tenant
// here. Events carry no token: what vouches for them is the bus, where only the tenant service may
// publish under gardien.events.tenant.> (libs/contracts bus-permissions).
import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { NatsConnection } from '@nats-io/transport-node';
import { DURABLE_CONSUMERS, TenantDeletedEvent } from '@gardien/contracts';
import type { Logger } from '@gardien/observability';
import { BUS_CONNECTION, DurableEventConsumer, LOGGER, type EventDelivery } from '@gardien/platform';
import { VectorTenantErasure } from './tenant-erasure.service.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

@Injectable()
export class TenantDeletionListener implements OnApplicationBootstrap, OnModuleDestroy {
  private consumer: DurableEventConsumer<typeof TenantDeletedEvent> | undefined;

  constructor(
    private readonly erasure: VectorTenantErasure,
    @Inject(BUS_CONNECTION) private readonly connection: NatsConnection,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.consumer = await DurableEventConsumer.start(this.connection, {
      consumer: DURABLE_CONSUMERS['vector-store'].tenantDeleted,
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
    const eventId = delivery.messageId && UUID.test(delivery.messageId) ? delivery.messageId : undefined;
    const erased = await this.erasure.erase(tenantId, eventId);
    this.logger.info({ tenantId, ...erased, deliveryCount: delivery.deliveryCount }, 'tenant erased');
  }
}
