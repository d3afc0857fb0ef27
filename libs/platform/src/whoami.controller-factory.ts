// gardien.v1.<service>.whoami: who this service verified the caller to be. Every service answers
// it behind BusAuthGuard, which makes "every service verifies the token itself" checkable from
// outside (forged, expired or alg-none tokens sent straight onto the bus must be refused).
import { Controller, type Type } from '@nestjs/common';
import { serviceOperations, type BusService, type Principal, type WhoAmI } from '@gardien/contracts';
import { CurrentPrincipal } from './bus-auth.guard.js';
import { Handles } from './handles.decorator.js';

export function whoAmIMessageController(service: BusService): Type<unknown> {
  @Controller()
  class WhoAmIMessageController {
    @Handles(serviceOperations(service).whoami)
    whoami(@CurrentPrincipal() principal: Principal): WhoAmI {
      return {
        service,
        principal: { kind: principal.kind, id: principal.id, tenantId: principal.tenantId, roles: principal.roles, mfa: principal.mfa },
      };
    }
  }
  return WhoAmIMessageController;
}
