import { SetMetadata } from '@nestjs/common';
import type { Role } from '../request-context';

export const PUBLIC_ROUTE = 'linli:public';
export const REQUIRED_ROLES = 'linli:roles';

/** The route needs no access token. */
export const Public = () => SetMetadata(PUBLIC_ROUTE, true);

/** The caller needs at least one of these roles. */
export const Roles = (...roles: Role[]) => SetMetadata(REQUIRED_ROLES, roles);
