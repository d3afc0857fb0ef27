import { Global, Module, type DynamicModule } from '@nestjs/common';
import { BusClient } from '@gardien/contracts';
import { ServiceMetrics, type Logger } from '@gardien/observability';
import { AuthenticationModule } from './authentication/authentication.module.js';
import type { EdgeConfig } from './config.js';
import { GraphqlModule } from './graphql/graphql.module.js';
import { HealthHttpController } from './health/health.http.controller.js';
import { PlatformHealthService } from './health/platform-health.service.js';
import { AuthRateLimit } from './http/rate-limit.js';
import { OpenApiHttpController } from './openapi/openapi.http.controller.js';
import { SwaggerUiHttpController } from './openapi/swagger-ui.http.controller.js';
import type { Operation } from './operations/operation.js';
import { OperationsModule } from './operations/operations.module.js';
import { StatusHttpController } from './status/status.http.controller.js';
import { EDGE_CONFIG, EDGE_LOGGER } from './tokens.js';

export interface EdgeResources {
  config: EdgeConfig;
  bus: BusClient;
  metrics: ServiceMetrics;
  logger: Logger;
  authRateLimit: AuthRateLimit;
}

/** What the process opened before Nest started, shared by every module. */
@Global()
@Module({})
class EdgeResourcesModule {
  static register(resources: EdgeResources): DynamicModule {
    const providers = [
      { provide: EDGE_CONFIG, useValue: resources.config },
      { provide: BusClient, useValue: resources.bus },
      { provide: ServiceMetrics, useValue: resources.metrics },
      { provide: EDGE_LOGGER, useValue: resources.logger },
      { provide: AuthRateLimit, useValue: resources.authRateLimit },
    ];
    return { module: EdgeResourcesModule, providers, exports: providers.map(({ provide }) => provide) };
  }
}

@Module({})
export class AppModule {
  static register(resources: EdgeResources, operations: readonly Operation[]): DynamicModule {
    const operationsModule = OperationsModule.register(operations);
    return {
      module: AppModule,
      imports: [EdgeResourcesModule.register(resources), AuthenticationModule, operationsModule, GraphqlModule.register(operationsModule)],
      controllers: [HealthHttpController, StatusHttpController, OpenApiHttpController, SwaggerUiHttpController],
      providers: [PlatformHealthService],
    };
  }
}
