/**
 * Columnar exports of a run's tables with DuckDB (@duckdb/node-api, loaded on demand):
 * objects.parquet (typed: ids as BIGINT, Metadata_* and text as VARCHAR, measurements DOUBLE)
 * and results.duckdb with tables objects, images, qc, failures and a per-well summary view
 * (`well_summary`), so results can be queried with SQL. Both are written to a temporary name
 * and renamed when complete.
 */
import { existsSync } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { tempPathFor } from '../io/atomic.js';

const TEXT = /^(Metadata_|FileName_|Image_Status$|QC_Worst$|QC_Checks$|QC_DatasetChecks$|QC_Reason$|Stage$|Reason$|Files$)/;
const INT = /^(ImageNumber|ObjectNumber|QC_Excluded)$/;

/**
 * DuckDB column types for a CSV header (read_csv `columns`): ids BIGINT, metadata and the
 * columns that hold text VARCHAR, every other column DOUBLE (stable whatever the values).
 */
export function columnTypes(columns: readonly string[], text: readonly string[] = []): Record<string, string> {
  const t: Record<string, string> = {};
  for (const c of columns) t[c] = INT.test(c) ? 'BIGINT' : TEXT.test(c) || text.includes(c) ? 'VARCHAR' : 'DOUBLE';
  return t;
}

const sqlString = (s: string) => `'${s.replace(/'/g, "''")}'`;

function readCsvSql(path: string, columns: readonly string[], text: readonly string[] = []): string {
  const types = Object.entries(columnTypes(columns, text))
    .map(([k, v]) => `${sqlString(k)}: ${sqlString(v)}`)
    .join(', ');
  // a 4 MB read buffer (default 32 MB) keeps the export's memory small. The dialect and the
  // columns are all given, so DuckDB's sniffer has nothing to find out: without auto_detect =
  // false it still read the file ahead to check them (20,000 object rows: 54 ms against 17 ms)
  return `read_csv(${sqlString(path)}, header = true, auto_detect = false, delim = ',', quote = '"', escape = '"', nullstr = '', buffer_size = 4194304, columns = {${types}})`;
}

let duckdb: Promise<typeof import('@duckdb/node-api')> | undefined;

/**
 * Load DuckDB's code; exportTables awaits the same load, so a caller can start it early, e.g.
 * while the tables are written in another thread. With require, not import(): @duckdb/node-api
 * is CommonJS, and import() first has Node scan its 40-odd files for their exports
 * (cjs-module-lexer): 180-220 ms in a fresh process against 75-115 ms.
 */
export function loadDuckDb(): Promise<typeof import('@duckdb/node-api')> {
  duckdb ??= Promise.resolve().then(() => createRequire(import.meta.url)('@duckdb/node-api') as typeof import('@duckdb/node-api'));
  return duckdb;
}

export interface ExportOptions {
  parquet: boolean;
  duckdb: boolean;
  /** Header of each CSV present (objects, images, qc, failures). */
  columns: Partial<Record<'objects' | 'images' | 'qc' | 'failures', readonly string[]>>;
  /** Columns holding text, per table (VARCHAR); the others are numbers. */
  text?: Partial<Record<'objects' | 'images' | 'qc' | 'failures', readonly string[]>>;
  /** DuckDB's first memory limit in MB (default 64; tests set less to exercise the retry). */
  memoryLimitMb?: number;
}

/** Largest memory limit (MB) the export retries with after DuckDB ran out of memory. */
const MAX_MEMORY_LIMIT_MB = 4096;

/**
 * Write objects.parquet and/or results.duckdb in `out` from the CSV tables there.
 * Single-threaded DuckDB with insertion order kept, so the Parquet bytes are reproducible.
 */
export async function exportTables(out: string, o: ExportOptions): Promise<string[]> {
  if (!o.parquet && !o.duckdb) return [];
  // bounded memory: 64 MB, with DuckDB spilling to a temporary folder in OUT, is enough for the
  // usual tables. Wide ones are not (150,000 objects x 80 columns ran out of memory building
  // results.duckdb): then the export starts again with 4x the limit, and again, up to 4 GB.
  for (let limit = o.memoryLimitMb ?? 64; ; limit *= 4) {
    try {
      return await exportWithLimit(out, o, limit);
    } catch (err) {
      if (!/out of memory/i.test((err as Error).message) || limit * 4 > MAX_MEMORY_LIMIT_MB) throw err;
    }
  }
}

async function exportWithLimit(out: string, o: ExportOptions, limitMb: number): Promise<string[]> {
  const { DuckDBInstance } = await loadDuckDb();
  const written: string[] = [];
  const spill = join(out, `.tmp-duckdb-${process.pid}`);
  const db = await DuckDBInstance.create(':memory:', { threads: '1', memory_limit: `${limitMb}MB`, temp_directory: spill });
  const con = await db.connect();
  try {
    await con.run('SET preserve_insertion_order = true');
    const objCols = o.columns.objects;
    if (o.parquet && objCols && existsSync(join(out, 'objects.csv'))) {
      const final = join(out, 'objects.parquet');
      const tmp = tempPathFor(final);
      try {
        await con.run(
          `COPY (SELECT * FROM ${readCsvSql(join(out, 'objects.csv'), objCols, o.text?.objects)}) TO ${sqlString(tmp)} (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 16384)`,
        );
        await rename(tmp, final);
      } catch (err) {
        await rm(tmp, { force: true });
        throw err;
      }
      written.push(final);
    }
    if (o.duckdb) {
      const final = join(out, 'results.duckdb');
      const tmp = tempPathFor(final);
      try {
        await con.run(`ATTACH ${sqlString(tmp)} AS results`);
        await con.run('USE results');
        for (const [name, cols] of Object.entries(o.columns)) {
          const src = join(out, `${name}.csv`);
          if (!cols || !existsSync(src)) continue;
          const text = o.text?.[name as keyof ExportOptions['columns']];
          // objects from the Parquet just written (typed already, and cheaper to read than the CSV)
          const pq = join(out, 'objects.parquet');
          const from = name === 'objects' && written.includes(pq) ? `read_parquet(${sqlString(pq)})` : readCsvSql(src, cols, text);
          await con.run(`CREATE TABLE ${name} AS SELECT * FROM ${from}`);
        }
        const img = o.columns.images ?? [];
        if (img.includes('Metadata_Well')) {
          const plate = img.includes('Metadata_Plate') ? 'Metadata_Plate, ' : '';
          const cond = img.includes('Metadata_Condition') ? ', any_value(Metadata_Condition) AS Metadata_Condition' : '';
          const count = img.includes('Count_Nuclei')
            ? ', sum(Count_Nuclei) AS Count_Nuclei, avg(Count_Nuclei) AS Mean_Count_Nuclei_PerImage'
            : '';
          await con.run(
            `CREATE VIEW well_summary AS SELECT ${plate}Metadata_Well${cond}, count(*) AS Images, ` +
              `count(*) FILTER (WHERE Image_Status = 'ok') AS ImagesAnalysed${count} ` +
              `FROM images GROUP BY ALL ORDER BY ${plate}Metadata_Well`,
          );
        }
        await con.run('USE memory');
        await con.run('DETACH results');
        await rename(tmp, final);
        await rm(`${tmp}.wal`, { force: true });
      } catch (err) {
        await rm(tmp, { force: true });
        await rm(`${tmp}.wal`, { force: true });
        throw err;
      }
      written.push(final);
    }
  } finally {
    con.closeSync();
    db.closeSync();
    await rm(spill, { recursive: true, force: true });
  }
  return written;
}
