-- Rows per table of the current schema, one "table<TAB>count" a line, sorted (deploy/backup.sh, deploy/restore.sh).
SELECT c.relname || E'\t' || (xpath('/row/n/text()', query_to_xml(
         format('SELECT count(*) AS n FROM %I.%I', n.nspname, c.relname), false, true, '')))[1]::text
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p') AND n.nspname = current_schema()
ORDER BY c.relname COLLATE "C";
