// POST /graphql: the HTTP request goes to graphql-http as it is, so that the same guard logic
// (passport strategies on this request) and the same rate limits apply as on REST. What
// graphql-http refuses without a GraphQL answer (an empty body) is a problem like every refusal.
import { Controller, Post, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { HttpRefusal, type HttpRefusalKind } from '../http/http-refusal.js';
import { GraphqlSurface } from './graphql-surface.service.js';

const REFUSALS: Readonly<Record<number, HttpRefusalKind>> = { 406: 'notAcceptable', 415: 'unsupportedMediaType' };

@Controller()
export class GraphqlHttpController {
  constructor(private readonly surface: GraphqlSurface) {}

  @Post('graphql')
  async execute(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const [body, init] = await this.surface.handler({
      method: request.method,
      url: request.url,
      headers: request.headers,
      body: (request.body ?? null) as Record<string, unknown> | null,
      raw: request,
      context: { request, reply },
    });
    if (body === null) throw new HttpRefusal(REFUSALS[init.status] ?? 'malformedRequest');
    void reply
      .status(init.status)
      .headers({ ...init.headers, 'cache-control': 'no-store' })
      .send(body);
  }
}
