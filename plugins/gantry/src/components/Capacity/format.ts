import type { CapacityEnvironment } from '@gantry/plugin-gantry-common';

/** 0.6164 -> "61.6 %"; null -> "—". */
export const percent = (ratio: number | null) =>
  ratio === null ? '—' : `${(ratio * 100).toFixed(1)} %`;

/** Cores as Kubernetes writes them: 0.25 -> "250m", 1.5 -> "1.5 cores". */
export function cores(v: number | null): string {
  if (v === null) return '—';
  if (v < 1) return `${Math.round(v * 1000)}m`;
  return `${Number(v.toFixed(2))} ${v === 1 ? 'core' : 'cores'}`;
}

/** Bytes in binary units: 1258291200 -> "1.2 GiB". */
export function bytes(v: number | null): string {
  if (v === null) return '—';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let n = v;
  let i = 0;
  while (n >= 1024 && i < units.length - 1) {
    n /= 1024;
    i++;
  }
  return `${Number(n.toFixed(1))} ${units[i]}`;
}

/** The forecast sentence of one resource. */
export function forecast(
  days: number | null,
  ratio: number | null,
  window: string,
): string {
  if (ratio === null) return 'no data';
  if (ratio >= 1) return 'at or over the limit now';
  if (days === null) return `no rising trend in the last ${window}`;
  if (days < 1)
    return `limit reached in ~${Math.max(1, Math.round(days * 24))} h`;
  return `limit reached in ~${Math.round(days)} day${
    Math.round(days) === 1 ? '' : 's'
  }`;
}

/** What the environment is called on the card: its Gantry environment, else its namespace. */
export const envLabel = (e: CapacityEnvironment) =>
  e.environment ? `${e.environment} (${e.namespace})` : e.namespace;
