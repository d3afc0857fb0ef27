// Consumes the tenant service's `settings.updated` events (stream EVENTS, durable consumer
// auth-settings-updated, shared by the replicas of auth) and applies the tenant's retention
// overrides of auth's categories. Events carry no token and no values: what vouches for them is
// the bus (only the tenant service may publish under gardien.events.tenant.>), and the overrides
// are asked of the tenant service itself, with auth's own token.
import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { NatsConnection } from '@nats-io/transport-node';
import { DURABLE_CONSUMERS, SettingsUpdatedEvent } from '@gardien/contracts';
import type { Logger } from '@gardien/observability';
import { BUS_CONNECTION, DurableEventConsumer, LOGGER, type EventDelivery } from '@gardien/platform';
import { TenantRetentionSettings } from './tenant-retention-settings.js';

@Injectable()
export class SettingsUpdateListener implements OnApplicationBootstrap, OnModuleDestroy {
  private consumer: DurableEventConsumer<typeof SettingsUpdatedEvent> | undefined;

  constructor(
    private readonly retention: TenantRetentionSettings,
    @Inject(BUS_CONNECTION) private readonly connection: NatsConnection,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.consumer = await DurableEventConsumer.start(this.connection, {
      consumer: DURABLE_CONSUMERS.auth.settingsUpdated,
      schema: SettingsUpdatedEvent,
      logger: this.logger,
      handle: (event, delivery) => this.apply(event, delivery),
    });
  }

  async onModuleDestroy(): Promise<void> {
    await this.consumer?.stop();
    this.consumer = undefined;
  }

  private async apply({ tenantId }: SettingsUpdatedEvent, delivery: EventDelivery): Promise<void> {
    const changed = await this.retention.apply(tenantId);
    this.logger.info({ tenantId, changed, deliveryCount: delivery.deliveryCount }, 'retention overrides applied');
  }
}
