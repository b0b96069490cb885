import type { OutputFormat } from './output';
import { print } from './output';

export type Row = Record<string, unknown>;

function cell(value: unknown): string {
  if (value === null || value === undefined) return '-';
  if (typeof value === 'object') return (value as { id?: string }).id ?? JSON.stringify(value);
  return String(value);
}

/** Columns aligned under upper-case headers: what people read; -o json prints the objects instead. */
export function printTable(format: OutputFormat, rows: Row[], columns: Record<string, string>): void {
  const keys = Object.keys(columns);
  const lines = [keys.map((k) => columns[k]), ...rows.map((row) => keys.map((k) => cell(row[k])))];
  const widths = keys.map((_, i) => Math.max(...lines.map((line) => line[i].length)));
  const text = lines
    .map((line) =>
      line
        .map((c, i) => c.padEnd(widths[i]))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
  print(format, rows, rows.length === 0 ? '(none)' : text);
}

/** One object as `label: value` lines (from `display`, by default the object itself); -o json prints the object. */
export function printRecord(
  format: OutputFormat,
  record: Row,
  labels: Record<string, string>,
  display: Row = record,
): void {
  const width = Math.max(...Object.values(labels).map((l) => l.length)) + 1;
  const text = Object.entries(labels)
    .map(([key, label]) => `${`${label}:`.padEnd(width)} ${cell(display[key])}`)
    .join('\n');
  print(format, record, text);
}
