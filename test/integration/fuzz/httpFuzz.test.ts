/**
 * Property-based and mutation fuzzing of every HTTP route against the real emulator process:
 * whatever arrives, the answer is a well-formed error in Mailtrap's shape (never a 5xx, never a
 * crash), and rejected input leaves state unchanged. MT_FUZZ_RUNS sets the total (default 10,000).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import * as net from 'node:net';
import { Pool } from 'undici';
import { startEmulatorProcess, type RunningEmulator } from '../../helpers/emulatorProcess';
import { QUERY_ROUTES, ROUTES, validBodies, type RouteSpec } from './routes';

const TOTAL = Number(process.env.MT_FUZZ_RUNS ?? 10_000);
let emu: RunningEmulator;
let pool: Pool;
let fuzzed = 0;

before(async () => {
  // A nearly stopped clock: lifecycles of accepted sends never fire in real time, so the state a
  // rejected request must leave alone is not moved by anything else between the two snapshots.
  emu = await startEmulatorProcess(['--memory', '--time-scale', '0.000001']);
  pool = new Pool(emu.ready.http, { connections: 4 });
});
after(async () => {
  await pool.close();
  assert.equal(await emu.stop(), 0, 'the emulator is still healthy and stops cleanly');
  console.log(`# fuzzed ${fuzzed} HTTP inputs`);
});

interface Answer {
  status: number;
  body: string;
  contentType: string;
}

async function send(method: string, path: string, headers: Record<string, string>, body?: string | Buffer, count = true): Promise<Answer> {
  // A request the emulator never answers is a finding, not a stuck run.
  const r = await pool.request({ method: method as 'POST', path, headers, body, headersTimeout: 20_000, bodyTimeout: 20_000 }).catch((err: Error) => {
    throw new Error(`${method} ${path} ${JSON.stringify(headers).slice(0, 300)}: ${err.message}`);
  });
  const text = await r.body.text();
  if (count) fuzzed++;
  return { status: r.statusCode, body: text, contentType: String(r.headers['content-type'] ?? '') };
}

/** State a rejected request must not change. */
async function snapshot(): Promise<string> {
  const auth = { authorization: `Bearer ${emu.ready.token}` };
  const paths = ['/api/domains', '/api/webhooks', '/api/accounts/1/suppressions', '/emulator/messages?limit=1', '/emulator/events?limit=1'];
  const parts = await Promise.all(paths.map((p) => send('GET', p, auth, undefined, false)));
  // Messages and events by their totals and newest entry (lists of everything would grow with the run).
  return parts.map((p) => p.body).join('\n');
}

function assertWellFormedError(a: Answer, ctx: string): void {
  assert.ok(a.status < 500, `${ctx} → ${a.status} ${a.body.slice(0, 300)}`);
  if (a.status < 400) return;
  assert.match(a.contentType, /application\/json/, `${ctx}: error without JSON`);
  const json = JSON.parse(a.body) as Record<string, unknown>;
  const ok =
    typeof json.error === 'string' ||
    (json.success === false && Array.isArray(json.errors) && json.errors.every((e) => typeof e === 'string')) ||
    (json.errors !== null && typeof json.errors === 'object' && !Array.isArray(json.errors)) ||
    Array.isArray(json.errors);
  assert.ok(ok, `${ctx}: error body not in Mailtrap's shape: ${a.body.slice(0, 300)}`);
}

const junkText = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.json({ maxDepth: 4 }),
  fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)),
  fc.constantFrom('', '{', '[]', 'null', '"x"', '{"a":', '\u0000', '{"__proto__":{"x":1}}', '[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]'),
  fc.nat({ max: 2000 }).map((d) => '['.repeat(d) + ']'.repeat(d)),
);

const contentTypes = fc.constantFrom('application/json', 'application/json; charset=utf-8', 'text/plain', 'application/jsonl', 'application/x-www-form-urlencoded', 'application/json; charset=latin-9', '');

const pathNoise = fc.oneof(
  fc.integer({ min: -5, max: 1_000_000 }).map(String),
  fc.string({ unit: 'grapheme', maxLength: 20 }).map(encodeURIComponent),
  fc.constantFrom('0', '1', '2', '9007199254740993', '1e3', '%00', '..%2F..', 'null'),
);

function pathFor(route: RouteSpec, id: string): string {
  // A sink answers what its script says (a scripted 500 is the point of it): fuzz the public
  // receiver on names the sink-scripting properties never touch.
  if (route.path === '/sink/:name') return `/sink/unscripted-${id}`;
  return route.path.replace(':id', id).replace(':name', id);
}

