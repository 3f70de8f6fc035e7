// Formatting for people (client-safe): cores, bytes, durations, relative times.

export function formatCores(millis: number): string {
  const cores = millis / 1000;
  return `${cores >= 100 ? cores.toFixed(0) : cores.toFixed(cores % 1 === 0 ? 0 : 2).replace(/0$/, "")} cores`;
}

export function formatBytes(bytes: number): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let value = bytes;
  let i = 0;
  while (value >= 1024 && i < units.length - 1) {
    value /= 1024;
    i++;
  }
  return `${value >= 100 || i === 0 ? value.toFixed(0) : value.toFixed(1)} ${units[i]}`;
}

export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  const d = Math.floor(s / 86400);
  const h = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  if (d > 0) return `${d}d ${h}h`;
  if (h > 0) return `${h}h ${m}m`;
  if (m > 0) return `${m}m ${sec}s`;
  return `${sec}s`;
}

export function timeAgo(iso: string | null | undefined, now = Date.now()): string {
  if (!iso) return "—";
  const seconds = (now - Date.parse(iso)) / 1000;
  if (seconds < 5) return "just now";
  return `${formatDuration(seconds)} ago`;
}

export function shortHex(value: string, chars = 4): string {
  return value.length > 2 + chars * 2 ? `${value.slice(0, 2 + chars)}…${value.slice(-chars)}` : value;
}

/** CPU cores as a bare number with one decimal ("7.5"), for "free / total" pairs. */
export function formatCoresNumber(millis: number): string {
  return `${Math.round(millis / 100) / 10}`;
}

/** Bytes as GiB with one decimal ("12.5 GiB"). */
export function formatGib(bytes: number): string {
  return `${Math.round((bytes / 1024 ** 3) * 10) / 10} GiB`;
}
