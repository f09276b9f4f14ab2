// The raw baseline's sender in a process of its own (issue 13): on POST /run {url, n} it builds
// n events as 500-event bodies (untimed), posts them to `url` one at a time from one undici
// connection, exactly as the in-process baseline does (scenarios/delivery.ts), and answers with
// the milliseconds the posts took. The emulator posts its batches from a process of its own, so
// every batch crosses between two processes; this measures what that alone costs on the machine.
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { postOneAtATime, rawBodies } from '../scenarios/delivery';

const server = http.createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const { url, n } = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { url: string; n: number };
    const bodies = rawBodies(0, n); // the in-process baseline's bodies
    postOneAtATime(url, bodies).then(
      (ms) => res.end(JSON.stringify({ ms })),
      (err: unknown) => {
        res.statusCode = 500;
        res.end(JSON.stringify({ error: String(err) }));
      },
    );
  });
});
server.listen(0, '127.0.0.1', () => {
  console.log(JSON.stringify({ http: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }));
});
