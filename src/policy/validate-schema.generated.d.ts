import type { ErrorObject } from 'ajv';

/** The policy schema's validator, precompiled by scripts/generate-validator.ts. */
export declare const validate: {
  (data: unknown): boolean;
  errors?: ErrorObject[] | null;
};
