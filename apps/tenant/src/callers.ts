// Who is acting on a tenant-service operation: the verified principal and the request it came
// with, as audit entries record them (ids only).
import type { CallContext, Principal } from '@gardien/contracts';

export interface Acting {
  principal: Principal;
  /** The caller's request id when it is a uuid (audit entries accept no other form), else null. */
  requestId: string | null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function actingFrom(principal: Principal, caller: CallContext): Acting {
  return { principal, requestId: UUID.test(caller.requestId) ? caller.requestId : null };
}
