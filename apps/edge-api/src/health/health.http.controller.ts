import { Controller, Get, Req, Res } from '@nestjs/common';
import { ApiExtension, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { callContextOf } from '../http/request-context.js';
import { PlatformHealthService, type PlatformHealth } from './platform-health.service.js';

@Controller()
export class HealthHttpController {
  constructor(private readonly health: PlatformHealthService) {}

  /** 200 when every service answers on the bus, 503 "degraded" naming the ones that do not. */
  @Get('health')
  @ApiTags('operations')
  @ApiOperation({ operationId: 'health', summary: 'Whether every bus service answers (503 "degraded" otherwise)' })
  @ApiExtension('x-gardien-operation', 'platform.health')
  @ApiExtension('x-gardien-isolation', 'public')
  async report(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<PlatformHealth> {
    const report = await this.health.check(callContextOf(request));
    void reply.status(report.status === 'ok' ? 200 : 503).header('cache-control', 'no-store');
    return report;
  }
}
