// The one error type of the app: a code, the HTTP status it maps to, and a message safe to show a user.
// Route handlers turn it into `{ error: { code, message, details? } }`; anything else becomes a 500
// whose message is never shown.

const errorStatus = {
  BAD_REQUEST: 400,
  INVALID_KUBECONFIG: 400,
  INVALID_MANIFEST: 400,
  INVALID_SIGNATURE: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  UNPROCESSABLE: 422,
  RATE_LIMITED: 429,
  UPSTREAM_UNAVAILABLE: 502,
  SERVICE_UNAVAILABLE: 503,
  INTERNAL: 500,
} as const;

export type AppErrorCode = keyof typeof errorStatus;

/** Every code an error body may carry (the API document's Error schema lists them). */
export const appErrorCodes = Object.keys(errorStatus) as [AppErrorCode, ...AppErrorCode[]];

export class AppError extends Error {
  readonly code: AppErrorCode;
  readonly details: unknown;

  constructor(code: AppErrorCode, message: string, options?: { details?: unknown; cause?: unknown }) {
    super(message, { cause: options?.cause });
    this.name = "AppError";
    this.code = code;
    this.details = options?.details;
  }

  get status(): number {
    return errorStatus[this.code];
  }

  toJSON() {
    return {
      error: {
        code: this.code,
        message: this.message,
        ...(this.details === undefined ? {} : { details: this.details }),
      },
    };
  }
}

export function isAppError(error: unknown): error is AppError {
  return error instanceof AppError;
}
