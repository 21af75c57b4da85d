/** Injectable randomness and time for the generators, so tests can pin them. */
import { randomBytes as nodeRandomBytes } from 'node:crypto';

/** Returns `n` cryptographically random bytes. */
export type RandomBytes = (n: number) => Uint8Array;

export interface TlsDeps {
  /** The current time; certificates are valid from a few minutes before it. */
  now: Date;
  /** Source of serial numbers (default: node:crypto randomBytes). Keys always come from WebCrypto. */
  randomBytes?: RandomBytes;
}

export const defaultRandomBytes: RandomBytes = (n) => new Uint8Array(nodeRandomBytes(n));
