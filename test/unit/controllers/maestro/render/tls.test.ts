import { X509Certificate, createPrivateKey, createPublicKey } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import {
  DB_PASSWORD_BYTES,
  ensureDbCredentials,
  ensureMqttTlsMaterial,
  GeneratedSecretError,
  generateDbPassword,
  issueMqttClientCertificate,
  leafNeedsIssue,
  TlsMaterialError,
} from '../../../../../src/tls/index.js';
import { mqttServerHostnames } from '../../../../../src/controllers/maestro/render/index.js';

const NOW = new Date('2026-09-01T12:00:00Z');
const DAY = 24 * 60 * 60 * 1000;
const HOSTS = mqttServerHostnames('maestro', 'mqtt.apps.example.com');

/** Counter-based bytes: deterministic serials without weakening the real default. */
function fakeRandom(): (n: number) => Uint8Array {
  let i = 0;
  return (n) => Uint8Array.from({ length: n }, () => (i++ * 37 + 11) & 0xff);
}

const first = await ensureMqttTlsMaterial({}, HOSTS, { now: NOW, randomBytes: fakeRandom() });
const { ca, server, maestroClient } = first.material;
const caCert = new X509Certificate(ca.cert);

function secrets(m = first.material) {
  return {
    ca: { 'ca.crt': m.ca.cert, 'ca.key': m.ca.key },
    server: { 'tls.crt': m.server.cert, 'tls.key': m.server.key, 'ca.crt': m.ca.cert },
    maestroClient: { 'tls.crt': m.maestroClient.cert, 'tls.key': m.maestroClient.key, 'ca.crt': m.ca.cert },
  };
}

