// GET /api/v1/status/:service — the health report of one service, for operators. One request,
// one bus round trip: also what the round-trip benchmark measures.
import { Controller, Get, Param, Req } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { BUS_SERVICES, BusClient, ErrorCode, GardienError, ServiceHealth, serviceOperations, isBusService } from '@gardien/contracts';
import { operationCallContext } from '../http/request-context.js';
import { problemResponse, type PlatformRoute } from '../openapi/openapi-document.js';

/** GET /api/v1/status/{service} as the OpenAPI document describes it. */
export const STATUS_ROUTE: PlatformRoute = {
  path: '/api/v1/status/{service}',
  method: 'get',
  operation: {
    operationId: 'serviceStatus',
    summary: 'The health report of one bus service',
    tags: ['operations'],
    parameters: [{ name: 'service', in: 'path', required: true, schema: { type: 'string', enum: [...BUS_SERVICES] } }],
    responses: {
      200: { description: 'The health report of the service' },
      404: problemResponse('No such service'),
    },
    'x-gardien-operation': 'platform.status',
    'x-gardien-isolation': 'public',
  },
};

@Controller('api/v1/status')
export class StatusHttpController {
  constructor(private readonly bus: BusClient) {}

  @Get(':service')
  async status(@Param('service') service: string, @Req() request: FastifyRequest): Promise<ServiceHealth> {
    if (!isBusService(service)) throw new GardienError(ErrorCode.NotFound, 'no such service');
    return this.bus.call(serviceOperations(service).health, {}, operationCallContext(request));
  }
}
