// The API behind the HTTP benchmark, in its own process so its event loop is not the load generator's:
// a small JSON document per GET, as an internal service would answer.
import { createServer } from 'node:http';

const body = JSON.stringify({ id: 1, status: 'shipped', items: [{ sku: 'A-1', qty: 2 }], total: 42.5 });
const server = createServer((_req, res) => {
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
});
server.listen(Number(process.argv[2]), '127.0.0.1', () => process.send?.('ready'));
