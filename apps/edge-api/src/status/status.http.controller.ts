// GET /api/v1/status/:service — the health report of one service, for operators. One request,
// one bus round trip: also what the round-trip benchmark measures.
import { Controller, Get, Param, Req } from '@nestjs/common';
import { ApiExtension, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { BusClient, ErrorCode, GardienError, ServiceHealth, healthSubject, isBusService } from '@gardien/contracts';
import { callContextOf } from '../http/request-context.js';

@Controller('api/v1/status')
export class StatusHttpController {
  constructor(private readonly bus: BusClient) {}

  @Get(':service')
  @ApiTags('operations')
  @ApiOperation({ operationId: 'serviceStatus', summary: 'The health report of one bus service' })
  @ApiExtension('x-gardien-operation', 'platform.status')
  @ApiExtension('x-gardien-isolation', 'public')
  async status(@Param('service') service: string, @Req() request: FastifyRequest): Promise<ServiceHealth> {
    if (!isBusService(service)) throw new GardienError(ErrorCode.NotFound, 'no such service');
    return this.bus.request(healthSubject(service), {}, callContextOf(request), ServiceHealth);
  }
}
