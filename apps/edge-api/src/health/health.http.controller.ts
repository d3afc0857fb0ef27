import { Controller, Get, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { operationCallContext } from '../http/request-context.js';
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

  /** 200 when every service answers on the bus, 503 "degraded" naming the ones that do not. */
  @Get('health')
  async report(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<PlatformHealth> {
    const report = await this.health.check(operationCallContext(request));
    void reply.status(report.status === 'ok' ? 200 : 503).header('cache-control', 'no-store');
    return report;
  }
}
