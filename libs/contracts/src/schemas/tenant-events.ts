// Domain events of the tenant service, as they travel in stream EVENTS (published through its
// outbox, Nats-Msg-Id = the outbox row id). Ids only. Only the tenant service may publish under
// gardien.events.tenant.> (bus-permissions.ts), which is why a consumer can act on them.
import { z } from 'zod';
import { eventSubject } from '../subjects.js';
import { PLATFORM_TENANT_ID } from './identity.js';
import { Uuid } from './primitives.js';

export const TENANT_EVENTS = {
  /** The tenant and its data in the tenant service are gone; every other service erases what it holds of it. */
  deleted: eventSubject('tenant', 'tenant.deleted'),
  /** A tenant's settings changed: the services that own a category of its retention overrides apply them. */
  settingsUpdated: eventSubject('tenant', 'settings.updated'),
} as const;

/**
 * A producer may add ids to an event later: unknown fields are dropped, not refused, so that an
 * older consumer keeps working. The platform tenant (the super-admin's) is never deleted.
 */
export const TenantDeletedEvent = z.object({
  tenantId: Uuid.refine((id) => id !== PLATFORM_TENANT_ID, { message: 'the platform tenant is never deleted' }),
});
export type TenantDeletedEvent = z.infer<typeof TenantDeletedEvent>;

/** The settings themselves are asked of the tenant service (settings.retention.get): the event may arrive late or twice, the answer is the current state. */
export const SettingsUpdatedEvent = z.object({ tenantId: Uuid });
export type SettingsUpdatedEvent = z.infer<typeof SettingsUpdatedEvent>;
