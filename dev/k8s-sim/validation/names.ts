// Name, label, annotation, port and selector rules of kube-apiserver, with its exact messages.
// Sources (kubernetes/kubernetes, staging/src/k8s.io/apimachinery):
// - pkg/util/validation/validation.go: IsDNS1123Label/Subdomain, IsDNS1035Label, IsQualifiedName,
//   IsValidLabelValue, IsValidPortName (IANA_SVC_NAME), IsValidPortNum, RegexError, MaxLenError;
// - pkg/api/validation/path/name.go: IsValidPathSegmentName (RBAC names);
// - pkg/api/validation/objectmeta.go: ValidateObjectMeta, ValidateAnnotations (256 KiB total);
// - pkg/apis/meta/v1/validation/validation.go: ValidateLabels, ValidateLabelSelector.
import type { Obj } from "../util";
import { child, type FieldError, fe, idx } from "./field-errors";

/** RegexError: "msg (e.g. 'a',  or 'b', regex used for validation is 'fmt')". */
function regexError(msg: string, fmt: string, ...examples: string[]): string {
  if (!examples.length) return `${msg} (regex used for validation is '${fmt}')`;
  return `${msg} (e.g. ${examples.map((e) => `'${e}', `).join(" or ")}regex used for validation is '${fmt}')`;
}
const maxLen = (n: number) => `must be no more than ${n} characters`;

const LABEL_FMT = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";
const SUBDOMAIN_FMT = `${LABEL_FMT}(\\.${LABEL_FMT})*`;
const DNS1035_FMT = "[a-z]([-a-z0-9]*[a-z0-9])?";
const QNAME_FMT = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]";
const LABEL_VALUE_FMT = `(${QNAME_FMT})?`;
const full = (f: string) => new RegExp(`^${f}$`);
const LABEL_RE = full(LABEL_FMT);
const SUBDOMAIN_RE = full(SUBDOMAIN_FMT);
const DNS1035_RE = full(DNS1035_FMT);
const QNAME_RE = full(QNAME_FMT);
const LABEL_VALUE_RE = full(LABEL_VALUE_FMT);

export function isDNS1123Label(v: string): string[] {
  const errs: string[] = [];
  if (v.length > 63) errs.push(maxLen(63));
  if (!LABEL_RE.test(v)) {
    if (SUBDOMAIN_RE.test(v)) errs.push("must not contain dots");
    else
      errs.push(
        regexError(
          "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character",
          LABEL_FMT,
          "my-name",
          "123-abc",
        ),
      );
  }
  return errs;
}

export function isDNS1123Subdomain(v: string): string[] {
  const errs: string[] = [];
  if (v.length > 253) errs.push(maxLen(253));
  if (!SUBDOMAIN_RE.test(v))
    errs.push(
      regexError(
        "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character",
        SUBDOMAIN_FMT,
        "example.com",
      ),
    );
  return errs;
}

export function isDNS1035Label(v: string): string[] {
  const errs: string[] = [];
  if (v.length > 63) errs.push(maxLen(63));
  if (!DNS1035_RE.test(v))
    errs.push(
      regexError(
        "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character",
        DNS1035_FMT,
        "my-name",
        "abc-123",
      ),
    );
  return errs;
}

/** path.IsValidPathSegmentName (RBAC object names). */
export function isPathSegmentName(v: string): string[] {
  if (v === "." || v === "..") return [`may not be '${v}'`];
  const errs: string[] = [];
  for (const c of ["/", "%"]) if (v.includes(c)) errs.push(`may not contain '${c}'`);
  return errs;
}

const QNAME_MSG =
  "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";

export function isQualifiedName(v: string): string[] {
  const errs: string[] = [];
  const parts = v.split("/");
  let name: string;
  if (parts.length === 1) name = parts[0]!;
  else if (parts.length === 2) {
    const prefix = parts[0]!;
    name = parts[1]!;
    if (!prefix.length) errs.push("prefix part must be non-empty");
    else for (const m of isDNS1123Subdomain(prefix)) errs.push(`prefix part ${m}`);
  } else
    return [
      `a qualified name ${regexError(QNAME_MSG, QNAME_FMT, "MyName", "my.name", "123-abc")} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`,
    ];
  if (!name.length) errs.push("name part must be non-empty");
  else if (name.length > 63) errs.push(`name part ${maxLen(63)}`);
  if (!QNAME_RE.test(name))
    errs.push(`name part ${regexError(QNAME_MSG, QNAME_FMT, "MyName", "my.name", "123-abc")}`);
  return errs;
}

function isValidLabelValue(v: string): string[] {
  const errs: string[] = [];
  if (v.length > 63) errs.push(maxLen(63));
  if (!LABEL_VALUE_RE.test(v))
    errs.push(
      regexError(
        "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character",
        LABEL_VALUE_FMT,
        "MyValue",
        "my_value",
        "12345",
      ),
    );
  return errs;
}

