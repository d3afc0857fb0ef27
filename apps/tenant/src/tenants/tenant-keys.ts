// The keys this service holds for a tenant, destroyed when the tenant is deleted (design rule 5:
// erasing a tenant destroys its KMS keys). Other services destroy theirs on the tenant.deleted event.
import { Injectable } from '@nestjs/common';
import { BlindIndex, SubjectKeyRing } from '@gardien/crypto';

@Injectable()
export class TenantKeys {
  constructor(
    private readonly keyRing: SubjectKeyRing,
    private readonly blindIndex: BlindIndex,
  ) {}

  /** Idempotent; if the KMS cannot be reached nothing is destroyed and the call fails. */
  async destroy(tenantId: string): Promise<void> {
    await this.keyRing.forgetTenant(tenantId);
    await this.blindIndex.forgetTenant(tenantId);
  }
}