const anyText = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom('', '-1', '0', '1e309', 'NaN', '9007199254740993', 'null', '[]', '{}', 'true', 'delivery', 'soft bounce', 'a@b.c', '%', '%ZZ', '\u0000'),
);

/** A query string: known and unknown keys, repeated keys (arrays), raw and percent-encoded junk. */
const queryString = (params: string[]) =>
  fc
    .array(fc.tuple(fc.oneof(fc.constantFrom(...params), fc.string({ maxLength: 8 }), fc.constantFrom('__proto__', 'constructor', 'a[b]', 'limit[]')), anyText, fc.boolean()), {
      maxLength: 8,
    })
    .map((pairs) => pairs.map(([k, v, raw]) => `${encodeURIComponent(k)}=${raw ? v.replace(/[^\x21-\x7e]|#/g, '') : encodeURIComponent(v)}`).join('&'));

/** Headers beside a good token: junk values for the ones the app reads, and unknown ones. */
const headerSet = fc.record(
  {
    'content-type': fc.oneof(fc.constantFrom('application/json', 'application/jsonl', 'application/json; charset=utf-16', 'multipart/form-data; boundary=x', 'text/html'), fc.string({ maxLength: 30 })),
    'api-token': fc.string({ maxLength: 40 }),
    accept: fc.string({ maxLength: 30 }),
    'x-forwarded-for': fc.string({ maxLength: 30 }),
    'content-encoding': fc.constantFrom('gzip', 'br', 'deflate', 'identity', 'x-junk'),
    'x-junk': fc.string({ maxLength: 2000 }),
  },
  { requiredKeys: [] },
).map((h) => Object.fromEntries(Object.entries(h).map(([k, v]) => [k, v.replace(/[^\x20-\x7e]/g, '')])));

/** Mutations of a valid body: drop or retype a field, wrap, nest, unicode. */
function mutate(body: Record<string, unknown>): fc.Arbitrary<unknown> {
  const keys = Object.keys(body);
  const anyValue = fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.string({ unit: 'grapheme' }), fc.constant(null), fc.double(), fc.boolean());
  const inner = (b: unknown): Record<string, unknown> | null =>
    b && typeof b === 'object' && !Array.isArray(b) ? (b as Record<string, unknown>) : null;
  return fc.oneof(
    keys.length ? fc.constantFrom(...keys).map((k) => ({ ...body, [k]: undefined })) : fc.constant(body),
    keys.length ? fc.tuple(fc.constantFrom(...keys), anyValue).map(([k, v]) => ({ ...body, [k]: v })) : fc.constant(body),
    // Mutate one level down (`{"webhook":{...}}`).
    fc.tuple(fc.constantFrom(...(keys.length ? keys : ['x'])), fc.string({ maxLength: 12 }), anyValue).map(([k, f, v]) => {
      const i = inner(body[k]);
      return i ? { ...body, [k]: { ...i, [f]: v } } : body;
    }),
    fc.constant([body]),
    fc.constant({ wrapper: body }),
  );
}