/** IsValidPortName: IANA_SVC_NAME (RFC 6335). */
export function isValidPortName(v: string): string[] {
  const errs: string[] = [];
  if (v.length > 15) errs.push(maxLen(15));
  if (!/^[-a-z0-9]+$/.test(v))
    errs.push("must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)");
  if (!/[a-z]/.test(v)) errs.push("must contain at least one letter (a-z)");
  if (v.includes("--")) errs.push("must not contain consecutive hyphens");
  if (v.length > 0 && (v.startsWith("-") || v.endsWith("-")))
    errs.push("must not begin or end with a hyphen");
  return errs;
}

export function isValidPortNum(v: unknown): string[] {
  return typeof v === "number" && Number.isInteger(v) && v >= 1 && v <= 65535
    ? []
    : ["must be between 1 and 65535, inclusive"];
}

export type NameFn = (v: string) => string[];

/** ValidateObjectMeta's name, labels and annotations checks. */
export function validateObjectMeta(md: Obj | undefined, nameFn: NameFn, path = "metadata"): FieldError[] {
  const errs: FieldError[] = [];
  const name = md?.name ?? "";
  if (!name) errs.push(fe.required(child(path, "name"), "name or generateName is required"));
  else for (const m of nameFn(name)) errs.push(fe.invalid(child(path, "name"), name, m));
  errs.push(...validateLabels(md?.labels, child(path, "labels")));
  errs.push(...validateAnnotations(md?.annotations, child(path, "annotations")));
  return errs;
}

export function validateLabels(labels: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!labels || typeof labels !== "object") return errs;
  for (const k of Object.keys(labels).sort()) {
    const v = (labels as Obj)[k];
    for (const m of isQualifiedName(k)) errs.push(fe.invalid(path, k, m));
    for (const m of isValidLabelValue(String(v ?? ""))) errs.push(fe.invalid(path, v, m));
  }
  return errs;
}

const ANNOTATIONS_MAX = 256 * 1024;

export function validateAnnotations(ann: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!ann || typeof ann !== "object") return errs;
  let size = 0;
  for (const k of Object.keys(ann).sort()) {
    // "The rule is QualifiedName except that case doesn't matter" (objectmeta.go).
    for (const m of isQualifiedName(k.toLowerCase())) errs.push(fe.invalid(path, k, m));
    size += k.length + String((ann as Obj)[k] ?? "").length;
  }
  if (size > ANNOTATIONS_MAX) errs.push(fe.tooLong(path, ANNOTATIONS_MAX));
  return errs;
}

/** ValidateLabelSelector (metav1 validation). */
export function validateLabelSelector(sel: Obj | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!sel) return errs;
  (sel.matchExpressions ?? []).forEach((r: Obj, i: number) => {
    const p = idx(child(path, "matchExpressions"), i);
    const values = r?.values ?? [];
    switch (r?.operator) {
      case "In":
      case "NotIn":
        if (!values.length)
          errs.push(fe.required(child(p, "values"), "must be specified when `operator` is 'In' or 'NotIn'"));
        break;
      case "Exists":
      case "DoesNotExist":
        if (values.length)
          errs.push(
            fe.forbidden(
              child(p, "values"),
              "may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
            ),
          );
        break;
      default:
        errs.push(fe.invalid(child(p, "operator"), r?.operator ?? "", "not a valid selector operator"));
    }
    for (const m of isQualifiedName(String(r?.key ?? "")))
      errs.push(fe.invalid(child(p, "key"), r?.key ?? "", m));
  });
  errs.push(...validateLabels(sel.matchLabels, child(path, "matchLabels")));
  return errs;
}

/** Go's %#v of a metav1.LabelSelector, as kube-apiserver prints it in "field is immutable" errors. */
export function goLabelSelector(sel: Obj | undefined): string {
  const ml = sel?.matchLabels;
  const mlText = ml
    ? `map[string]string{${Object.keys(ml)
        .sort()
        .map((k) => `${JSON.stringify(k)}:${JSON.stringify(ml[k])}`)
        .join(", ")}}`
    : "map[string]string(nil)";
  const me = sel?.matchExpressions;
  const meText = me?.length
    ? `[]v1.LabelSelectorRequirement{${me
        .map(
          (r: Obj) =>
            `v1.LabelSelectorRequirement{Key:${JSON.stringify(r.key ?? "")}, Operator:${JSON.stringify(r.operator ?? "")}, Values:${
              r.values
                ? `[]string{${r.values.map((x: string) => JSON.stringify(x)).join(", ")}}`
                : "[]string(nil)"
            }}`,
        )
        .join(", ")}}`
    : "[]v1.LabelSelectorRequirement(nil)";
  return `v1.LabelSelector{MatchLabels:${mlText}, MatchExpressions:${meText}}`;
}
