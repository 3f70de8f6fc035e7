// events.k8s.io/v1 Events: a read-only view of the core v1 Events the simulator records, converted as
// kube-apiserver converts between the two versions (kubernetes/pkg/apis/events/v1/conversion.go: message →
// note, involvedObject → regarding, source → deprecatedSource + reportingController/Instance, count and
// first/last timestamps → deprecated* and series). Both versions read the same objects in Kubernetes too.
// Served for get/list only; writers and watchers use core v1, as the simulator's own recorder does.

import type { ClusterState } from "./cluster";
import { ApiError } from "./errors";
import { R } from "./resources";
import { matchFields, matchLabels, type Obj, parseFieldSelector, parseLabelSelector } from "./util";

function toEventsV1(e: Obj): Obj {
  const count = Number(e.count ?? 0);
  return {
    kind: "Event",
    apiVersion: "events.k8s.io/v1",
    metadata: e.metadata,
    eventTime: e.eventTime ?? null,
    ...(count > 1 ? { series: { count, lastObservedTime: e.lastTimestamp } } : {}),
    reportingController: e.reportingComponent || e.source?.component || "",
    reportingInstance: e.reportingInstance || e.source?.host || "",
    ...(e.action ? { action: e.action } : {}),
    reason: e.reason,
    regarding: e.involvedObject,
    ...(e.related ? { related: e.related } : {}),
    note: e.message,
    type: e.type,
    ...(e.source ? { deprecatedSource: e.source } : {}),
    ...(e.firstTimestamp ? { deprecatedFirstTimestamp: e.firstTimestamp } : {}),
    ...(e.lastTimestamp ? { deprecatedLastTimestamp: e.lastTimestamp } : {}),
    ...(count ? { deprecatedCount: count } : {}),
  };
}

/** GET of one Event or a list (label and field selectors apply to the events.k8s.io/v1 shape). */
export function eventsV1(
  st: ClusterState,
  namespace: string | undefined,
  name: string | undefined,
  q: URLSearchParams,
): Obj {
  if (name) {
    const e = st.get(R.ev, namespace ?? "", name);
    if (!e)
      throw new ApiError(404, "NotFound", `events.events.k8s.io "${name}" not found`, {
        name,
        group: "events.k8s.io",
        kind: "events",
      });
    return toEventsV1(e);
  }
  const ls = parseLabelSelector(q.get("labelSelector"));
  const fs = parseFieldSelector(q.get("fieldSelector"));
  const items = st
    .list(R.ev, namespace)
    .map(toEventsV1)
    .filter((e) => matchLabels(ls, e.metadata.labels) && matchFields(fs, e));
  return {
    kind: "EventList",
    apiVersion: "events.k8s.io/v1",
    metadata: { resourceVersion: String(st.rv) },
    items,
  };
}
