//! Deterministic demo data: the same seed and anchor give the same database. Runs go through
//! the same `create_run` as `POST /v2/runs`, in batched transactions.

mod board;
mod body;
mod catalog;
mod flow;
mod huge;
mod logs;
mod modules;
mod run;
mod story;

use chrono::{DateTime, Utc};
use rusqlite::Connection;

use super::auth::Caller;
use super::error::ApiError;
use super::store::create::{CreateCtx, Prepared, create_run, insert_run, prepare};
use super::store::ids::IdSource;
use super::store::rows;
use super::store::{Store, catalog as store_catalog, mutate};
use flow::Planned;
pub use huge::huge_run;

const BATCH: usize = 5_000;

#[derive(Debug, Clone)]
pub struct SeedOptions {
    pub runs: usize,
    pub seed: u64,
    /// The newest run starts shortly before this instant; the oldest about 30 days before.
    pub anchor: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum SeedOutcome {
    Seeded {
        runs: usize,
    },
    /// The database already held this many runs; nothing was added.
    AlreadyHasRuns(i64),
}

#[derive(Debug, thiserror::Error)]
pub enum SeedError {
    #[error("database error while seeding: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("a generated run was rejected (a bug in the seeder): {0:?}")]
    Rejected(ApiError),
}

impl From<ApiError> for SeedError {
    fn from(e: ApiError) -> Self {
        SeedError::Rejected(e)
    }
}

/// Ids of what the catalog step created, for the run generator.
pub struct Catalog {
    pub users: Vec<String>,
    pub stations: Vec<String>,
    pub procedures: Vec<String>,
}

fn create_catalog(
    conn: &Connection,
    ids: &mut IdSource,
    anchor_ms: i64,
) -> Result<Catalog, SeedError> {
    let admin = ids.next_id();
    store_catalog::insert_user(conn, &admin, catalog::ADMIN.email, catalog::ADMIN.name)?;
    let mut users = Vec::new();
    for op in catalog::OPERATORS {
        let id = ids.next_id();
        store_catalog::insert_user(conn, &id, op.email, op.name)?;
        users.push(id);
    }
    let mut stations = Vec::new();
    for station in catalog::STATIONS {
        let id = ids.next_id();
        store_catalog::insert_station(conn, &id, station.name)?;
        stations.push(id);
    }
    let created = anchor_ms - 40 * 86_400_000;
    let mut procedures = Vec::new();
    for p in catalog::PROCEDURES {
        let id = store_catalog::create_procedure(conn, p.name, Some(&admin), created, ids)?;
        for s in p.stations {
            store_catalog::link_station_procedure(conn, &stations[*s], &id)?;
        }
        procedures.push(id);
    }
    for part in catalog::PARTS {
        let p = store_catalog::insert_part(
            conn,
            part.number,
            Some(part.name),
            Some(part.revisions[0]),
            &serde_json::json!({}),
            ids,
        )?;
        for rev in &part.revisions[1..] {
            store_catalog::get_or_create_revision(conn, &p.id, rev, ids)?;
        }
    }
    Ok(Catalog { users, stations, procedures })
}

/// Fills an empty database with `opts.runs` runs; refuses to add to one that has runs.
pub fn seed(store: &Store, opts: &SeedOptions) -> Result<SeedOutcome, SeedError> {
    let existing = store.run_count()?;
    if existing > 0 {
        return Ok(SeedOutcome::AlreadyHasRuns(existing));
    }
    let mut rng = fastrand::Rng::with_seed(opts.seed);
    let mut ids = IdSource::Seeded(fastrand::Rng::with_seed(opts.seed ^ 0x5eed));
    let anchor_ms = opts.anchor.timestamp_millis();
    let mut conn = store.writer();
    let tx = conn.transaction()?;
    let cat = create_catalog(&tx, &mut ids, anchor_ms)?;
    tx.commit()?;
    let bulk = opts.runs >= 20_000;
    if bulk {
        conn.execute_batch(&Store::drop_run_indexes_sql())?;
        conn.execute_batch(BULK_SEARCH)?;
        conn.pragma_update(None, "cache_size", -256_000)?;
    }
    let mut generator = flow::Generator::new(&cat, opts.runs, anchor_ms);
    let filled = fill(&mut conn, &mut generator, &mut rng, &mut ids, opts.runs);
    if bulk {
        // Even after a failure: the runs stored so far get their indexes.
        end_bulk(&conn)?;
    }
    filled?;
    // Statistics let the planner tell a rare filter value from a common one.
    conn.execute_batch("PRAGMA analysis_limit = 1000; ANALYZE;")?;
    Ok(SeedOutcome::Seeded { runs: opts.runs })
}

/// A big seed fills the tables first and builds the run indexes and the three search indexes
/// (logs, runs, units) once at the end: many times faster than updating them on every insert.
/// (FTS5 writes its pending entries to disk at each statement of a transaction, so a log line
/// indexed on its own becomes a segment of its own, and merging those took most of the
/// seeding time.) Until the end, TEMP tables of the same names take the search rows (a TEMP
/// table hides a main one of the same name), and are dropped.
const BULK_SEARCH: &str = "CREATE TEMP TABLE log_search (text);
    CREATE TEMP TABLE run_search (text);
    CREATE TEMP TABLE unit_search (text);";

fn end_bulk(conn: &Connection) -> Result<(), SeedError> {
    conn.execute_batch(
        "DROP TABLE IF EXISTS temp.log_search;
         DROP TABLE IF EXISTS temp.run_search;
         DROP TABLE IF EXISTS temp.unit_search;",
    )?;
    conn.execute_batch(&format!(
        "BEGIN;
         INSERT INTO main.log_search (log_search, rank) VALUES ('hashsize', 67108864);
         INSERT INTO main.log_search (rowid, text) SELECT id, message FROM logs;
         INSERT INTO main.log_search (log_search, rank) VALUES ('hashsize', 1048576);
         INSERT INTO main.run_search (rowid, text) SELECT seq, {} FROM runs;
         INSERT INTO main.unit_search (rowid, text) SELECT rowid, serial_number FROM units;
         COMMIT;",
        super::store::SEARCH_TEXT
    ))?;
    conn.execute_batch(Store::schema_sql())?;
    conn.pragma_update(None, "cache_size", -32_000)?;
    Ok(())
}

/// Creates the runs, `BATCH` to a transaction, on two threads: one plans each run and
/// prepares its rows (the checks, the stored body, the phase, measurement and log rows: no
/// database), the other inserts them in the same order. Row ids come from counters read once,
/// so the data is as deterministic as on one thread; preparing, most of the time, now
/// overlaps the inserts.
fn fill(
    conn: &mut Connection,
    generator: &mut flow::Generator,
    rng: &mut fastrand::Rng,
    ids: &mut IdSource,
    runs: usize,
) -> Result<(), SeedError> {
    let mut counters = rows::Counters::from_db(conn)?;
    let mut prep_ids = match ids {
        IdSource::Seeded(r) => IdSource::Seeded(fastrand::Rng::with_seed(r.u64(..))),
        IdSource::Random => IdSource::Random,
    };
    let (send, receive) = std::sync::mpsc::sync_channel::<(Planned, Prepared)>(1_024);
    std::thread::scope(|scope| {
        let producer = scope.spawn(move || -> Result<(), SeedError> {
            for _ in 0..runs {
                let planned = generator.next(rng);
                let prepared = prepare(&planned.request, &mut prep_ids, &mut counters)?;
                if send.send((planned, prepared)).is_err() {
                    break; // the inserting side stopped on an error of its own
                }
            }
            Ok(())
        });
        let inserted = insert_all(conn, receive, ids, runs);
        let produced = producer.join().unwrap_or_else(|p| std::panic::resume_unwind(p));
        inserted.and(produced)
    })
}

/// The inserting side of `fill`.
fn insert_all(
    conn: &mut Connection,
    receive: std::sync::mpsc::Receiver<(Planned, Prepared)>,
    ids: &mut IdSource,
    runs: usize,
) -> Result<(), SeedError> {
    let mut done = 0;
    while done < runs {
        let tx = conn.transaction()?;
        for _ in 0..BATCH.min(runs - done) {
            // A closed channel: the preparing side failed; its error is reported.
            let Ok((planned, prepared)) = receive.recv() else { return Ok(()) };
            let caller = Caller::Station { station_id: planned.station_id.clone() };
            let id = insert_run(
                &tx,
                &planned.request,
                prepared,
                None,
                &mut CreateCtx {
                    caller: &caller,
                    now_ms: planned.created_at_ms,
                    ids,
                    as_server: true,
                },
            )?;
            if let Some(sample) = planned.sample {
                tx.prepare_cached("UPDATE units SET sample = ?2 WHERE serial_number = ?1")?
                    .execute([planned.request.serial_number.as_str(), sample])?;
            }
            for (name, body) in &planned.attachments {
                let a = mutate::create_attachment(
                    &tx,
                    Some(&id),
                    name,
                    &caller,
                    planned.created_at_ms,
                    ids,
                )?;
                mutate::store_upload(&tx, &a.id, &a.token, body.as_bytes())?;
                mutate::finalize(&tx, &a.id)?;
            }
            done += 1;
        }
        tx.commit()?;
    }
    Ok(())
}

/// Adds one run with 2,000 phases, 50,000 measurements and 200,000 log lines.
pub fn seed_huge(store: &Store, seed: u64, anchor: DateTime<Utc>) -> Result<String, SeedError> {
    let mut conn = store.writer();
    let tx = conn.transaction()?;
    let procedure: Option<String> = {
        use rusqlite::OptionalExtension;
        tx.query_row("SELECT id FROM procedures ORDER BY created_at, id LIMIT 1", [], |r| r.get(0))
            .optional()?
    };
    let mut ids = IdSource::Seeded(fastrand::Rng::with_seed(seed ^ 0x4a9e));
    let procedure = match procedure {
        Some(p) => p,
        None => create_catalog(&tx, &mut ids, anchor.timestamp_millis())?.procedures[0].clone(),
    };
    let req = huge_run(&procedure, anchor, &mut fastrand::Rng::with_seed(seed));
    let admin: String =
        tx.query_row("SELECT id FROM users ORDER BY rowid LIMIT 1", [], |r| r.get(0))?;
    let caller = Caller::User { user_id: admin };
    let id = create_run(
        &tx,
        &req,
        &mut CreateCtx {
            caller: &caller,
            now_ms: anchor.timestamp_millis(),
            ids: &mut ids,
            as_server: true,
        },
    )?;
    tx.commit()?;
    Ok(id)
}
