// An OpenAPI v2 (swagger) JSON document in the protobuf form kubectl reads from `/openapi/v2`.
//
// Why: client-go's `DiscoveryClient.OpenAPISchema` asks for
// `application/com.github.proto-openapi.spec.v2@v1.0+protobuf` and proto-unmarshals the body into gnostic's
// `openapi_v2.Document` whatever Content-Type comes back (client-go/discovery/discovery_client.go), so a
// JSON document cannot serve it. kubectl uses that document for client-side validation of a `kind: List`
// file (its field-validation check refuses `v1/List`, k8s.io/cli-runtime/pkg/resource/query_param_verifier*.go)
// and, in old clients such as Debian 12's kubectl 1.20, for every `apply` and `explain`.
//
// The messages are the subset of gnostic's openapiv2/OpenAPIv2.proto (github.com/google/gnostic-models)
// that carries schemas: definitions with their properties, types, refs, required lists, items,
// additionalProperties and `x-kubernetes-*` vendor extensions (as YAML, which is how gnostic stores them).
// Paths are not encoded: kubectl's validation and explain read definitions only.
import protobuf from "protobufjs";
import { stringify as toYaml } from "yaml";
import type { Obj } from "./util";

// The response's Content-Type. Clients ask with the older `...spec.v2@v1.0+protobuf`, but Go's
// mime.ParseMediaType (which client-go runs on every response) rejects the "@"; kube-openapi
// (pkg/handler/handler.go) accepts both and answers with this form.
export const OPENAPI_V2_PROTOBUF_CT = "application/com.github.proto-openapi.spec.v2.v1.0+protobuf";

// proto2 `optional` so that false/0/"" set in the document are written (gnostic's proto3 oneofs keep
// presence the same way); the wire format of these fields is the same in both syntaxes.
const SCHEMA = `
syntax = "proto2";
message Document {
  optional string swagger = 1; optional Info info = 2; optional Paths paths = 8; optional Definitions definitions = 9;
}
message Info { optional string title = 1; optional string version = 2; optional string description = 3; }
message Paths { }
message Definitions { repeated NamedSchema additional_properties = 1; }
message NamedSchema { optional string name = 1; optional Schema value = 2; }
message Properties { repeated NamedSchema additional_properties = 1; }
message AdditionalPropertiesItem { optional Schema schema = 1; optional bool boolean = 2; }
message TypeItem { repeated string value = 1; }
message ItemsItem { repeated Schema schema = 1; }
message Any { optional string yaml = 2; }
message NamedAny { optional string name = 1; optional Any value = 2; }
message Schema {
  optional string _ref = 1; optional string format = 2; optional string title = 3; optional string description = 4;
  optional Any default = 5; optional double multiple_of = 6; optional double maximum = 7; optional bool exclusive_maximum = 8;
  optional double minimum = 9; optional bool exclusive_minimum = 10; optional int64 max_length = 11; optional int64 min_length = 12;
  optional string pattern = 13; optional int64 max_items = 14; optional int64 min_items = 15; optional bool unique_items = 16;
  optional int64 max_properties = 17; optional int64 min_properties = 18; repeated string required = 19; repeated Any enum = 20;
  optional AdditionalPropertiesItem additional_properties = 21; optional TypeItem type = 22; optional ItemsItem items = 23;
  repeated Schema all_of = 24; optional Properties properties = 25; optional string discriminator = 26; optional bool read_only = 27;
  optional Any example = 30; repeated NamedAny vendor_extension = 31;
}
`;

let root: protobuf.Root | undefined;
function schema(): protobuf.Root {
  if (!root) {
    root = protobuf.parse(SCHEMA, { keepCase: true }).root;
    root.resolveAll();
  }
  return root;
}

const any = (v: unknown): Obj => ({ yaml: toYaml(v).replace(/\n$/, "") });
const SCALARS: Record<string, string> = {
  format: "format",
  title: "title",
  description: "description",
  multipleOf: "multiple_of",
  maximum: "maximum",
  exclusiveMaximum: "exclusive_maximum",
  minimum: "minimum",
  exclusiveMinimum: "exclusive_minimum",
  maxLength: "max_length",
  minLength: "min_length",
  pattern: "pattern",
  maxItems: "max_items",
  minItems: "min_items",
  uniqueItems: "unique_items",
  maxProperties: "max_properties",
  minProperties: "min_properties",
  discriminator: "discriminator",
  readOnly: "read_only",
};

function schemaMsg(s: Obj): Obj {
  const m: Obj = {};
  if (!s || typeof s !== "object") return m;
  for (const [k, v] of Object.entries(s)) {
    if (k === "$ref") m._ref = v;
    else if (k in SCALARS) m[SCALARS[k]!] = v;
    else if (k === "default") m.default = any(v);
    else if (k === "example") m.example = any(v);
    else if (k === "required") m.required = v;
    else if (k === "enum") m.enum = (v as unknown[]).map(any);
    else if (k === "type") m.type = { value: Array.isArray(v) ? v : [v] };
    else if (k === "items") m.items = { schema: (Array.isArray(v) ? v : [v]).map(schemaMsg) };
    else if (k === "allOf") m.all_of = (v as Obj[]).map(schemaMsg);
    else if (k === "additionalProperties")
      m.additional_properties = typeof v === "boolean" ? { boolean: v } : { schema: schemaMsg(v as Obj) };
    else if (k === "properties")
      m.properties = {
        additional_properties: Object.entries(v as Obj).map(([name, p]) => ({
          name,
          value: schemaMsg(p as Obj),
        })),
      };
    else if (k.startsWith("x-"))
      m.vendor_extension = [...(m.vendor_extension ?? []), { name: k, value: any(v) }];
  }
  return m;
}

/** Encodes a swagger 2.0 JSON document's definitions as gnostic's `openapi_v2.Document`. */
function encodeOpenApiV2(doc: Obj): Uint8Array {
  const Document = schema().lookupType("Document");
  const msg = {
    swagger: doc.swagger ?? "2.0",
    info: { title: doc.info?.title ?? "Kubernetes", version: doc.info?.version ?? "unversioned" },
    paths: {},
    definitions: {
      additional_properties: Object.entries((doc.definitions ?? {}) as Obj).map(([name, s]) => ({
        name,
        value: schemaMsg(s as Obj),
      })),
    },
  };
  return Document.encode(Document.fromObject(msg)).finish();
}

/**
 * The `/openapi/v2` answer for a request's Accept header: gnostic protobuf when the client asks for it
 * (every kubectl does), the JSON document otherwise.
 */
export function openapiV2Response(accept: string, doc: Obj): { contentType: string; body: Uint8Array } {
  if (accept.includes("com.github.proto-openapi.spec.v2"))
    return { contentType: OPENAPI_V2_PROTOBUF_CT, body: encodeOpenApiV2(doc) };
  return { contentType: "application/json", body: Buffer.from(JSON.stringify(doc)) };
}
