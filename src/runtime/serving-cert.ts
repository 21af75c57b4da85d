/**
 * The metrics server's TLS certificate: `tls.crt` and `tls.key` from a directory (on OpenShift a
 * Secret the service-ca operator fills through the `service.beta.openshift.io/serving-cert-secret-name`
 * annotation on the metrics Service), else a self-signed certificate generated in memory at start,
 * like controller-runtime's secure metrics server. The directory is polled so a rotated certificate
 * is served without a restart (Secret volumes are updated by swapping a symlink, which file watches
 * miss).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createSecureContext } from 'node:tls';
import { webcrypto, x509 } from './x509.js';

export const TLS_CERT_FILE = 'tls.crt';
export const TLS_KEY_FILE = 'tls.key';

export interface PemPair {
  cert: string;
  key: string;
}

/** A certificate directory with exactly one of tls.crt and tls.key: a broken mount, not "no cert". */
export class ServingCertError extends Error {
  override readonly name = 'ServingCertError';
}

function readOptional(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/** tls.crt and tls.key of `dir`, or undefined when the directory (or both files) is absent. */
export function readCertDir(dir: string): PemPair | undefined {
  const cert = readOptional(join(dir, TLS_CERT_FILE));
  const key = readOptional(join(dir, TLS_KEY_FILE));
  if (cert === undefined && key === undefined) return undefined;
  if (!cert || !key) {
    throw new ServingCertError(
      `${dir} has ${cert ? TLS_CERT_FILE : TLS_KEY_FILE} but no ${cert ? TLS_KEY_FILE : TLS_CERT_FILE}`,
    );
  }
  return { cert, key };
}

/**
 * A self-signed ECDSA P-256 serving certificate for `dnsNames`, valid for a year (backdated five
 * minutes for clock skew). Clients can't verify it against a CA: it only keeps the scrape encrypted
 * until a real certificate is mounted.
 */
export async function selfSignedCertificate(commonName: string, dnsNames: string[]): Promise<PemPair> {
  const alg = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
  const keys = (await webcrypto.subtle.generateKey(alg, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  const serial = Buffer.from(webcrypto.getRandomValues(new Uint8Array(16)));
  serial[0] = (serial[0] ?? 0) & 0x7f; // a positive INTEGER
  const now = Date.now();
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial.toString('hex'),
    name: `CN=${commonName}`,
    notBefore: new Date(now - 5 * 60_000),
    notAfter: new Date(now + 365 * 24 * 3_600_000),
    keys,
    signingAlgorithm: alg,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension([
        ...dnsNames.map((value) => ({ type: 'dns' as const, value })),
        { type: 'ip', value: '127.0.0.1' },
      ]),
    ],
  });
  const pkcs8 = await webcrypto.subtle.exportKey('pkcs8', keys.privateKey);
  return { cert: cert.toString('pem'), key: x509.PemConverter.encode(pkcs8, 'PRIVATE KEY') };
}

/** Where the serving certificate came from, for the start-up log line. */
export type CertSource = 'cert-dir' | 'self-signed';

export interface ServingCertOptions {
  /** Directory with tls.crt and tls.key; absent or empty means a self-signed certificate. */
  certDir?: string;
  /** Names of the self-signed certificate. */
  commonName: string;
  dnsNames: string[];
  /** How often the directory is read again (default 10 s). */
  reloadIntervalMs?: number;
  /** Called when a rotated certificate is served, or when a changed one can't be used. */
  onReload?: (result: { ok: true } | { ok: false; error: string }) => void;
}

/**
 * Keeps a serving certificate current. `start` loads (or generates) it; afterwards the directory
 * is polled and `onChange` receives the new pair whenever its files change to a usable one. An unusable pair (half-written, mismatched) keeps the previous context.
 */
export class ServingCertificate {
  private current: PemPair | undefined;
  private timer: NodeJS.Timeout | undefined;
  /** The last pair that could not be used, so a broken mount is reported once, not every poll. */
  private rejected: string | undefined;
  source: CertSource = 'self-signed';

  constructor(private readonly opts: ServingCertOptions) {}

  /** The first pair: from the directory if it has one, else self-signed. */
  async start(onChange: (pair: PemPair) => void): Promise<PemPair> {
    const fromDir = this.opts.certDir ? readCertDir(this.opts.certDir) : undefined;
    if (fromDir) createSecureContext(fromDir); // throws for a pair that doesn't match
    this.current = fromDir ?? (await selfSignedCertificate(this.opts.commonName, this.opts.dnsNames));
    this.source = fromDir ? 'cert-dir' : 'self-signed';
    if (this.opts.certDir) {
      this.timer = setInterval(() => this.poll(onChange), this.opts.reloadIntervalMs ?? 10_000);
      this.timer.unref();
    }
    return this.current;
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private poll(onChange: (pair: PemPair) => void): void {
    try {
      const next = readCertDir(this.opts.certDir ?? '');
      if (!next || (next.cert === this.current?.cert && next.key === this.current?.key)) return;
      if (next.cert + next.key === this.rejected) return;
      this.rejected = next.cert + next.key;
      createSecureContext(next); // throws for a pair that doesn't match
      this.current = next;
      this.rejected = undefined;
      this.source = 'cert-dir';
      onChange(next);
      this.opts.onReload?.({ ok: true });
    } catch (err) {
      this.opts.onReload?.({ ok: false, error: err instanceof Error ? err.message : String(err) });
    }
  }
}
