// The edge's HTTP application, wired once for the process and for the tests: Fastify with the
// access log and the rate limits first (they must see every route), then Nest with its modules
// and the problem filter. Returned initialised, not yet listening.
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { BusClient } from '@gardien/contracts';
import { frameworkLogger, type Logger, type ServiceMetrics } from '@gardien/observability';
import { AppModule } from './app.module.js';
import type { EdgeConfig } from './config.js';
import { registerAccessLog } from './http/access-log.js';
import { ProblemFilter } from './http/problem.filter.js';
import { registerRateLimits } from './http/rate-limit.js';
import { OPERATIONS } from './operations/operations.js';

export interface EdgeApplicationOptions {
  config: EdgeConfig;
  bus: BusClient;
  logger: Logger;
  metrics: ServiceMetrics;
}

export async function createEdgeApplication({ config, bus, logger, metrics }: EdgeApplicationOptions): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    logger: false,
    bodyLimit: config.GARDIEN_BODY_LIMIT_BYTES,
    return503OnClosing: true,
    trustProxy: config.GARDIEN_TRUSTED_PROXIES ?? false,
  });
  const fastify = adapter.getInstance();
  // Parser errors (bad JSON, body too large) and rate-limit refusals reach the ProblemFilter through Nest's error handler.
  registerAccessLog(fastify, logger, metrics);
  const authRateLimit = await registerRateLimits(fastify, config);
  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule.register({ config, bus, metrics, logger, authRateLimit }, OPERATIONS),
    adapter,
    { logger: frameworkLogger(logger) },
  );
  app.useGlobalFilters(new ProblemFilter(logger));
  await app.init();
  return app;
}
