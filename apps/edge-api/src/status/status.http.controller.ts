// GET /api/v1/status/:service — one service's status, one bus round trip (also what the
// round-trip benchmark measures). Anyone learns whether it is up; its report (instance name,
// `<hostname>-<pid>` by default, uptime and checks) is for the verified super-admin only, since it
// tells an attacker which host and process they reached and when it last restarted.
import { Controller, Get, Param, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { BUS_SERVICES, BusClient, ServiceHealth, isBusService, serviceOperations, type ComponentStatus } from '@gardien/contracts';
import { API_KEY_HEADER } from '../authentication/api-key.strategy.js';
import { HttpAuthenticator } from '../authentication/http-authenticator.service.js';
import { EdgeReason, edgeError } from '../edge.errors.js';
import { operationCallContext } from '../http/request-context.js';
import { problemResponse, type PlatformRoute } from '../openapi/openapi-document.js';

/** What anyone may know of a service. */
export interface ServiceStatus {
  service: string;
  status: ComponentStatus;
}

/** GET /api/v1/status/{service} as the OpenAPI document describes it. */
export const STATUS_ROUTE: PlatformRoute = {
  path: '/api/v1/status/{service}',
  method: 'get',
  operation: {
    operationId: 'serviceStatus',
    summary: 'Whether one bus service is up; its whole health report for the super-admin',
    tags: ['operations'],
    parameters: [{ name: 'service', in: 'path', required: true, schema: { type: 'string', enum: [...BUS_SERVICES] } }],
    responses: {
      200: { description: '`{service, status}`; for the super-admin, the health report (checks, instance, uptime)' },
      401: problemResponse('Credentials were given and do not verify'),
      404: problemResponse('No such service'),
    },
    // Anonymous callers are served too: credentials only widen the answer.
    security: [{}, { bearer: [] }, { 'api-key': [] }],
    'x-gardien-operation': 'platform.status',
    'x-gardien-isolation': 'public',
  },
};

function presentsCredentials(request: FastifyRequest): boolean {
  return request.headers.authorization !== undefined || request.headers[API_KEY_HEADER.toLowerCase()] !== undefined;
}

@Controller('api/v1/status')
export class StatusHttpController {
  constructor(
    private readonly bus: BusClient,
    private readonly authenticator: HttpAuthenticator,
  ) {}

  @Get(':service')
  async status(
    @Param('service') service: string,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ServiceHealth | ServiceStatus> {
    if (!isBusService(service)) throw edgeError(EdgeReason.UnknownService);
    const detailed = await this.isSuperAdmin(request, reply);
    const report = await this.bus.call(serviceOperations(service).health, {}, operationCallContext(request));
    return detailed ? report : { service: report.service, status: report.status };
  }

  /** Credentials that do not verify are a 401, as everywhere; none at all is an anonymous caller. */
  private async isSuperAdmin(request: FastifyRequest, reply: FastifyReply): Promise<boolean> {
    if (!presentsCredentials(request)) return false;
    const { principal } = await this.authenticator.authenticate(request, reply);
    // As in every service, the super-admin role counts only in a session that passed MFA.
    return principal.roles.includes('superadmin') && principal.mfa;
  }
}
