// POST /graphql: the HTTP request goes to graphql-http as it is, so that the same guard logic
// (passport strategies on this request) and the same rate limits apply as on REST.
import { Controller, Post, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { GraphqlSurface } from './graphql-surface.service.js';

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
    void reply
      .status(init.status)
      .headers({ ...init.headers, 'cache-control': 'no-store' })
      .send(body);
  }
}
