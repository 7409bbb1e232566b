/** 90 s -> "1m 30s", 7800 s -> "2h 10m", 345300 s -> "4d 0h". */
export function formatDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined) return '—';
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${s % 60}s`;
  if (s < 86400)
    return `${Math.floor(s / 3600)}h ${Math.floor((s % 3600) / 60)}m`;
  return `${Math.floor(s / 86400)}d ${Math.floor((s % 86400) / 3600)}h`;
}

export const formatPercent = (rate: number | null | undefined) =>
  rate === null || rate === undefined
    ? '—'
    : `${Math.round(rate * 1000) / 10}%`;
