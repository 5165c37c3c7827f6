// A bare Node.js WebSocket server that speaks the examples' protocol, as a yardstick.
//
// It is what the performance targets of example 01 are set against: the simplest server of
// the field's most used Node.js WebSocket library, on one event loop, with nothing of ours in
// it. Measure it with the same load generator, on the same machine, in the same minute as the
// example, and the two rows differ only by the server.
//
// Run:   npm ci && node ws-server.js --port 18090 --tick-ms 100
// Stop:  Ctrl+C
'use strict';
const http = require('node:http');
const { WebSocketServer } = require('ws');

const args = Object.fromEntries(process.argv.slice(2).reduce((pairs, arg, i, all) =>
  arg.startsWith('--') ? [...pairs, [arg.slice(2), all[i + 1]]] : pairs, []));
const host = args.host ?? '127.0.0.1';
const port = Number(args.port ?? 18090);
const tickMs = Number(args['tick-ms'] ?? 100);

// GET /info answers like every example, so the load generator learns the nominal period.
const server = http.createServer((request, response) => {
  if (request.url === '/info') {
    response.writeHead(200, { 'Content-Type': 'application/json' });
    response.end(JSON.stringify({ example: 'baseline-node-ws', tickMs }));
  } else {
    response.writeHead(404).end();
  }
});

// Like the examples: no compression (a tick is 25 bytes), key codes of at most 1 KiB.
const sockets = new WebSocketServer({ server, path: '/connect', perMessageDeflate: false, maxPayload: 1024 });
sockets.on('connection', (socket) => {
  socket.on('message', (data, isBinary) => {
    const text = data.toString();
    if (isBinary) {
      socket.close(1003, 'Binary frames are not accepted');
    } else if (/^\d{1,9}$/.test(text.trim())) {
      socket.send(`Pressed key code: ${Number(text.trim())}`);
    } else {
      socket.send(`Not a key code: ${text}`);
    }
  });
  socket.on('error', () => socket.terminate());
});

// The whole game loop: one timer on the one event loop, sending to everyone in turn.
let tick = 0;
const loop = setInterval(() => {
  const message = `game loop says: tick ${++tick}`;
  for (const socket of sockets.clients) {
    socket.send(message);
  }
}, tickMs);

server.listen(port, host, () => console.log(`Bare ws server at ws://${host}:${port}/connect, tick every ${tickMs} ms`));

function stop() {
  clearInterval(loop);
  for (const socket of sockets.clients) {
    socket.close(1001, 'server shutting down');
  }
  sockets.close();
  server.close(() => process.exit(0));
  setTimeout(() => process.exit(0), 1000).unref(); // clients that never answer the close
}
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
