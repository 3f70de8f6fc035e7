// Errors the API layer turns into a Status object (code, reason, message, details).
import type { ResDef } from "./resources";
import type { Obj } from "./util";

export class ApiError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
    readonly details?: Obj,
  ) {
    super(message);
  }
}

export function notFound(def: ResDef, name: string): ApiError {
  return new ApiError(404, "NotFound", `${def.name}${def.group ? `.${def.group}` : ""} "${name}" not found`, {
    name,
    group: def.group,
    kind: def.name,
  });
}
