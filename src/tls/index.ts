export {
  DB_PASSWORD_BYTES,
  ensureDbCredentials,
  GeneratedSecretError,
  generateDbPassword,
} from './db-password.js';
export {
  CA_VALIDITY_DAYS,
  LEAF_VALIDITY_DAYS,
  leafNeedsIssue,
  RENEW_BEFORE_DAYS,
  TlsMaterialError,
} from './certificates.js';
export type { LeafExpectation } from './certificates.js';
export { ensureMqttTlsMaterial, issueMqttClientCertificate } from './mqtt-material.js';
export type { ExistingMqttSecrets, MqttMaterialResult } from './mqtt-material.js';
export type { RandomBytes, TlsDeps } from './random.js';
export { DB_CA_COMMON_NAME, ensureDbTlsMaterial } from './db-tls-material.js';
export type { DbTlsMaterialResult, ExistingDbTlsSecrets } from './db-tls-material.js';
export { ensureApiTlsMaterial } from './api-tls-material.js';
export type { ApiTlsMaterialResult, ExistingApiTlsSecrets } from './api-tls-material.js';
