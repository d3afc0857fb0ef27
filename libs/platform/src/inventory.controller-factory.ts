// gardien.v1.<service>.inventory: the service's data inventory (its declarations, never data), for
// the compliance kit and whoever keeps the record of processing. Who may read it is the one
// ability factory's: the super-admin, a tenant's DPO or auditor (in a session that passed MFA), and
// the platform services that need it (the tenant service for retention maxima, the rights pipeline).
import { Controller, Inject, type Type } from '@nestjs/common';
import { serviceOperations, type BusService, type DataInventory, type Principal } from '@gardien/contracts';
import { authorize, defineAbilityFor } from '@gardien/authz';
import { describeInventory, type DataInventoryDeclaration } from '@gardien/persistence';
import { CurrentPrincipal } from './bus-auth.guard.js';
import { Handles } from './handles.decorator.js';

export const DATA_INVENTORY = Symbol('DATA_INVENTORY');

export function inventoryMessageController(service: BusService): Type<unknown> {
  @Controller()
  class InventoryMessageController {
    private readonly description: DataInventory;

    constructor(@Inject(DATA_INVENTORY) inventory: DataInventoryDeclaration) {
      this.description = describeInventory(inventory);
    }

    @Handles(serviceOperations(service).inventory)
    inventory(@CurrentPrincipal() principal: Principal): DataInventory {
      authorize(defineAbilityFor(principal), 'read', 'DataInventory', { service });
      return this.description;
    }
  }
  return InventoryMessageController;
}
