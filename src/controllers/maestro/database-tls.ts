/**
 * The InsecureDatabaseConnection condition: a plaintext database connection carries the password
 * and every ManifestWork, so the one way to get it (`db.sslmode: disable` in an external
 * database Secret) is reported as a warning rather than accepted silently.
 */
import { MaestroConditionReason as R, MaestroConditionType as T } from '../../api/maestro-conditions.js';
import type { ConditionInput } from '../../runtime/index.js';
import type { RenderedStatus } from './render/index.js';

export function databaseTlsCondition(rendered: RenderedStatus): ConditionInput {
  if (rendered.databaseSslmode === 'disable') {
    return {
      type: T.InsecureDatabaseConnection,
      status: 'True',
      reason: R.InsecureDatabaseConnection.ExplicitlyDisabled,
      message:
        'the external database Secret sets db.sslmode=disable: Maestro and the cluster-manager gRPC server send ' +
        'the database password and all resources without TLS. Add key db.rootcert and remove db.sslmode ' +
        '(default verify-full) to encrypt and verify the connection',
    };
  }
  return {
    type: T.InsecureDatabaseConnection,
    status: 'False',
    reason: R.InsecureDatabaseConnection.TlsEnabled,
    message: `the database connection uses TLS (sslmode ${rendered.databaseSslmode})`,
  };
}
