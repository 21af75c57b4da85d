/**
 * The embedded database's credentials, generated once. MCE's Secret `maestro/maestro-db-config`
 * (user/name `maestro`, a 16-character password) is reused as is, so a hub that ran MCE's
 * maestro-preview keeps its data.
 */
import { EMBEDDED_DB_NAME, EMBEDDED_DB_USER } from '../controllers/maestro/render/names.js';
import type { DbCredentials } from '../controllers/maestro/render/types.js';
import { defaultRandomBytes, type RandomBytes } from './random.js';

/** Bytes of entropy in a generated password: 256 bits, 43 base64url characters. */
export const DB_PASSWORD_BYTES = 32;

/** A strong password over the URL-safe alphabet [A-Za-z0-9_-], ≥ 32 characters. */
export function generateDbPassword(randomBytes: RandomBytes = defaultRandomBytes): string {
  return Buffer.from(randomBytes(DB_PASSWORD_BYTES)).toString('base64url');
}

/** Thrown when an existing generated Secret is unusable; we never regenerate it silently. */
export class GeneratedSecretError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GeneratedSecretError';
  }
}

/**
 * Credentials from the existing Secret data (decoded), or new ones when the Secret does not exist
 * (`existing` undefined). Never regenerates: an existing Secret without a password is an error,
 * since the database was initialised with the lost one.
 */
export function ensureDbCredentials(
  existing: Readonly<Record<string, string>> | undefined,
  randomBytes: RandomBytes = defaultRandomBytes,
): { credentials: DbCredentials; generated: boolean } {
  if (existing === undefined) {
    return {
      credentials: {
        user: EMBEDDED_DB_USER,
        name: EMBEDDED_DB_NAME,
        password: generateDbPassword(randomBytes),
      },
      generated: true,
    };
  }
  const password = existing.password;
  if (!password) {
    throw new GeneratedSecretError('Secret maestro-db-config exists but has no password; fix or delete it');
  }
  return {
    credentials: {
      user: existing.user?.trim() || EMBEDDED_DB_USER,
      name: existing.name?.trim() || EMBEDDED_DB_NAME,
      password,
    },
    generated: false,
  };
}
