// The write path of kube-apiserver's generic registry: create / update (incl. status
// subresource) / server-side apply / delete with preconditions, generation, dry-run, namespace
// termination and cascading deletion. The admission chain it runs is in admission.ts.
// Reference: k8s.io/apiserver/pkg/registry/generic/registry/store.go
import { admitCreate, defaults, newNamespace, podSecurity, validate } from "./admission";
import { isControlledBy } from "./controllers/owner-refs";
import { ApiError, notFound } from "./errors";
import type { Kubelet } from "./kubelet";
import { checkQuota } from "./quota";
import { apiVersionOf, R, type ResDef } from "./resources";
import type { Store } from "./store";
import { clone, nowIso, type Obj, randSuffix, strategicMergePatch, uid } from "./util";
import { keepAllocatedServiceFields } from "./validation/defaults";
import { fe, invalidError } from "./validation/field-errors";

export class Registry {
  constructor(
    private readonly store: Store,
    private readonly kubelet: Kubelet,
  ) {}

  create(def: ResDef, ns: string, body: Obj, opts?: { dryRun?: boolean }): Obj {
    if (!body || typeof body !== "object" || Array.isArray(body))
      throw new ApiError(400, "BadRequest", "the body of the request was in an unknown format");
    if (body.kind && body.kind !== def.kind)
      throw new ApiError(
        400,
        "BadRequest",
        `the API version in the data (${body.apiVersion}) does not match the expected API version (${apiVersionOf(def)})`,
      );
    const o = clone(body);
    o.metadata ??= {};
    const md = o.metadata;
    if (def.namespaced) {
      if (md.namespace && md.namespace !== ns)
        throw new ApiError(
          400,
          "BadRequest",
          "the namespace of the provided object does not match the namespace sent on the request",
        );
      md.namespace = ns;
    } else delete md.namespace;
    if (!md.name && md.generateName) md.name = `${md.generateName}${randSuffix(5)}`;
    if (!md.name)
      throw new ApiError(
        422,
        "Invalid",
        `${def.kind} "" is invalid: metadata.name: Required value: name or generateName is required`,
        {
          kind: def.kind,
          group: def.group,
          causes: [
            {
              reason: "FieldValueRequired",
              message: "Required value: name or generateName is required",
              field: "metadata.name",
            },
          ],
        },
      );
    if (def.namespaced) {
      const nsObj = this.store.get(R.ns, "", ns);
      if (!nsObj)
        throw new ApiError(404, "NotFound", `namespaces "${ns}" not found`, { name: ns, kind: "namespaces" });
      if (nsObj.metadata.deletionTimestamp)
        throw new ApiError(
          403,
          "Forbidden",
          `${def.name} "${md.name}" is forbidden: unable to create new content in namespace ${ns} because it is being terminated`,
          { name: md.name, kind: def.name },
        );
    }
    if (this.store.get(def, ns, md.name))
      throw new ApiError(
        409,
        "AlreadyExists",
        `${def.name}${def.group ? `.${def.group}` : ""} "${md.name}" already exists`,
        {
          name: md.name,
          group: def.group,
          kind: def.name,
        },
      );
    delete md.resourceVersion;
    delete md.uid;
    delete md.creationTimestamp;
    delete md.deletionTimestamp;
    delete md.managedFields;
    admitCreate(this.store, def, o);
    if (opts?.dryRun) {
      md.uid = uid();
      md.creationTimestamp = nowIso();
      o.kind = def.kind;
      o.apiVersion = apiVersionOf(def);
      return o;
    }
    const stored = this.store.insert(def, o);
    if (def === R.pod) this.kubelet.track(stored);
    return clone(stored);
  }

