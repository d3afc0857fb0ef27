// A client that writes its whole request, head and body, in one write without waiting for an
// answer, as hostile and naive clients do, from a process of its own (so that its reads and writes
// are not interleaved with the edge's event loop). Usage:
//   node eager-writer.mjs URL ROUNDS BYTES 'REQUEST LINE' ['Header: value' ...]
// Prints a JSON array: for each round, the first 12 characters of what was answered
// ("HTTP/1.1 413"), or the error code of the socket when nothing was read before it (EPIPE, ECONNRESET).
import { connect } from 'node:net';

const [url, rounds, bytes, requestLine, ...headers] = process.argv.slice(2);
const { hostname, port } = new URL(url);
const body = Buffer.alloc(Number(bytes), '[');
const head = [requestLine + ' HTTP/1.1', `Host: ${hostname}:${port}`, 'Connection: close', ...headers, `Content-Length: ${body.length}`].join('\r\n');
const request = Buffer.concat([Buffer.from(`${head}\r\n\r\n`, 'latin1'), body]);

const outcomes = [];
for (let round = 0; round < Number(rounds); round += 1) {
  outcomes.push(
    await new Promise((resolve) => {
      const socket = connect({ host: hostname, port: Number(port) });
      let received = '';
      socket.on('data', (chunk) => (received += chunk.toString('latin1')));
      socket.on('error', (error) => resolve(received ? received.slice(0, 12) : error.code));
      socket.on('close', () => resolve(received ? received.slice(0, 12) : 'closed without an answer'));
      socket.write(request);
    }),
  );
}
process.stdout.write(JSON.stringify(outcomes));
