// Subject names of request/reply on the bus: gardien.v1.<service>.<action>.
// The version segment changes only when a payload changes incompatibly.
import type { BusService } from './services.js';

export const SUBJECT_PREFIX = 'gardien.v1';

const ACTION_PATTERN = /^[a-z][a-z0-9-]*(\.[a-z][a-z0-9-]*)*$/;

export function subjectOf(service: BusService, action: string): string {
  if (!ACTION_PATTERN.test(action)) {
    throw new Error(`invalid bus action "${action}"`);
  }
  return `${SUBJECT_PREFIX}.${service}.${action}`;
}

/** JetStream streams and the subjects they capture. */
export const STREAMS = {
  AUDIT: { name: 'AUDIT', subjects: ['gardien.audit.>'] },
  RIGHTS: { name: 'RIGHTS', subjects: ['gardien.rights.>'] },
  EVENTS: { name: 'EVENTS', subjects: ['gardien.events.>'] },
} as const;

export type StreamName = keyof typeof STREAMS;

/** Subject of an audit entry emitted by a service: gardien.audit.<service>.<action>. */
export function auditSubject(service: string, action: string): string {
  if (!ACTION_PATTERN.test(action)) {
    throw new Error(`invalid audit action "${action}"`);
  }
  return `gardien.audit.${service}.${action}`;
}

/** Subject of a domain event, under its emitting service: gardien.events.<service>.<name>. */
export function eventSubject(service: string, name: string): string {
  if (!ACTION_PATTERN.test(name)) {
    throw new Error(`invalid event name "${name}"`);
  }
  return `gardien.events.${service}.${name}`;
}

/** Subject of a data-subject request in stream RIGHTS: gardien.rights.<kind>. */
export function rightsSubject(kind: string): string {
  if (!ACTION_PATTERN.test(kind)) {
    throw new Error(`invalid rights request kind "${kind}"`);
  }
  return `gardien.rights.${kind}`;
}

/**
 * Where a service reports the messages of a stream it refused (never the message itself: its
 * stream sequence, and its entry id when it has one): gardien.dead-letter.<service>. Core NATS, for
 * operators' monitoring to subscribe to; the refusal is also counted and logged by the service.
 */
export function deadLetterSubject(service: BusService): string {
  return `gardien.dead-letter.${service}`;
}
