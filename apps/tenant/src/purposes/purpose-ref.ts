// How audit entries name a purpose. Purpose ids are text the tenant chose, which audit entries do
// not accept (ids and system names only); the entry carries instead a name-based uuid (RFC 9562
// version 5) of the tenant and the purpose id: stable, and recomputable by an auditor who knows both.
import { createHash } from 'node:crypto';

export function purposeAuditRef(tenantId: string, purposeId: string): string {
  const namespace = Buffer.from(tenantId.replaceAll('-', ''), 'hex');
  const bytes = createHash('sha1').update(namespace).update(purposeId, 'utf8').digest().subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x50;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