describe('HTTP fuzzing', () => {
  const properties = ROUTES.length + ROUTES.filter((r) => validBodies[`${r.method} ${r.path}`]).length + QUERY_ROUTES.length + 3;
  const perRoute = Math.max(20, Math.ceil(TOTAL / properties));

  for (const route of ROUTES) {
    it(`${route.method} ${route.path}: random input → well-formed error or success, state intact`, async () => {
      await fc.assert(
        fc.asyncProperty(pathNoise, junkText, contentTypes, fc.boolean(), async (id, body, ct, goodToken) => {
          const before = route.mutates ? await snapshot() : '';
          const headers: Record<string, string> = goodToken ? { authorization: `Bearer ${emu.ready.token}` } : { authorization: 'Bearer nope' };
          if (ct) headers['content-type'] = ct;
          const hasBody = route.method !== 'GET' && route.method !== 'DELETE';
          const a = await send(route.method, pathFor(route, id), headers, hasBody ? body : undefined);
          assertWellFormedError(a, `${route.method} ${pathFor(route, id)} ${ct} ${body.slice(0, 80)}`);
          if (!goodToken && !route.public) assert.equal(a.status, 401);
          if (route.mutates && a.status >= 400) assert.equal(await snapshot(), before, 'rejected input changed state');
        }),
        { numRuns: perRoute },
      );
    });

    const valid = validBodies[`${route.method} ${route.path}`];
    if (valid) {
      it(`${route.method} ${route.path}: mutated valid bodies`, async () => {
        await fc.assert(
          fc.asyncProperty(mutate(valid()), async (body) => {
            const before = route.mutates ? await snapshot() : '';
            const a = await send(route.method, pathFor(route, '1'), { authorization: `Bearer ${emu.ready.token}`, 'content-type': 'application/json' }, JSON.stringify(body));
            assertWellFormedError(a, `${route.method} ${route.path} ${JSON.stringify(body).slice(0, 200)}`);
            if (route.mutates && a.status >= 400) assert.equal(await snapshot(), before, 'rejected input changed state');
          }),
          { numRuns: perRoute },
        );
      });
    }
  }

  for (const q of QUERY_ROUTES) {
    it(`GET ${q.path}: fuzzed query strings → well-formed answer`, async () => {
      await fc.assert(
        fc.asyncProperty(queryString(q.params), async (qs) => {
          const method = q.path === '/emulator/replay' ? 'POST' : 'GET';
          const a = await send(method, `${q.path}?${qs}`, { authorization: `Bearer ${emu.ready.token}`, 'content-type': 'application/json' }, method === 'POST' ? '{"events":[]}' : undefined);
          assertWellFormedError(a, `${method} ${q.path}?${qs}`);
        }),
        { numRuns: perRoute },
      );
    });
  }

  it('fuzzed headers beside a good token → well-formed answer on every route, state intact', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...ROUTES), headerSet, junkText, async (route, extra, body) => {
        const before = route.mutates ? await snapshot() : '';
        const hasBody = route.method !== 'GET' && route.method !== 'DELETE';
        const a = await send(route.method, pathFor(route, '1'), { ...extra, authorization: `Bearer ${emu.ready.token}` }, hasBody ? body : undefined);
        assertWellFormedError(a, `${route.method} ${route.path} ${JSON.stringify(extra).slice(0, 200)}`);
        if (route.mutates && a.status >= 400) assert.equal(await snapshot(), before, 'rejected input changed state');
      }),
      { numRuns: perRoute * 3 },
    );
  });

  it("a request line or headers Node itself rejects get a JSON 400/431 in Mailtrap's shape", async () => {
    const raw = async (head: Buffer) =>
      new Promise<string>((resolve) => {
        const sock = net.connect(emu.ready.httpPort, '127.0.0.1');
        let got = '';
        sock.on('data', (d) => (got += d.toString()));
        sock.on('close', () => resolve(got));
        sock.on('error', () => undefined);
        sock.write(head);
      });
    const token = `Authorization: Bearer ${emu.ready.token}\r\n`;
    const answers = [
      await raw(Buffer.concat([Buffer.from('GET /emulator/events?q='), Buffer.from('𫍴é', 'utf8'), Buffer.from(` HTTP/1.1\r\nHost: x\r\n${token}\r\n`)])),
      await raw(Buffer.from(`GET /api/webhooks HTTP/1.1\r\nHost: x\r\n${token}X-Big: ${'a'.repeat(100 * 1024)}\r\n\r\n`)),
      await raw(Buffer.from('BREW /api/webhooks HTCPCP/1.0\r\n\r\n')),
      await raw(Buffer.from(`POST /api/webhooks HTTP/1.1\r\nHost: x\r\n${token}Content-Length: 5\r\nContent-Length: 7\r\n\r\nhello`)),
    ];
    fuzzed += answers.length;
    for (const a of answers) {
      assert.match(a, /^HTTP\/1\.1 4(00|31) /, a);
      const body = JSON.parse(a.slice(a.indexOf('\r\n\r\n') + 4));
      assert.equal(body.success, false);
      assert.ok(Array.isArray(body.errors));
    }
    assert.equal((await send('GET', '/api/webhooks', { authorization: `Bearer ${emu.ready.token}` })).status, 200);
  });

  it('huge and deeply nested bodies get 413 or 400, not a crash', async () => {
    const auth = { authorization: `Bearer ${emu.ready.token}`, 'content-type': 'application/json' };
    const huge = await send('POST', '/api/webhooks', auth, Buffer.alloc(40 * 1024 * 1024, 0x20));
    assert.equal(huge.status, 413);
    const deep = await send('POST', '/api/webhooks', auth, '['.repeat(100_000) + ']'.repeat(100_000));
    assertWellFormedError(deep, 'deep nesting');
    const alive = await send('GET', '/api/webhooks', auth);
    assert.equal(alive.status, 200);
  });
});
