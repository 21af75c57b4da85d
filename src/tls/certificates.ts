/**
 * ECDSA P-256 certificates for MQTT mutual TLS: a CA generated once, Mosquitto's serving
 * certificate, and client certificates whose CN is the MQTT identity (`maestro` for the server, the
 * cluster name for an agent; Mosquitto's `use_identity_as_username` turns it into the username the
 * ACL matches).
 */
import { X509Certificate as NodeX509 } from 'node:crypto';
import type { TlsKeyPair } from '../controllers/maestro/render/types.js';
import { defaultRandomBytes, type TlsDeps } from './random.js';
import { webcrypto, x509 } from '../runtime/x509.js';

const EC_ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256' } as const;
const SIGNING_ALGORITHM = { name: 'ECDSA', hash: 'SHA-256' } as const;
const DAY_MS = 24 * 60 * 60 * 1000;
/** Backdating covers clock skew between the operator and the pods that check the certificate. */
const BACKDATE_MS = 5 * 60 * 1000;

export const CA_VALIDITY_DAYS = 3650;
export const LEAF_VALIDITY_DAYS = 365;
/**
 * Agent (managed cluster) client certificates live a week and are renewed after two thirds of it:
 * nothing revokes one, so a cluster that leaves the fleet or moves back to kube keeps broker
 * access until its certificate expires, at most this long after its last renewal.
 */
export const AGENT_CERT_VALIDITY_DAYS = 7;
/** Fraction of an agent certificate's lifetime after which it is renewed. */
export const AGENT_CERT_RENEW_FRACTION = 2 / 3;
/** Leaf certificates are reissued when less than this remains. */
export const RENEW_BEFORE_DAYS = 30;
export const CA_COMMON_NAME = 'mce-maestro-operator MQTT CA';

/** Thrown for unusable existing TLS material that must not be replaced silently. */
export class TlsMaterialError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TlsMaterialError';
  }
}

function serialNumber(deps: TlsDeps): string {
  const bytes = (deps.randomBytes ?? defaultRandomBytes)(16);
  bytes[0] = (bytes[0] ?? 0) & 0x7f; // a positive INTEGER
  return Buffer.from(bytes).toString('hex');
}

async function generateKeys(): Promise<webcrypto.CryptoKeyPair> {
  return (await webcrypto.subtle.generateKey(EC_ALGORITHM, true, [
    'sign',
    'verify',
  ])) as webcrypto.CryptoKeyPair;
}

async function exportKey(key: webcrypto.CryptoKey): Promise<string> {
  return x509.PemConverter.encode(await webcrypto.subtle.exportKey('pkcs8', key), 'PRIVATE KEY');
}

async function importCaKey(pem: string): Promise<webcrypto.CryptoKey> {
  return (await webcrypto.subtle.importKey('pkcs8', x509.PemConverter.decodeFirst(pem), EC_ALGORITHM, false, [
    'sign',
  ])) as webcrypto.CryptoKey;
}

function validity(deps: TlsDeps, days: number) {
  const now = deps.now.getTime();
  return { notBefore: new Date(now - BACKDATE_MS), notAfter: new Date(now + days * DAY_MS) };
}

/** A new self-signed CA (pathLength 0: it signs leaves only). */
export async function createCa(deps: TlsDeps, commonName: string = CA_COMMON_NAME): Promise<TlsKeyPair> {
  const keys = await generateKeys();
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serialNumber(deps),
    name: `CN=${commonName}`,
    ...validity(deps, CA_VALIDITY_DAYS),
    keys,
    signingAlgorithm: SIGNING_ALGORITHM,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return { cert: cert.toString('pem'), key: await exportKey(keys.privateKey) };
}

interface LeafRequest {
  commonName: string;
  /** Subject O, e.g. the group a client certificate carries (Maestro's mTLS needs one). */
  organization?: string;
  dnsNames: string[];
  usage: 'server' | 'client';
  /** Lifetime in days (default LEAF_VALIDITY_DAYS). */
  validityDays?: number;
}

