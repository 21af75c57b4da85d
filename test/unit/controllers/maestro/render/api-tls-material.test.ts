/** TLS material of Maestro's REST and gRPC listeners: generated once, leaves reissued in time. */
import { X509Certificate } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { apiServerHostnames } from '../../../../../src/controllers/maestro/render/index.js';
import { ensureApiTlsMaterial, TlsMaterialError } from '../../../../../src/tls/index.js';

const NOW = new Date('2026-09-01T12:00:00Z');
const DAY = 24 * 60 * 60 * 1000;
const HOSTS = apiServerHostnames('maestro');

const first = await ensureApiTlsMaterial({}, HOSTS, { now: NOW });
const { ca, server, grpcClient } = first.material;
const caCert = new X509Certificate(ca.cert);

const secrets = (m = first.material) => ({
  ca: { 'ca.crt': m.ca.cert, 'ca.key': m.ca.key },
  ...(m.server ? { server: { 'tls.crt': m.server.cert, 'tls.key': m.server.key } } : {}),
  grpcClient: { 'tls.crt': m.grpcClient.cert, 'tls.key': m.grpcClient.key },
});

describe('ensureApiTlsMaterial', () => {
  it('generates its own CA, a serving certificate for both Services and localhost, and a gRPC client certificate', () => {
    expect(first.generated).toEqual({ ca: true, server: true, grpcClient: true });
    expect(caCert.ca).toBe(true);
    expect(caCert.subject).toBe('CN=mce-maestro-operator Maestro API CA');
    const serving = new X509Certificate(server?.cert ?? '');
    expect(serving.checkIssued(caCert)).toBe(true);
    for (const name of [
      'maestro.maestro.svc',
      'maestro-grpc.maestro.svc',
      'maestro-grpc.maestro.svc.cluster.local',
      'localhost',
    ]) {
      expect(serving.checkHost(name)).toBe(name);
    }
  });

  it('puts the user in CN and the group in O of the client certificate, as Maestro mTLS requires both', () => {
    const client = new X509Certificate(grpcClient.cert);
    expect(client.checkIssued(caCert)).toBe(true);
    expect(client.subject.split('\n').sort()).toEqual(['CN=maestro-grpc-client', 'O=maestro-grpc-clients']);
    expect(client.keyUsage).toContain('1.3.6.1.5.5.7.3.2'); // clientAuth
  });

  it('keeps everything that exists and is valid', async () => {
    const again = await ensureApiTlsMaterial(secrets(), HOSTS, { now: NOW });
    expect(again.generated).toEqual({ ca: false, server: false, grpcClient: false });
    expect(again.material).toEqual(first.material);
  });

  it('reissues leaves within 30 days of expiry but never the CA', async () => {
    const later = new Date(NOW.getTime() + 340 * DAY);
    const again = await ensureApiTlsMaterial(secrets(), HOSTS, { now: later });
    expect(again.generated).toEqual({ ca: false, server: true, grpcClient: true });
    expect(again.material.ca).toEqual(ca);
    expect(new X509Certificate(again.material.grpcClient.cert).checkIssued(caCert)).toBe(true);
  });

  it('reissues a client certificate that lacks the group', async () => {
    const { issueClientCertificate } = await import('../../../../../src/tls/certificates.js');
    const noGroup = await issueClientCertificate(ca, 'maestro-grpc-client', { now: NOW });
    const again = await ensureApiTlsMaterial(
      { ...secrets(), grpcClient: { 'tls.crt': noGroup.cert, 'tls.key': noGroup.key } },
      HOSTS,
      { now: NOW },
    );
    expect(again.generated.grpcClient).toBe(true);
  });

  it('issues no serving certificate where the OpenShift service CA does', async () => {
    const openshift = await ensureApiTlsMaterial({ ca: secrets().ca }, null, { now: NOW });
    expect(openshift.material.server).toBeUndefined();
    expect(openshift.generated).toEqual({ ca: false, server: false, grpcClient: true });
  });

  it('refuses to replace an unusable CA Secret', async () => {
    await expect(ensureApiTlsMaterial({ ca: { 'ca.crt': 'x' } }, HOSTS, { now: NOW })).rejects.toThrow(
      TlsMaterialError,
    );
  });
});
