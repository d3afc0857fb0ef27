// Applies a tenant's retention overrides of auth's own categories (`auth.<kind>`) to the overrides
// the purge job reads, asking the tenant service for the current ones (so that events arriving
// late, twice or out of order all end in the same state). Only what auth's inventory lets tenants
// shorten, within its maximum: an override that no longer fits (a maximum lowered since) is left
// out, which leaves the maximum in force, and said by its kind in the log.
import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Logger } from '@gardien/observability';
import { LOGGER } from '@gardien/platform';
import { reconcileTenantRetention, retentionPoliciesOf } from '@gardien/persistence';
import { AUTH_INVENTORY } from '../data-inventory.js';
import { TenantDirectory } from '../tenant-directory/tenant-directory.js';

const SHORTENABLE = retentionPoliciesOf(AUTH_INVENTORY).filter(({ tenantMayShorten }) => tenantMayShorten);
const PREFIX = 'auth.';

@Injectable()
export class TenantRetentionSettings {
  constructor(
    private readonly dataSource: DataSource,
    private readonly directory: TenantDirectory,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** Answers how many of the tenant's overrides changed here (none when the tenant is gone: its erasure takes them). */
  async apply(tenantId: string, requestId: string = randomUUID()): Promise<number> {
    const overrides = await this.directory.ownRetentionOverrides(tenantId, { requestId });
    if (!overrides) return 0;
    const applicable: Record<string, number> = {};
    for (const [category, days] of Object.entries(overrides)) {
      const kind = category.startsWith(PREFIX) ? category.slice(PREFIX.length) : '';
      const policy = SHORTENABLE.find((candidate) => candidate.kind === kind);
      if (policy && Number.isInteger(days) && days >= 1 && days <= policy.maxDays) applicable[kind] = days;
      else this.logger.warn({ tenantId, kind: policy?.kind ?? 'undeclared' }, 'a retention override that auth does not allow is left out');
    }
    return reconcileTenantRetention(this.dataSource, SHORTENABLE, applicable, { service: 'auth', tenantId, author: { system: 'auth', scope: { requestId } } });
  }
}