  update(
    def: ResDef,
    ns: string,
    name: string,
    body: Obj,
    opts?: { subresource?: string; dryRun?: boolean },
  ): Obj {
    const old = this.store.get(def, ns, name);
    if (!old) throw notFound(def, name);
    if (!body || typeof body !== "object")
      throw new ApiError(400, "BadRequest", "the body of the request was in an unknown format");
    const bmd = body.metadata ?? {};
    if (bmd.name && bmd.name !== name)
      throw new ApiError(
        400,
        "BadRequest",
        `the name of the object (${bmd.name}) does not match the name on the URL (${name})`,
      );
    if (bmd.resourceVersion && bmd.resourceVersion !== old.metadata.resourceVersion)
      throw new ApiError(
        409,
        "Conflict",
        `Operation cannot be fulfilled on ${def.name}${def.group ? `.${def.group}` : ""} "${name}": the object has been modified; please apply your changes to the latest version and try again`,
        { name, group: def.group, kind: def.name },
      );
    if (bmd.uid && bmd.uid !== old.metadata.uid)
      throw new ApiError(
        409,
        "Conflict",
        `Precondition failed: UID in precondition: ${bmd.uid}, UID in object meta: ${old.metadata.uid}`,
      );
    let next: Obj;
    if (opts?.subresource === "status") {
      next = clone(old);
      next.status = clone(body.status);
    } else {
      next = clone(body);
      next.metadata = { ...clone(bmd) };
      const keep = [
        "uid",
        "creationTimestamp",
        "name",
        "namespace",
        "deletionTimestamp",
        "generation",
        "resourceVersion",
      ];
      for (const k of keep) {
        if (old.metadata[k] === undefined) delete next.metadata[k];
        else next.metadata[k] = old.metadata[k];
      }
      if (def.statusSub) next.status = clone(old.status);
      if (def === R.pod) next.spec = { ...next.spec, nodeName: old.spec.nodeName };
      if (def === R.svc) keepAllocatedServiceFields(next, old);
      if (def !== R.pod && def !== R.ns && next.spec !== undefined) defaults(this.store, def, next);
      // Quota usage is the server's to track: an update of the spec keeps what is in use.
      if (def === R.quota && next.status) next.status.used = clone(old.status?.used ?? {});
      if (def === R.ns) next = newNamespace(name, next);
      if (def === R.ns) next.status = clone(old.status);
      validate(def, next, old);
      if (def === R.deploy || def === R.rs) podSecurity(this.store, next, def);
      // A Service may start using node ports or a load balancer on update (quota evaluator: Create and Update).
      if (def === R.svc) checkQuota(this.store, def, next, old);
      const specOf = (o: Obj) => {
        const { metadata: _m, status: _s, kind: _k, apiVersion: _a, ...rest } = o;
        return JSON.stringify(rest);
      };
      if (old.metadata.generation !== undefined && specOf(next) !== specOf(old))
        next.metadata.generation = old.metadata.generation + 1;
    }
    next.kind = def.kind;
    next.apiVersion = apiVersionOf(def);
    if (JSON.stringify(next) === JSON.stringify(old)) return clone(old);
    if (old.metadata.deletionTimestamp) {
      // ValidateObjectMetaUpdate: a terminating object may lose finalizers, never gain one.
      // (apimachinery ValidateNoNewFinalizers: the extra ones sorted, printed as a Go []string.)
      const had = new Set<string>(old.metadata.finalizers ?? []);
      const extra = [...new Set<string>(next.metadata.finalizers ?? [])].filter((f) => !had.has(f)).sort();
      if (extra.length)
        throw invalidError(def.kind, def.group, name, [
          fe.forbidden(
            "metadata.finalizers",
            `no new finalizers can be added if the object is being deleted, found new finalizers []string{${extra.map((f) => JSON.stringify(f)).join(", ")}}`,
          ),
        ]);
    }
    if (opts?.dryRun) return next;
    // The last finalizer of a terminating object is gone: the object goes with it.
    if (old.metadata.deletionTimestamp && !next.metadata.finalizers?.length) {
      this.store.remove(def, ns, name);
      return next;
    }
    const stored = this.store.replace(def, next, old);
    if (def === R.pod) this.kubelet.syncPodImages(stored);
    return clone(stored);
  }

  /** Server-side apply, simplified to create-or-merge. */
  apply(def: ResDef, ns: string, name: string, body: Obj, opts?: { dryRun?: boolean }): Obj {
    const old = this.store.get(def, ns, name);
    if (!body?.metadata?.name) body.metadata = { ...(body.metadata ?? {}), name };
    if (body.metadata.name !== name)
      throw new ApiError(
        400,
        "BadRequest",
        `the name of the object (${body.metadata.name}) does not match the name on the URL (${name})`,
      );
    if (!old) return this.create(def, ns, body, opts);
    const merged = strategicMergePatch(old, body) as Obj;
    merged.metadata.resourceVersion = old.metadata.resourceVersion;
    return this.update(def, ns, name, merged, opts);
  }

  delete(
    def: ResDef,
    ns: string,
    name: string,
    opts?: { propagationPolicy?: string; dryRun?: boolean; preconditions?: Obj },
  ): Obj {
    const old = this.store.get(def, ns, name);
    if (!old) throw notFound(def, name);
    const pre = opts?.preconditions;
    if (pre?.uid && pre.uid !== old.metadata.uid)
      throw new ApiError(
        409,
        "Conflict",
        `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${old.metadata.uid}`,
      );
    if (pre?.resourceVersion && pre.resourceVersion !== old.metadata.resourceVersion)
      throw new ApiError(
        409,
        "Conflict",
        `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${old.metadata.resourceVersion}`,
      );
    if (opts?.dryRun) return clone(old);
    if (def === R.ns) {
      if (["default", "kube-system", "kube-public"].includes(name))
        throw new ApiError(
          403,
          "Forbidden",
          `namespaces "${name}" is forbidden: this namespace may not be deleted`,
        );
      const m = this.store.mutate(R.ns, "", name, (o) => {
        o.metadata.deletionTimestamp ??= nowIso();
        o.status = { phase: "Terminating" };
      });
      return clone(m ?? old);
    }
    const orphan = opts?.propagationPolicy === "Orphan";
    this.cascade(old.metadata.uid, orphan);
    if (old.metadata.finalizers?.length) {
      // Finalizers hold the object, marked for deletion, until their controllers remove them.
      const m = this.store.mutate(def, ns, name, (o) => {
        o.metadata.deletionTimestamp ??= nowIso();
        o.metadata.deletionGracePeriodSeconds ??= 0;
      });
      return clone(m ?? old);
    }
    const gone = this.store.remove(def, ns, name) ?? old;
    if (def === R.pod || def === R.ns) return gone;
    return {
      kind: "Status",
      apiVersion: "v1",
      metadata: {},
      status: "Success",
      details: { name, group: def.group, kind: def.name, uid: old.metadata.uid },
    };
  }

  private cascade(ownerUid: string, orphan: boolean): void {
    for (const def of [R.rs, R.pod]) {
      for (const o of this.store.list(def)) {
        if (!isControlledBy(o, ownerUid)) continue;
        if (orphan) {
          this.store.mutate(def, o.metadata.namespace, o.metadata.name, (x) => {
            x.metadata.ownerReferences = x.metadata.ownerReferences.filter(
              (ref: Obj) => ref.uid !== ownerUid,
            );
            if (!x.metadata.ownerReferences.length) delete x.metadata.ownerReferences;
          });
        } else {
          this.cascade(o.metadata.uid, false);
          this.store.remove(def, o.metadata.namespace, o.metadata.name);
        }
      }
    }
  }
}
