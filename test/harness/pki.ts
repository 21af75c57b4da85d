/**
 * Certificates for the local control plane: a CA, a serving certificate for 127.0.0.1 and
 * localhost, and the service-account signing key, so clients verify the server for real.
 */
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { generateKeyPairSync, webcrypto } from 'node:crypto';

// Node's webcrypto is the Web Crypto API; the DOM `Crypto` type is not in our lib set.
x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[1]);

const ALG = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;

export interface ControlPlanePki {
  caCert: string;
  /** The CA's key: kube-controller-manager signs approved client CSRs with it. */
  caKey: string;
  servingCert: string;
  servingKey: string;
  serviceAccountKey: string;
  serviceAccountPub: string;
}

async function pkcs8Pem(key: webcrypto.CryptoKey): Promise<string> {
  const der = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', key));
  return `-----BEGIN PRIVATE KEY-----\n${der
    .toString('base64')
    .replace(/(.{64})/g, '$1\n')
    .trimEnd()}\n-----END PRIVATE KEY-----\n`;
}

/** Mints a fresh CA and serving certificate valid for a day. */
export async function createControlPlanePki(): Promise<ControlPlanePki> {
  const now = new Date(Date.now() - 60_000);
  const notAfter = new Date(Date.now() + 24 * 3600_000);
  const caKeys = await webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify']);
  const ca = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: '01',
    name: 'CN=mce-maestro-operator-test-ca',
    notBefore: now,
    notAfter,
    signingAlgorithm: ALG,
    keys: caKeys,
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
    ],
  });
  const servingKeys = await webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify']);
  const serving = await x509.X509CertificateGenerator.create({
    serialNumber: '02',
    subject: 'CN=kube-apiserver',
    issuer: ca.subject,
    notBefore: now,
    notAfter,
    signingAlgorithm: ALG,
    publicKey: servingKeys.publicKey,
    signingKey: caKeys.privateKey,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(
        x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment,
        true,
      ),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension([
        { type: 'ip', value: '127.0.0.1' },
        { type: 'dns', value: 'localhost' },
        { type: 'dns', value: 'kubernetes.default.svc' },
      ]),
    ],
  });
  const sa = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return {
    caCert: ca.toString('pem'),
    caKey: await pkcs8Pem(caKeys.privateKey),
    servingCert: serving.toString('pem'),
    servingKey: await pkcs8Pem(servingKeys.privateKey),
    serviceAccountKey: sa.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    serviceAccountPub: sa.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}
