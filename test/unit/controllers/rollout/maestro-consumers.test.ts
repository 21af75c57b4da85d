/**
 * Consumer registration over Maestro's REST, against a real local HTTPS server whose certificate
 * comes from a CA of its own (as maestro-api-ca signs Maestro's): verified against the CA the
 * rollout read from the hub, refused without it.
 */
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { maestroConsumers } from '../../../../src/controllers/rollout/maestro-consumers.js';
import { createCa, issueServerCertificate } from '../../../../src/tls/certificates.js';

const now = { now: new Date() };
let server: Server;
let url: string;
let ca: string;
let otherCa: string;
const consumers = new Set<string>(['existing']);
const posts: string[] = [];
/** The Authorization header of each request (empty when absent). */
const authorizations: string[] = [];

beforeAll(async () => {
  const [mine, other] = [await createCa(now, 'test maestro-api-ca'), await createCa(now, 'someone else')];
  [ca, otherCa] = [mine.cert, other.cert];
  const leaf = await issueServerCertificate(mine, ['localhost'], now);
  server = createServer({ cert: leaf.cert, key: leaf.key }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      authorizations.push(req.headers.authorization ?? '');
      const u = new URL(req.url ?? '/', 'https://localhost');
      res.setHeader('Content-Type', 'application/json');
      if (req.method === 'GET') {
        const wanted = /name = '([^']+)'/.exec(u.searchParams.get('search') ?? '')?.[1] ?? '';
        res.end(JSON.stringify({ items: consumers.has(wanted) ? [{ name: wanted }] : [] }));
        return;
      }
      const { name } = JSON.parse(Buffer.concat(chunks).toString()) as { name: string };
      posts.push(name);
      res.statusCode = consumers.has(name) ? 409 : 201;
      consumers.add(name);
      res.end(JSON.stringify({ name, kind: 'Consumer' }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `https://localhost:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('maestroConsumers', () => {
  it('creates a missing consumer and finds an existing one, verifying the server against the CA', async () => {
    const client = maestroConsumers(url, { ca });
    expect(await client.ensure('cluster1')).toBe('created');
    expect(await client.ensure('cluster1')).toBe('exists');
    expect(await client.ensure('existing')).toBe('exists');
    expect(posts).toEqual(['cluster1']);
  });

  it('accepts a bundle holding the signing CA among others (maestro-api-ca plus the service CA)', async () => {
    expect(await maestroConsumers(url, { ca: `${otherCa}\n${ca}` }).ensure('cluster2')).toBe('created');
  });

  it('refuses a server its CA did not sign, and one no CA was given for', async () => {
    await expect(maestroConsumers(url, { ca: otherCa }).ensure('cluster3')).rejects.toThrow(
      /self-signed|unable to verify|unable to get/i,
    );
    await expect(maestroConsumers(url).ensure('cluster3')).rejects.toThrow(/self-signed|unable to/i);
    expect(consumers.has('cluster3')).toBe(false);
  });

  it('sends the token the provider gives at each request (ServiceAccount tokens rotate), and none without one', async () => {
    const tokens = ['first', 'second'];
    authorizations.length = 0;
    const client = maestroConsumers(url, { ca, token: () => Promise.resolve(tokens.shift()) });
    expect(await client.ensure('cluster4')).toBe('created');
    expect(authorizations).toEqual(['Bearer first', 'Bearer second']);
    authorizations.length = 0;
    await maestroConsumers(url, { ca }).ensure('cluster4');
    expect(authorizations).toEqual(['']);
  });
});
