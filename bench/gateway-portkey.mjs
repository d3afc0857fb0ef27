// The peer gateway of the gateway bench, Portkey's open-source AI gateway (@portkey-ai/gateway, a
// dev dependency), started as its own process: `node bench/gateway-portkey.mjs --port=<port>
// --headless`. Its server (@hono/node-server) listens on every interface and has no option for
// another address, so this entry point makes a listen() that names no host listen on 127.0.0.1
// before loading the gateway's own start script, unchanged. `--headless` leaves out its web console
// and its live log stream (which would show request headers to whoever opens it).
// The bench tells it, per request, where the model is: `x-portkey-provider: openai` and
// `x-portkey-custom-host: <runtime>/v1` (an OpenAI-compatible server; 127.0.0.1 is among its
// default trusted custom hosts).
import http from 'node:http';

const listen = http.Server.prototype.listen;
/** @this {http.Server} @param {unknown[]} args */
http.Server.prototype.listen = function listenOnLoopback(...args) {
  if (typeof args[0] === 'number' && typeof args[1] !== 'string') {
    const rest = args.slice(1).filter((arg) => arg !== undefined);
    return listen.call(this, args[0], '127.0.0.1', ...rest);
  }
  return listen.apply(this, args);
};

await import('@portkey-ai/gateway/build/start-server.js');
