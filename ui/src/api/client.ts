//! The one API client: typed from `openapi.json` (openapi-typescript + openapi-fetch), with the
//! API's error envelope turned into `ApiError`s that keep its code, message and details, and
//! the session's CSRF header and refresh on every call (`session`).
import createClient from "openapi-fetch";
import type { paths } from "./schema";
import { sessionMiddleware } from "./session";

export const api = createClient<paths>({ baseUrl: "" });
api.use(sessionMiddleware);

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: Record<string, unknown> | null,
  ) {
    super(message);
  }
}

interface Envelope {
  error?: { code?: string; message?: string; details?: Record<string, unknown> | null };
}

/** The data of an openapi-fetch answer, or its error envelope thrown as an `ApiError`. */
export async function unwrap<T>(
  call: Promise<{ data?: T; error?: unknown; response: Response }>,
): Promise<T> {
  let result;
  try {
    result = await call;
  } catch (e) {
    throw new ApiError(0, "network", `The server could not be reached: ${String(e)}`, null);
  }
  const { data, error, response } = result;
  if (response.ok) return data as T;
  const env = (error ?? {}) as Envelope;
  throw new ApiError(
    response.status,
    env.error?.code ?? `http_${response.status}`,
    env.error?.message ?? `${response.status} ${response.statusText}`,
    env.error?.details ?? null,
  );
}

export function errorMessage(e: unknown): string {
  if (e instanceof ApiError) return e.message;
  if (e instanceof Error) return e.message;
  return String(e);
}
