/**
 * Scrapes a secure metrics endpoint (HTTPS, bearer token) as Prometheus does. Without `ca` the
 * server's certificate is not verified (the operator's self-signed fallback); with it, it is.
 */
import https from 'node:https';
import type { PeerCertificate, TLSSocket } from 'node:tls';

export interface Scrape {
  status: number;
  body: string;
  /** The certificate the server presented. */
  peer: PeerCertificate;
}

export function scrapeMetrics(
  port: number,
  opts: { token?: string; ca?: string; path?: string; host?: string } = {},
): Promise<Scrape> {
  return new Promise((resolve, reject) => {
    const req = https.get(
      {
        host: opts.host ?? '127.0.0.1',
        port,
        path: opts.path ?? '/metrics',
        headers: opts.token ? { Authorization: `Bearer ${opts.token}` } : {},
        ...(opts.ca ? { ca: opts.ca } : { rejectUnauthorized: false }),
        // A fresh connection per scrape, so a rotated certificate is seen.
        agent: false,
        timeout: 10_000,
      },
      (res) => {
        const peer = (res.socket as TLSSocket).getPeerCertificate();
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body, peer }));
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
  });
}

/** The static admin token of a test control plane's kubeconfig (system:masters). */
export function bearerTokenOf(kubeConfig: { getCurrentUser(): { token?: string } | null }): string {
  const token = kubeConfig.getCurrentUser()?.token;
  if (!token) throw new Error('the kubeconfig has no bearer token');
  return token;
}
