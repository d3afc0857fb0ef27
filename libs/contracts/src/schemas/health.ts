import { z } from 'zod';

export const ComponentStatus = z.enum(['up', 'down']);
export type ComponentStatus = z.infer<typeof ComponentStatus>;

/** What `gardien.v1.<service>.health` answers. */
export const ServiceHealth = z
  .object({
    service: z.string(),
    status: ComponentStatus,
    /** Each dependency the service checked (database, bus...), by name. */
    checks: z.record(z.string(), ComponentStatus),
    uptimeSeconds: z.number().nonnegative(),
    instance: z.string(),
  })
  .strict();
export type ServiceHealth = z.infer<typeof ServiceHealth>;

/** The empty request of a health probe. */
export const HealthRequest = z.object({}).strict();
export type HealthRequest = z.infer<typeof HealthRequest>;
