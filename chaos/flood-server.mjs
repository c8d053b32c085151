// Worker thread of the flood suite: a local Binance-format WebSocket server on 127.0.0.1 that sends
// bookTicker quotes (and a trade every `tradeEvery` messages) at `ratePerSec` for `durationMs`, then
// one sentinel quote. Runs beside the feed in another thread so the flood does not share the feed's
// event loop. Posts { port }, then { sent, skipped } once the sentinel is sent.
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';

const { root, ratePerSec, durationMs, symbols, tradeEvery, maxBufferedBytes } = workerData;
const require = createRequire(join(root, 'packages/venues/binance/package.json'));
const { WebSocketServer } = require('ws');

const server = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false });
server.on('listening', () => parentPort.postMessage({ port: server.address().port }));
/** One unmasked server-to-client text frame (RFC 6455 §5.2) holding `text`. */
function textFrame(text) {
  const payload = Buffer.from(text);
  const n = payload.length;
  const header = n < 126 ? Buffer.from([0x81, n]) : Buffer.from([0x81, 126, n >> 8, n & 0xff]);
  return Buffer.concat([header, payload]);
}

server.on('connection', (ws) => {
  // The frames are written straight to the TCP socket, a burst per write: ws.send per message
  // costs a syscall each and could not reach 100k messages per second on a shared 2-core machine.
  const socket = ws._socket;
  let sent = 0;
  let skipped = 0;
  let u = 1;
  const started = performance.now();
  const message = (n) => {
    if (n % tradeEvery === tradeEvery - 1) {
      return JSON.stringify({
        stream: 'floodtrd@trade',
        data: {
          e: 'trade',
          E: 1,
          s: 'FLOODTRD',
          t: n,
          p: '100.5',
          q: '0.1',
          T: 1_700_000_000_000 + n,
          m: true,
          M: true,
        },
      });
    }
    const symbol = symbols[n % symbols.length];
    const mid = 100 + Math.sin(n / 20_000);
    return JSON.stringify({
      stream: `${symbol.toLowerCase()}@bookTicker`,
      data: {
        u: u++,
        s: symbol,
        b: (mid - 0.01).toFixed(3),
        B: '1.0',
        a: (mid + 0.01).toFixed(3),
        A: '1.0',
        T: 1_700_000_000_000 + n,
      },
    });
  };
  const total = Math.round(ratePerSec * (durationMs / 1000));
  const burst = () => {
    const elapsed = performance.now() - started;
    const due = Math.min(total, Math.floor((ratePerSec * elapsed) / 1000));
    const frames = [];
    while (sent + skipped < due) {
      // A real exchange disconnects a client this far behind; here the message is not sent (counted).
      if (socket.writableLength > maxBufferedBytes) skipped++;
      else {
        frames.push(textFrame(message(sent + skipped)));
        sent++;
      }
    }
    if (frames.length > 0) socket.write(Buffer.concat(frames));
    if (sent + skipped < total) setTimeout(burst, 2);
    else {
      ws.send(
        JSON.stringify({
          stream: 'sentinel@bookTicker',
          data: { u: u++, s: 'SENTINEL', b: '1.0', B: '1', a: '1.1', A: '1', T: 1_700_000_000_000 + total },
        }),
      );
      parentPort.postMessage({ sent, skipped, floodMs: Math.round(performance.now() - started) });
    }
  };
  burst();
});
parentPort.on('message', (m) => {
  if (m === 'close') {
    for (const c of server.clients) c.terminate();
    server.close(() => process.exit(0));
  }
});
