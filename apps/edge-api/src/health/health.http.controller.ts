import { Controller, Get, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { operationCallContext } from '../http/request-context.js';
import { FALLBACK_RETRY_AFTER_SECONDS, RETRY_AFTER_HEADER } from '../http/retry-after.js';
import type { PlatformRoute } from '../openapi/openapi-document.js';
import { PlatformHealthService, type PlatformHealth } from './platform-health.service.js';

/** GET /health as the OpenAPI document describes it. */
export const HEALTH_ROUTE: PlatformRoute = {
  path: '/health',
  method: 'get',
  operation: {
    operationId: 'health',
    summary: 'Whether every bus service answers (503 "degraded" otherwise)',
    tags: ['operations'],
    parameters: [],
    responses: {
      200: { description: 'Every bus service answers' },
      503: { description: 'Some bus service does not answer ("degraded", naming them)' },
    },
    'x-gardien-operation': 'platform.health',
    'x-gardien-isolation': 'public',
  },
};

@Controller()
export class HealthHttpController {
  constructor(private readonly health: PlatformHealthService) {}

  /**
   * 200 when every service answers on the bus, 503 "degraded" naming the ones that do not (with
   * Retry-After, as every 503 of the edge). Up or down only, to everyone: instance details are
   * in the super-admin's answer of /api/v1/status/:service.
   */
  @Get('health')
  async report(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<PlatformHealth> {
    const report = await this.health.check(operationCallContext(request));
    void reply.header('cache-control', 'no-store');
    if (report.status === 'ok') void reply.status(200);
    else void reply.status(503).header(RETRY_AFTER_HEADER, FALLBACK_RETRY_AFTER_SECONDS);
    return report;
  }
}
