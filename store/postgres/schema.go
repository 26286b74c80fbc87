package postgres

// migrations mirror store/duckdb's, version for version (a store's schema_migrations means the
// same on both backends), in PostgreSQL's own types. Never edit a released migration: append a
// new one, here and in store/duckdb.
//
// Every text column is COLLATE "C": ORDER BY then compares bytes, as DuckDB does, so a report's
// ties break the same way on both backends whatever locale the server was initialised with, and a
// B-tree on the column serves `LIKE 'prefix%'`.
//
// The schema is ready for Citus (docs/scale-out.md): observations and the entity child tables are
// keyed by entity_id first, so they distribute and co-locate on it; entities, sources and the two
// log tables are small and become reference tables. No foreign keys, sequences or triggers.
var migrations = []string{
	// 1: the canonical model.
	`CREATE TABLE sources (
		id         TEXT COLLATE "C" PRIMARY KEY,
		provider   TEXT COLLATE "C" NOT NULL,
		location   TEXT COLLATE "C" NOT NULL,
		fetched_at TIMESTAMP,
		licence    TEXT COLLATE "C" NOT NULL,
		note       TEXT COLLATE "C" NOT NULL,
		updated_at TIMESTAMP NOT NULL
	);
	CREATE TABLE entities (
		id       TEXT COLLATE "C" PRIMARY KEY,
		kind     TEXT COLLATE "C" NOT NULL,
		name     TEXT COLLATE "C" NOT NULL,
		symbol   TEXT COLLATE "C" NOT NULL,
		category TEXT COLLATE "C" NOT NULL,
		parent   TEXT COLLATE "C" NOT NULL
	);
	CREATE TABLE entity_chains (
		entity_id TEXT COLLATE "C" NOT NULL,
		chain     TEXT COLLATE "C" NOT NULL,
		PRIMARY KEY (entity_id, chain)
	);
	CREATE TABLE entity_tags (
		entity_id TEXT COLLATE "C" NOT NULL,
		tag       TEXT COLLATE "C" NOT NULL,
		PRIMARY KEY (entity_id, tag)
	);
	CREATE TABLE entity_attrs (
		entity_id TEXT COLLATE "C" NOT NULL,
		key       TEXT COLLATE "C" NOT NULL,
		value     TEXT COLLATE "C" NOT NULL,
		PRIMARY KEY (entity_id, key)
	);
	CREATE TABLE observations (
		entity_id TEXT COLLATE "C" NOT NULL,
		metric    TEXT COLLATE "C" NOT NULL,
		day       DATE NOT NULL,
		value     DOUBLE PRECISION NOT NULL,
		source_id TEXT COLLATE "C" NOT NULL,
		PRIMARY KEY (entity_id, metric, day, source_id)
	);
	-- The report's queries select by metric and a few days far more often than by entity: this
	-- index answers Pairs, Latest, LatestDay and Observations without touching other days.
	CREATE INDEX observations_metric_day ON observations (metric, day, source_id);
	CREATE TABLE ingest_log (
		batch_seq    BIGINT NOT NULL,
		source_id    TEXT COLLATE "C" NOT NULL,
		observations BIGINT NOT NULL,
		entities     BIGINT NOT NULL,
		committed_at TIMESTAMP NOT NULL
	);`,
	// 2: one row per source per ingest run.
	`CREATE TABLE ingest_runs (
		source      TEXT COLLATE "C" NOT NULL,
		started_at  TIMESTAMP NOT NULL,
		finished_at TIMESTAMP NOT NULL,
		since       DATE,
		status      TEXT COLLATE "C" NOT NULL,
		batches     BIGINT NOT NULL,
		rows        BIGINT NOT NULL,
		error       TEXT COLLATE "C" NOT NULL
	);`,
	// 3: store/duckdb's observations without a primary key. PostgreSQL keeps its key (the merge
	// upserts on it), so there is nothing to do here; the version keeps the numbering shared.
	`SELECT 1`,
	// 4: the days each (source, metric) series has, kept by every merge: LatestDay and HasDays
	// become lookups in a table of one row per series and day (on Citus a reference table, answered without visiting
	// the shards). Observations are only ever replaced under their own key, so a day once
	// listed stays true.
	`CREATE TABLE observation_days (
		source_id TEXT COLLATE "C" NOT NULL,
		metric    TEXT COLLATE "C" NOT NULL,
		day       DATE NOT NULL,
		PRIMARY KEY (source_id, metric, day)
	);
	INSERT INTO observation_days SELECT DISTINCT source_id, metric, day FROM observations;`,
}
