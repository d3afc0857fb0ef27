// Swagger UI at /api/docs, from the files of the swagger-ui-dist package, served here from an
// allowlist: the page loads nothing from elsewhere (its online validator is off, and a
// Content-Security-Policy of 'self' holds the browser to that), and no other file of the package
// (its demo page points at a public petstore) is reachable.
import { createReadStream } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Controller, Get, Header, Param, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { EdgeReason, edgeError } from '../edge.errors.js';

/** Only the directory is resolved: the package's entry module would load the whole UI bundle into the process. */
const ASSETS_DIR = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));

const ASSETS: Readonly<Record<string, string>> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'application/javascript; charset=utf-8',
  'favicon-32x32.png': 'image/png',
  'favicon-16x16.png': 'image/png',
};

const CSP = [
  "default-src 'self'",
  "img-src 'self' data:",
  "style-src 'self' 'unsafe-inline'",
  "script-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

// Relative URLs: the page works behind a proxy that mounts the edge under another path.
const PAGE = `<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Gardien API</title>
  <link rel="stylesheet" href="./docs/swagger-ui.css">
  <link rel="icon" type="image/png" href="./docs/favicon-32x32.png" sizes="32x32">
  <link rel="icon" type="image/png" href="./docs/favicon-16x16.png" sizes="16x16">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="./docs/swagger-ui-bundle.js"></script>
  <script src="./docs/swagger-ui-init.js"></script>
</body>
</html>
`;

const INIT_SCRIPT = `window.onload = function () {
  window.ui = SwaggerUIBundle({
    url: './docs-json',
    dom_id: '#swagger-ui',
    deepLinking: true,
    validatorUrl: null,
    presets: [SwaggerUIBundle.presets.apis],
    layout: 'BaseLayout'
  });
};
`;

@Controller('api/docs')
export class SwaggerUiHttpController {
  @Get()
  @Header('content-type', 'text/html; charset=utf-8')
  @Header('content-security-policy', CSP)
  page(): string {
    return PAGE;
  }

  @Get('swagger-ui-init.js')
  @Header('content-type', 'application/javascript; charset=utf-8')
  init(): string {
    return INIT_SCRIPT;
  }

  @Get(':asset')
  asset(@Param('asset') asset: string, @Res() reply: FastifyReply): void {
    const type = Object.hasOwn(ASSETS, asset) ? ASSETS[asset] : undefined;
    if (!type) throw edgeError(EdgeReason.FileNotFound);
    void reply.header('content-type', type).header('cache-control', 'public, max-age=3600').send(createReadStream(join(ASSETS_DIR, asset)));
  }
}
