// What the audit service counts, by reason and never by content: entries appended, redeliveries
// skipped, and entries refused (dead letters).
import { Counter } from 'prom-client';
import type { ServiceMetrics } from '@gardien/observability';
import type { IntakeRefusal } from './intake/audit-entry-intake.js';

export class AuditMetrics {
  readonly appended: Counter;
  readonly duplicates: Counter;
  readonly refused: Counter<'reason'>;

  constructor(metrics: ServiceMetrics) {
    this.appended = new Counter({ name: 'gardien_audit_entries_appended_total', help: 'Entries appended to the audit log', registers: [metrics.registry] });
    this.duplicates = new Counter({ name: 'gardien_audit_entries_duplicate_total', help: 'Entries delivered again and not appended twice', registers: [metrics.registry] });
    this.refused = new Counter({ name: 'gardien_audit_entries_refused_total', help: 'Entries of stream AUDIT refused and sent to the dead-letter subject, by reason', labelNames: ['reason'], registers: [metrics.registry] });
  }

  refusedFor(reason: IntakeRefusal): void {
    this.refused.inc({ reason });
  }
}
