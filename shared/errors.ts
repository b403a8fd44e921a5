import type { ApiError, ErrorCode } from './contract';

/** An error meant for a person: its message names the thing and what to do about it. */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'AppError';
  }
  toJSON(): ApiError {
    return { code: this.code, message: this.message };
  }
}

export function toApiError(err: unknown): ApiError {
  if (err instanceof AppError) return err.toJSON();
  const message = err instanceof Error ? err.message : String(err);
  return { code: 'internal', message };
}
