package duckdb

// migrations are applied in order, each in its own transaction; schema_migrations records the
// versions applied. Never edit a released migration: append a new one.
//
// The tables avoid DuckDB-only types (lists, JSON) so that the same schema and the metric SQL work
// on PostgreSQL: chains, tags and attributes are child tables.
var migrations = []string{
	// 1: the canonical model.
	`CREATE TABLE sources (
		id         VARCHAR PRIMARY KEY,
		provider   VARCHAR NOT NULL,
		location   VARCHAR NOT NULL,
		fetched_at TIMESTAMP,
		licence    VARCHAR NOT NULL,
		note       VARCHAR NOT NULL,
		updated_at TIMESTAMP NOT NULL
	);
	CREATE TABLE entities (
		id       VARCHAR PRIMARY KEY,
		kind     VARCHAR NOT NULL,
		name     VARCHAR NOT NULL,
		symbol   VARCHAR NOT NULL,
		category VARCHAR NOT NULL,
		parent   VARCHAR NOT NULL
	);
	CREATE TABLE entity_chains (
		entity_id VARCHAR NOT NULL,
		chain     VARCHAR NOT NULL,
		PRIMARY KEY (entity_id, chain)
	);
	CREATE TABLE entity_tags (
		entity_id VARCHAR NOT NULL,
		tag       VARCHAR NOT NULL,
		PRIMARY KEY (entity_id, tag)
	);
	CREATE TABLE entity_attrs (
		entity_id VARCHAR NOT NULL,
		key       VARCHAR NOT NULL,
		value     VARCHAR NOT NULL,
		PRIMARY KEY (entity_id, key)
	);
	CREATE TABLE observations (
		entity_id VARCHAR NOT NULL,
		metric    VARCHAR NOT NULL,
		day       DATE NOT NULL,
		value     DOUBLE NOT NULL,
		source_id VARCHAR NOT NULL,
		PRIMARY KEY (entity_id, metric, day, source_id)
	);
	CREATE TABLE ingest_log (
		batch_seq    BIGINT NOT NULL,
		source_id    VARCHAR NOT NULL,
		observations BIGINT NOT NULL,
		entities     BIGINT NOT NULL,
		committed_at TIMESTAMP NOT NULL
	);`,
	// 2: one row per source per ingest run, so the next run knows where to resume and the report
	// can say why a section is empty ("defillama failed on 2026-11-20: HTTP 503").
	`CREATE TABLE ingest_runs (
		source      VARCHAR NOT NULL,
		started_at  TIMESTAMP NOT NULL,
		finished_at TIMESTAMP NOT NULL,
		since       DATE,
		status      VARCHAR NOT NULL,
		batches     BIGINT NOT NULL,
		rows        BIGINT NOT NULL,
		error       VARCHAR NOT NULL
	);`,
	// 3: observations lose their composite primary key. Its ART index was never used by a read
	// (every Reader query is a scan) yet made each write an index probe per row: loading the
	// bundled dataset took ~9 s of the first report's ~10 s. Apply now de-duplicates in the merge
	// (delete the staged keys, then insert), and inserts each write sorted by (metric, day) so the
	// scans' zone maps skip the row groups of other metrics and days.
	`CREATE TABLE observations_v3 (
		entity_id VARCHAR NOT NULL,
		metric    VARCHAR NOT NULL,
		day       DATE NOT NULL,
		value     DOUBLE NOT NULL,
		source_id VARCHAR NOT NULL
	);
	INSERT INTO observations_v3 SELECT entity_id, metric, day, value, source_id FROM observations
		ORDER BY metric, day, entity_id, source_id;
	DROP TABLE observations;
	ALTER TABLE observations_v3 RENAME TO observations;`,
	// 4: the days each (source, metric) series has, kept by every write's merge. A report asks
	// ~110 questions of the store, most of them about series a store does not hold (a keyed
	// source never ingested, a macro print not bundled) or only about which day a series last
	// has: on the whole market each cost a walk over ~1,000 row groups of observations (1–20 ms),
	// here they are a lookup in a table of one row per series and day (73,599 for the bundle). Observations are only ever
	// replaced under their own key, never deleted, so a day once listed stays true.
	//
	// No primary key, as observations have none since migration 3: its index made the bundle's
	// first load 30 ms slower (6%) for 74k rows; the merge adds only days not listed yet.
	`CREATE TABLE observation_days (
		source_id VARCHAR NOT NULL,
		metric    VARCHAR NOT NULL,
		day       DATE NOT NULL
	);
	INSERT INTO observation_days SELECT DISTINCT source_id, metric, day FROM observations;`,
}
