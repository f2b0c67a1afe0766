export { createApiClient } from './api-client';
export type { ApiClient, ApiClientOptions, TokenStore } from './api-client';
export { ApiError, toApiError } from './api-error';
export type { TokenPair } from '@linli/api-contract';
