import { ValidateIf } from 'class-validator';

/**
 * A field a request may leave out, though not send as null: unlike IsOptional, which lets null
 * through to a column that cannot hold it, a null is checked as any value is, and refused.
 */
export const IsOmittable = () =>
  ValidateIf((_object: object, value: unknown) => value !== undefined);
