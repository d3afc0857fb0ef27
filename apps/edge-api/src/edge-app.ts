// The edge's HTTP application, wired once for the process and for the tests: Fastify with the
// answers to requests refused before any route, the access log, the shutdown refusal, the rate
// limits (they must see every route) and the one body parser, then Nest with its modules and the
// problem filter. Returned initialised, not yet listening.
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { BusClient } from '@gardien/contracts';
import { frameworkLogger, type Logger, type ServiceMetrics } from '@gardien/observability';
import { AppModule } from './app.module.js';
import { trustedProxiesOf, type EdgeConfig } from './config.js';
import { clientAddressOf } from './http/client-address.js';
import { registerAccessLog } from './http/access-log.js';
import { EarlyAnswers } from './http/early-answers.js';
import { answerClientError, answerFrameworkError, registerShutdownRefusal } from './http/early-refusals.js';
import { bodyFieldNamesOf, registerJsonBody } from './http/json-body.js';
import { ProblemFilter } from './http/problem.filter.js';
import { registerRateLimits } from './http/rate-limit.js';
import type { Operation } from './operations/operation.js';
import { OPERATIONS } from './operations/operations.js';

export interface EdgeApplicationOptions {
  config: EdgeConfig;
  /** The operation table (tests give their own); the platform's OPERATIONS otherwise. */
  operations?: readonly Operation[];
  bus: BusClient;
  logger: Logger;
  metrics: ServiceMetrics;
}

const GRAPHQL_PATH = '/graphql';

export async function createEdgeApplication({ config, bus, logger, metrics, operations = OPERATIONS }: EdgeApplicationOptions): Promise<NestFastifyApplication> {
  const earlyAnswers = new EarlyAnswers(Math.max(config.GARDIEN_BODY_LIMIT_BYTES, config.GARDIEN_GRAPHQL_BODY_LIMIT_BYTES));
  const adapter = new FastifyAdapter({
    logger: false,
    bodyLimit: config.GARDIEN_BODY_LIMIT_BYTES,
    // Fastify leaves Node's request timeout off by default, and Node reads it when the server is
    // made (setting it afterwards, as Fastify's own option does, changes nothing): given here, with
    // a check every second rather than every 30 s.
    requestTimeout: config.GARDIEN_REQUEST_TIMEOUT_MS,
    http: { requestTimeout: config.GARDIEN_REQUEST_TIMEOUT_MS, connectionsCheckingInterval: 1_000 },
    // registerShutdownRefusal answers instead, in problem+json.
    return503OnClosing: false,
    trustProxy: trustedProxiesOf(config),
    frameworkErrors: answerFrameworkError(logger, earlyAnswers, clientAddressOf(trustedProxiesOf(config))),
    clientErrorHandler: answerClientError(logger),
  });
  const fastify = adapter.getInstance();
  earlyAnswers.register(fastify);
  // Parser errors (bad JSON, body too large) and rate-limit refusals reach the ProblemFilter through Nest's error handler.
  registerAccessLog(fastify, logger, metrics);
  registerShutdownRefusal(fastify);
  const authRateLimit = await registerRateLimits(fastify, config);
  registerJsonBody(fastify, bodyFieldNamesOf(operations));
  // A GraphQL document is small; its body limit bounds what the parser and the validation rules see.
  fastify.addHook('onRoute', (route) => {
    if (route.url === GRAPHQL_PATH) route.bodyLimit = config.GARDIEN_GRAPHQL_BODY_LIMIT_BYTES;
  });
  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule.register({ config, bus, metrics, logger, authRateLimit }, operations),
    adapter,
    // The edge's own parser (registerJsonBody) is the only one: Nest would add JSON and form parsers of its own.
    { logger: frameworkLogger(logger), bodyParser: false },
  );
  app.useGlobalFilters(new ProblemFilter(logger));
  await app.init();
  return app;
}
