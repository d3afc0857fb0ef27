// Every bus service answers gardien.v1.<service>.health with the same report; the controller is
// made per service because the operation is part of its decorator.
import { Controller, type Type } from '@nestjs/common';
import { serviceOperations, type BusService, type ServiceHealth } from '@gardien/contracts';
import { Handles } from './handles.decorator.js';
import { ServiceHealthService } from './service-health.js';

export function healthMessageController(service: BusService): Type<unknown> {
  @Controller()
  class HealthMessageController {
    constructor(private readonly health: ServiceHealthService) {}

    @Handles(serviceOperations(service).health)
    check(): Promise<ServiceHealth> {
      return this.health.report();
    }
  }
  return HealthMessageController;
}
