// Field errors as kube-apiserver words them, and the 422 Invalid Status built from them.
// Sources (kubernetes/kubernetes, staging/src/k8s.io/apimachinery):
// - pkg/util/validation/field/errors.go: Error.Error() is "<field>: <body>"; ErrorBody() is the
//   type string ("Invalid value", "Required value", …), then ": <value>" for types that carry a
//   value (strings %q, numbers/bools %v, other Go values %#v), then ": <detail>" when there is one.
//   CauseType (the `reason` of a cause) is FieldValueInvalid, FieldValueRequired, …
// - pkg/util/errors/errors.go: an aggregate of one error prints as that error, of several as
//   "[e1, e2]", duplicates removed.
// - pkg/api/errors/errors.go NewInvalid: 422, reason Invalid, message
//   `<Kind>[.<group>] "<name>" is invalid: <aggregate>`, details {name, group, kind, causes[]}
//   where each cause is {reason: <CauseType>, message: <ErrorBody>, field}.
import { ApiError } from "../errors";
import type { Obj } from "../util";

export type FieldErrorType =
  | "FieldValueNotFound"
  | "FieldValueRequired"
  | "FieldValueDuplicate"
  | "FieldValueInvalid"
  | "FieldValueNotSupported"
  | "FieldValueForbidden"
  | "FieldValueTooLong"
  | "FieldValueTooMany";

const TYPE_TEXT: Record<FieldErrorType, string> = {
  FieldValueNotFound: "Not found",
  FieldValueRequired: "Required value",
  FieldValueDuplicate: "Duplicate value",
  FieldValueInvalid: "Invalid value",
  FieldValueNotSupported: "Unsupported value",
  FieldValueForbidden: "Forbidden",
  FieldValueTooLong: "Too long",
  FieldValueTooMany: "Too many",
};

/** A Go value printed with %#v, for messages where kube-apiserver prints a struct or slice. */
export class GoValue {
  constructor(readonly text: string) {}
}

export interface FieldError {
  type: FieldErrorType;
  field: string;
  /** The body: "Invalid value: \"x\": detail". */
  body: string;
}

/** Go's %v/%q/%#v as ErrorBody uses them. */
function goValue(v: unknown): string {
  if (v instanceof GoValue) return v.text;
  if (v === null || v === undefined) return "null";
  if (typeof v === "string") return JSON.stringify(v);
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  return JSON.stringify(v);
}

function make(
  type: FieldErrorType,
  field: string,
  value: unknown,
  detail: string,
  withValue: boolean,
): FieldError {
  let body = TYPE_TEXT[type];
  if (withValue) body += `: ${goValue(value)}`;
  if (detail) body += `: ${detail}`;
  return { type, field, body };
}

export const fe = {
  invalid: (field: string, value: unknown, detail: string) =>
    make("FieldValueInvalid", field, value, detail, true),
  required: (field: string, detail = "") => make("FieldValueRequired", field, undefined, detail, false),
  duplicate: (field: string, value: unknown) => make("FieldValueDuplicate", field, value, "", true),
  notFound: (field: string, value: unknown) => make("FieldValueNotFound", field, value, "", true),
  forbidden: (field: string, detail: string) => make("FieldValueForbidden", field, undefined, detail, false),
  /** NotSupported lists the valid values quoted (field/errors.go NotSupported). */
  notSupported: (field: string, value: unknown, valid: string[]) =>
    make(
      "FieldValueNotSupported",
      field,
      value,
      valid.length ? `supported values: ${valid.map((s) => JSON.stringify(s)).join(", ")}` : "",
      true,
    ),
  /** TooLong omits the value ("may not be more than N bytes", apimachinery ≥ 1.30). */
  tooLong: (field: string, max: number) =>
    make(
      "FieldValueTooLong",
      field,
      undefined,
      `may not be more than ${max} ${max === 1 ? "byte" : "bytes"}`,
      false,
    ),
};

export function errorString(e: FieldError): string {
  return `${e.field}: ${e.body}`;
}

/** `Kind.group` as schema.GroupKind.String() prints it (no group for the core group). */
function qualifiedKind(kind: string, group: string): string {
  return group ? `${kind}.${group}` : kind;
}

/** The aggregate as utilerrors.NewAggregate(...).Error() prints it. */
export function aggregate(messages: string[]): string {
  const seen = new Set<string>();
  const uniq: string[] = [];
  for (const m of messages) {
    if (!seen.has(m)) uniq.push(m);
    seen.add(m);
  }
  return uniq.length === 1 ? uniq[0]! : `[${uniq.join(", ")}]`;
}

/** apierrors.NewInvalid. */
export function invalidError(kind: string, group: string, name: string, errs: FieldError[]): ApiError {
  const causes: Obj[] = errs.map((e) => ({ reason: e.type, message: e.body, field: e.field }));
  const msg = errs.length
    ? `${qualifiedKind(kind, group)} ${JSON.stringify(name)} is invalid: ${aggregate(errs.map(errorString))}`
    : `${qualifiedKind(kind, group)} ${JSON.stringify(name)} is invalid`;
  return new ApiError(422, "Invalid", msg, { name, group, kind, causes });
}

/** Path helpers: field.Path's Child/Index/Key printing. */
export const key = (path: string, k: string) => `${path}[${k}]`;
export const idx = (path: string, i: number) => `${path}[${i}]`;
export const child = (path: string, c: string) => (path ? `${path}.${c}` : c);