async function issueLeaf(ca: TlsKeyPair, req: LeafRequest, deps: TlsDeps): Promise<TlsKeyPair> {
  const caCert = new x509.X509Certificate(ca.cert);
  const signingKey = await importCaKey(ca.key);
  const keys = await generateKeys();
  const extensions: x509.Extension[] = [
    new x509.BasicConstraintsExtension(false, undefined, true),
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
    new x509.ExtendedKeyUsageExtension(
      [req.usage === 'server' ? x509.ExtendedKeyUsage.serverAuth : x509.ExtendedKeyUsage.clientAuth],
      false,
    ),
    await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    await x509.AuthorityKeyIdentifierExtension.create(caCert.publicKey),
  ];
  if (req.dnsNames.length > 0) {
    extensions.push(
      new x509.SubjectAlternativeNameExtension(req.dnsNames.map((value) => ({ type: 'dns', value }))),
    );
  }
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serialNumber(deps),
    subject: req.organization ? `CN=${req.commonName}, O=${req.organization}` : `CN=${req.commonName}`,
    issuer: caCert.subject,
    ...validity(deps, req.validityDays ?? LEAF_VALIDITY_DAYS),
    publicKey: keys.publicKey,
    signingKey,
    signingAlgorithm: SIGNING_ALGORITHM,
    extensions,
  });
  return { cert: cert.toString('pem'), key: await exportKey(keys.privateKey) };
}

/** Mosquitto's serving certificate for the given DNS names (the first is the CN). */
export function issueServerCertificate(
  ca: TlsKeyPair,
  dnsNames: string[],
  deps: TlsDeps,
): Promise<TlsKeyPair> {
  const [first] = dnsNames;
  if (!first) throw new Error('a server certificate needs at least one DNS name');
  return issueLeaf(ca, { commonName: first, dnsNames, usage: 'server' }, deps);
}

/** A client certificate whose CN is the identity (the MQTT username; Maestro's gRPC user) and O its group. */
export function issueClientCertificate(
  ca: TlsKeyPair,
  identity: string,
  deps: TlsDeps,
  organization?: string,
): Promise<TlsKeyPair> {
  return issueLeaf(ca, { commonName: identity, organization, dnsNames: [], usage: 'client' }, deps);
}

/** A client certificate like `issueClientCertificate`'s with a lifetime of `validityDays`. */
export function issueClientCertificateValidFor(
  ca: TlsKeyPair,
  identity: string,
  deps: TlsDeps,
  validityDays: number,
): Promise<TlsKeyPair> {
  return issueLeaf(ca, { commonName: identity, dnsNames: [], usage: 'client', validityDays }, deps);
}

/** The validity window of a PEM certificate, or undefined when it is not one. */
export function certificateValidity(pem: string): { notBefore: Date; notAfter: Date } | undefined {
  const cert = parse(pem);
  return cert ? { notBefore: new Date(cert.validFrom), notAfter: new Date(cert.validTo) } : undefined;
}

/**
 * When a certificate valid from `notBefore` to `notAfter` is due for renewal: after
 * `AGENT_CERT_RENEW_FRACTION` of its lifetime, leaving a third of it for the new one to reach
 * the cluster.
 */
export function renewalTime(validity: { notBefore: Date; notAfter: Date }): Date {
  const from = validity.notBefore.getTime();
  return new Date(from + (validity.notAfter.getTime() - from) * AGENT_CERT_RENEW_FRACTION);
}

/** Parses a PEM certificate with node:crypto, or returns undefined when it is not one. */
function parse(pem: string | undefined): NodeX509 | undefined {
  if (!pem) return undefined;
  try {
    return new NodeX509(pem);
  } catch {
    return undefined;
  }
}

/** Throws `TlsMaterialError` unless `ca` is a usable CA certificate and matching key. */
export function assertUsableCa(ca: TlsKeyPair): void {
  const cert = parse(ca.cert);
  if (!cert || !cert.ca) throw new TlsMaterialError('ca.crt is not a CA certificate');
  if (!ca.key.includes('PRIVATE KEY')) throw new TlsMaterialError('ca.key is not a PEM private key');
}

/** What a leaf must satisfy to be kept. */
export interface LeafExpectation {
  commonName: string;
  /** DNS names the certificate must cover (server certificates). */
  dnsNames?: string[];
}

/**
 * Whether a leaf must be (re)issued: missing or unparsable, not signed by `caCert`, a different
 * CN, missing one of the DNS names, or expiring within `RENEW_BEFORE_DAYS` of `now`.
 */
export function leafNeedsIssue(
  leaf: Partial<TlsKeyPair> | undefined,
  caCert: string,
  expected: LeafExpectation,
  now: Date,
): boolean {
  const cert = parse(leaf?.cert);
  const ca = parse(caCert);
  if (!cert || !ca || !leaf?.key) return true;
  if (!cert.checkIssued(ca) || !cert.verify(ca.publicKey)) return true;
  if (!cert.subject.split('\n').includes(`CN=${expected.commonName}`)) return true;
  const sans = new Set(
    (cert.subjectAltName ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s.startsWith('DNS:'))
      .map((s) => s.slice(4)),
  );
  if ((expected.dnsNames ?? []).some((n) => !sans.has(n))) return true;
  return new Date(cert.validTo).getTime() - now.getTime() < RENEW_BEFORE_DAYS * DAY_MS;
}
