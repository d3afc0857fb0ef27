import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { BusClient } from '@gardien/contracts';
import { frameworkLogger, safeError, stopTracing } from '@gardien/observability';
import { EDGE_READY_MESSAGE, onShutdownSignal, openBusConnection, openProcessContext } from '@gardien/bootstrap';
import { AppModule } from './app.module.js';
import { EdgeConfigSchema } from './config.js';
import { registerAccessLog } from './http/access-log.js';
import { ProblemFilter } from './http/problem.filter.js';

const context = await openProcessContext('edge-api', EdgeConfigSchema);
const { config, logger } = context;
try {
  const connection = await openBusConnection(config, 'edge-api', 'gardien-edge-api');
  const bus = new BusClient(connection, config.GARDIEN_BUS_TIMEOUT_MS);
  const adapter = new FastifyAdapter({ logger: false, bodyLimit: config.GARDIEN_BODY_LIMIT_BYTES, return503OnClosing: true });
  // Parser errors (bad JSON, body too large) reach the ProblemFilter through Nest's error handler.
  registerAccessLog(adapter.getInstance(), logger, context.metrics);
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.register({ config, bus, metrics: context.metrics }), adapter, {
    logger: frameworkLogger(logger),
  });
  app.useGlobalFilters(new ProblemFilter(logger));
  await app.listen(config.GARDIEN_HTTP_PORT, config.GARDIEN_HTTP_HOST);
  onShutdownSignal(logger, async () => {
    await app.close();
    await connection.drain();
    context.metricsServer.close();
    await stopTracing();
  });
  logger.info(
    { startMs: Date.now() - context.startedAt, url: `http://${config.GARDIEN_HTTP_HOST}:${config.GARDIEN_HTTP_PORT}` },
    EDGE_READY_MESSAGE,
  );
} catch (error) {
  logger.fatal({ err: safeError(error) }, 'edge failed to start');
  logger.flush();
  setTimeout(() => process.exit(1), 100);
}
