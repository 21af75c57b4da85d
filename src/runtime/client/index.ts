export { KubeClient, type KubeClientOptions } from './kube-client.js';
export {
  ApiError,
  NotServedError,
  errorSummary,
  isAlreadyExists,
  isConflict,
  isForbidden,
  isGone,
  isInvalid,
  isNetworkError,
  isNotFound,
  isNotServed,
  isServerError,
  isTooManyRequests,
  isUnauthorized,
  type StatusDetails,
} from './errors.js';
export { KubeconfigError, loadKubeConfig, type LoadedKubeConfig } from './kubeconfig.js';
export { RequestStats, isWriteVerb, type Verb, type WriteVerb } from './request-stats.js';
export { RestMapper, type DiscoveryFetch } from './rest-mapper.js';
export { TokenBucket } from './token-bucket.js';
export * from './types.js';
