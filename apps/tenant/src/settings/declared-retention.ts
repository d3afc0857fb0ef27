// The retention periods the services declare, read from their data inventories over the bus
// (gardien.v1.<service>.inventory) with the tenant service's own token: the maxima a tenant's
// retention overrides are checked against are those of the service that owns the data, as it
// runs now, never a copy kept here. Only the services an update names are asked.
import { Injectable } from '@nestjs/common';
import { ServiceTokens } from '@gardien/authz';
import { BusClient, ErrorCode, GardienError, callContextFor, isBusService, serviceOperations, type CallScope } from '@gardien/contracts';
import type { DeclaredRetentionPeriod } from './settings-update.js';

@Injectable()
export class DeclaredRetention {
  constructor(
    private readonly bus: BusClient,
    private readonly tokens: ServiceTokens,
  ) {}

  /**
   * The periods, keyed `<service>.<kind>`, of the services the given categories name (others are
   * simply absent), asked within the request being handled (its id, trace and deadline go on).
   */
  async periodsFor(categories: readonly string[], scope: CallScope): Promise<Record<string, DeclaredRetentionPeriod>> {
    const services = [...new Set(categories.map((category) => category.split('.')[0] ?? ''))].filter(isBusService);
    const declared = await Promise.all(
      services.map(async (service) => {
        const inventory = await this.bus.call(serviceOperations(service).inventory, {}, callContextFor(scope, await this.tokens.forAudience(service, scope.requestId)));
        if (inventory.service !== service) throw new GardienError(ErrorCode.Internal, 'a service answered for another');
        return inventory.personal_data.flatMap(({ retention }) =>
          retention.type === 'period' ? [[`${service}.${retention.kind}`, { maxDays: retention.max_days, tenantMayShorten: retention.tenant_may_shorten }] as const] : [],
        );
      }),
    );
    return Object.fromEntries(declared.flat());
  }
}