describe('MQTT CA and leaves', () => {
  it('generates everything when nothing exists', () => {
    expect(first.generated).toEqual({ ca: true, server: true, maestroClient: true });
  });

  it('makes a P-256 CA limited to signing leaves', () => {
    expect(caCert.ca).toBe(true);
    expect(caCert.verify(caCert.publicKey)).toBe(true);
    expect(caCert.publicKey.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
    expect(createPrivateKey(ca.key).asymmetricKeyType).toBe('ec');
    expect(new Date(caCert.validTo).getTime() - NOW.getTime()).toBeGreaterThan(9 * 365 * DAY);
  });

  it('issues a server certificate that chains to the CA and covers the Service names and external host', () => {
    const cert = new X509Certificate(server.cert);
    expect(cert.checkIssued(caCert)).toBe(true);
    expect(cert.verify(caCert.publicKey)).toBe(true);
    expect(cert.ca).toBe(false);
    for (const host of HOSTS) expect(cert.checkHost(host)).toBe(host);
    expect(cert.checkHost('evil.example.com')).toBeUndefined();
    expect(cert.keyUsage).toContain('1.3.6.1.5.5.7.3.1');
  });

  it('matches each certificate with its private key', () => {
    for (const pair of [server, maestroClient]) {
      const fromKey = createPublicKey(createPrivateKey(pair.key)).export({ format: 'der', type: 'spki' });
      const fromCert = new X509Certificate(pair.cert).publicKey.export({ format: 'der', type: 'spki' });
      expect(Buffer.compare(fromKey, fromCert)).toBe(0);
    }
  });

  it("issues Maestro's client certificate with CN maestro for clientAuth", () => {
    const cert = new X509Certificate(maestroClient.cert);
    expect(cert.subject).toBe('CN=maestro');
    expect(cert.verify(caCert.publicKey)).toBe(true);
    expect(cert.keyUsage).toEqual(['1.3.6.1.5.5.7.3.2']);
  });

  it('keeps every existing value when nothing changed', async () => {
    const again = await ensureMqttTlsMaterial(secrets(), HOSTS, { now: new Date(NOW.getTime() + 30 * DAY) });
    expect(again.generated).toEqual({ ca: false, server: false, maestroClient: false });
    expect(again.material).toEqual(first.material);
  });

  it('reissues only the server certificate when a host name is added, from the same CA', async () => {
    const again = await ensureMqttTlsMaterial(secrets(), [...HOSTS, 'new.example.com'], { now: NOW });
    expect(again.generated).toEqual({ ca: false, server: true, maestroClient: false });
    expect(again.material.ca).toEqual(ca);
    expect(new X509Certificate(again.material.server.cert).verify(caCert.publicKey)).toBe(true);
  });

  it('reissues leaves close to expiry but never the CA', async () => {
    const late = new Date(NOW.getTime() + 340 * DAY);
    const again = await ensureMqttTlsMaterial(secrets(), HOSTS, { now: late });
    expect(again.generated).toEqual({ ca: false, server: true, maestroClient: true });
    expect(again.material.ca).toEqual(ca);
  });

  it('replaces leaves signed by another CA', async () => {
    const other = await ensureMqttTlsMaterial({}, HOSTS, { now: NOW });
    const mixed = { ...secrets(), server: secrets(other.material).server };
    const again = await ensureMqttTlsMaterial(mixed, HOSTS, { now: NOW });
    expect(again.generated.server).toBe(true);
    expect(new X509Certificate(again.material.server.cert).checkIssued(caCert)).toBe(true);
  });

  it('refuses to replace an unusable CA Secret', async () => {
    await expect(ensureMqttTlsMaterial({ ca: { 'ca.crt': 'garbage' } }, HOSTS, { now: NOW })).rejects.toThrow(
      TlsMaterialError,
    );
    await expect(
      ensureMqttTlsMaterial({ ca: { 'ca.crt': server.cert, 'ca.key': server.key } }, HOSTS, { now: NOW }),
    ).rejects.toThrow(/not a CA/);
  });

  it('uses the injected randomness for serial numbers', async () => {
    const a = await ensureMqttTlsMaterial({}, HOSTS, { now: NOW, randomBytes: fakeRandom() });
    expect(new X509Certificate(a.material.ca.cert).serialNumber).toBe(caCert.serialNumber);
  });

  it('leafNeedsIssue is true for a missing leaf', () => {
    expect(leafNeedsIssue(undefined, ca.cert, { commonName: 'maestro' }, NOW)).toBe(true);
    expect(
      leafNeedsIssue(
        { cert: maestroClient.cert, key: maestroClient.key },
        ca.cert,
        { commonName: 'maestro' },
        NOW,
      ),
    ).toBe(false);
    expect(
      leafNeedsIssue(
        { cert: maestroClient.cert, key: maestroClient.key },
        ca.cert,
        { commonName: 'other' },
        NOW,
      ),
    ).toBe(true);
  });
});

describe('agent client certificates', () => {
  it('issues CN = cluster name, chained to the CA', async () => {
    const pair = await issueMqttClientCertificate(ca, 'cluster-1', { now: NOW });
    const cert = new X509Certificate(pair.cert);
    expect(cert.subject).toBe('CN=cluster-1');
    expect(cert.verify(caCert.publicKey)).toBe(true);
  });

  it.each(['maestro', 'Bad_Name', 'a/b', 'x'.repeat(64)])('refuses cluster name %s', async (name) => {
    await expect(issueMqttClientCertificate(ca, name, { now: NOW })).rejects.toThrow(TlsMaterialError);
  });
});

describe('database credentials', () => {
  it('generates a strong URL-safe password', () => {
    const password = generateDbPassword();
    expect(password.length).toBeGreaterThanOrEqual(32);
    expect(password).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(generateDbPassword()).not.toBe(password);
    expect(Buffer.from(password, 'base64url')).toHaveLength(DB_PASSWORD_BYTES);
  });

  it('uses the injected randomness', () => {
    expect(generateDbPassword(() => new Uint8Array(DB_PASSWORD_BYTES))).toBe('A'.repeat(43));
  });

  it('generates MCE-compatible credentials when the Secret does not exist', () => {
    const { credentials, generated } = ensureDbCredentials(undefined);
    expect(generated).toBe(true);
    expect(credentials).toMatchObject({ user: 'maestro', name: 'maestro' });
  });

  it("keeps an existing Secret's values, including MCE's 16-character password", () => {
    const existing = {
      host: 'maestro-db.maestro',
      port: '5432',
      name: 'maestro',
      user: 'maestro',
      password: 'Ab3dEf6hIj9kLm2n',
    };
    expect(ensureDbCredentials(existing)).toEqual({
      credentials: { user: 'maestro', name: 'maestro', password: 'Ab3dEf6hIj9kLm2n' },
      generated: false,
    });
  });

  it('refuses to regenerate a password for an existing Secret', () => {
    expect(() => ensureDbCredentials({ user: 'maestro' })).toThrow(GeneratedSecretError);
  });
});
