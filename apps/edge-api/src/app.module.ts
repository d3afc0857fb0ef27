import { Module, type DynamicModule } from '@nestjs/common';
import { BusClient } from '@gardien/contracts';
import { ServiceMetrics } from '@gardien/observability';
import type { EdgeConfig } from './config.js';
import { HealthHttpController } from './health/health.http.controller.js';
import { PlatformHealthService } from './health/platform-health.service.js';
import { StatusHttpController } from './status/status.http.controller.js';
import { EDGE_CONFIG } from './tokens.js';

export interface EdgeResources {
  config: EdgeConfig;
  bus: BusClient;
  metrics: ServiceMetrics;
}

@Module({})
export class AppModule {
  static register(resources: EdgeResources): DynamicModule {
    return {
      module: AppModule,
      controllers: [HealthHttpController, StatusHttpController],
      providers: [
        { provide: EDGE_CONFIG, useValue: resources.config },
        { provide: BusClient, useValue: resources.bus },
        { provide: ServiceMetrics, useValue: resources.metrics },
        PlatformHealthService,
      ],
    };
  }
}
