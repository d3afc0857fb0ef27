// Stage 2: is the purpose one the tenant declared, on a legal basis the gateway can honour? A
// purpose based on consent needs the consent of the subject, which the gateway cannot check until
// the consent registry exists: such calls are refused, never let through on trust.
import { Injectable } from '@nestjs/common';
import type { LegalBasis, ModelPolicy } from '@gardien/contracts';
import { GatewayReason, gatewayError } from '../../llm-gateway.errors.js';

@Injectable()
export class LegalBasisStage {
  run(policy: ModelPolicy, purpose: string): LegalBasis {
    const declared = policy.purposes.find((candidate) => candidate.id === purpose);
    if (!declared) throw gatewayError(GatewayReason.UndeclaredPurpose);
    if (declared.legal_basis === 'consent') throw gatewayError(GatewayReason.ConsentNotVerifiable);
    return declared.legal_basis;
  }
}
