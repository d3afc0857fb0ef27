import 'reflect-metadata';
import '@gardien/bootstrap/defer-date-time-format';
import { BusClient } from '@gardien/contracts';
import { safeError, stopTracing } from '@gardien/observability';
import { EDGE_READY_MESSAGE, onShutdownSignal, openBusConnection, openProcessContext } from '@gardien/bootstrap';
import { EdgeConfigSchema, requireTrustedProxiesInProduction } from './config.js';
import { createEdgeApplication } from './edge-app.js';

const context = await openProcessContext('edge-api', EdgeConfigSchema, requireTrustedProxiesInProduction);
const { config, logger } = context;
try {
  const connection = await openBusConnection(config, 'edge-api', 'gardien-edge-api');
  const bus = new BusClient(connection, config.GARDIEN_BUS_TIMEOUT_MS);
  const app = await createEdgeApplication({ config, bus, logger, metrics: context.metrics });
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
