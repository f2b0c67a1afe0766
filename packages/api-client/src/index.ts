export { createApiClient } from './api-client';
export type { ApiClient, ApiClientOptions, TokenStore } from './api-client';
export { ApiError, toApiError } from './api-error';
export { everyPage } from './every-page';
export type { Page } from './every-page';
export type { TokenPair } from '@linli/api-contract';
