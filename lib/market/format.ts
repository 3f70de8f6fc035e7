// Formatting for people (client-safe): cores, bytes, durations, relative times. Every page formats
// CPU and memory through formatCores and formatBytes, so one capacity reads the same everywhere.

/** A number with at most `decimals` decimals and no trailing zeros ("12.5", "40", "0.25"). */
function trimmed(value: number, decimals: number): string {
  return String(Number(value.toFixed(decimals)));
}

/**
 * Millicores as cores: "40 cores", "7.5 cores", "0.25 cores", "1 core"; two significant decimals
 * below 10 cores, one below 100, none above. A non-zero amount never shows as 0 (1m is "0.001").
 * `unit: false` gives the bare number, for "free / total" pairs.
 */
export function formatCores(millis: number, opts: { unit?: boolean } = {}): string {
  const cores = Math.max(0, millis) / 1000;
  const decimals = cores >= 100 ? 0 : cores >= 10 ? 1 : cores >= 0.1 ? 2 : 3;
  const text = trimmed(cores, decimals);
  if (opts.unit === false) return text;
  return `${text} ${text === "1" ? "core" : "cores"}`;
}

const BYTE_UNITS = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"] as const;

/**
 * Bytes in binary units: "512 MiB" (never "0.5 GiB", never "1 GiB"), "1.5 GiB", "12.5 GiB", "40 GiB".
 * The unit is the largest whose value is at least 1, so a non-zero amount never rounds to 0; two
 * decimals below 10, one below 100, none above.
 */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes <= 0) return "0 B";
  if (bytes < 1) return "< 1 B";
  let i = 0;
  let value = bytes;
  while (value >= 1024 && i < BYTE_UNITS.length - 1) {
    value /= 1024;
    i++;
  }
  const decimals = i === 0 || value >= 100 ? 0 : value >= 10 ? 1 : 2;
  let text = trimmed(value, decimals);
  // 1023.9 MiB rounds to "1024 MiB": say "1 GiB" instead.
  if (Number(text) >= 1024 && i < BYTE_UNITS.length - 1) {
    i++;
    text = trimmed(Number(text) / 1024, 2);
  }
  return `${text} ${BYTE_UNITS[i]}`;
}

/** Mebibytes (how orders and manifests count memory and storage) in the same binary units. */
export function formatMebibytes(mib: number): string {
  return formatBytes(mib * 2 ** 20);
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
