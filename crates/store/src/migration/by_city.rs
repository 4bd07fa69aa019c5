//! What the migrations that partition a table by city share: the database function that gives
//! a new city its partitions, and the steps that turn a plain table into one list-partitioned
//! by `city_id` on PostgreSQL (and back), or give it the column on SQLite.
//!
//! A partitioned table keeps its columns, its global ids (the same identity sequence) and its
//! foreign keys; it gains `city_id`, its primary key becomes `(city_id, id)` and a unique index
//! leads with `city_id` (PostgreSQL requires both to hold the partition key). Each city has a
//! partition `<table>_city_<id>`, made when the city's region row is inserted; the default
//! partition `<table>_elsewhere` would keep a row of a city without one, where a read naming
//! that city still finds it.

use sea_orm_migration::prelude::*;

/// Runs a migration's statements, in order.
pub(super) async fn run(m: &SchemaManager<'_>, statements: Vec<String>) -> Result<(), DbErr> {
    let db = m.get_connection();
    for sql in statements {
        db.execute_unprepared(&sql).await?;
    }
    Ok(())
}

/// `linli_city_partitions(city)`: one city's partitions of each of `tables` (safe to call again
/// for a city that has them). A migration that partitions another table replaces it with the
/// longer list, and its `down` with the list before.
pub(super) fn city_partitions_function(tables: &[&str]) -> String {
    let tables = tables
        .iter()
        .map(|t| format!("'{t}'"))
        .collect::<Vec<_>>()
        .join(", ");
    format!(
        "CREATE OR REPLACE FUNCTION linli_city_partitions(city bigint) RETURNS void \
         LANGUAGE plpgsql AS $$ \
         DECLARE t text; \
         BEGIN \
           FOREACH t IN ARRAY ARRAY[{tables}] LOOP \
             EXECUTE format('CREATE TABLE IF NOT EXISTS %I PARTITION OF %I FOR VALUES IN (%s)', \
                            t || '_city_' || city, t, city); \
           END LOOP; \
         END $$"
    )
}

/// A plain table (`id` its identity primary key) to partition by the city of each row.
pub(super) struct ByCity {
    pub table: &'static str,
    /// The city of a row of the table, as SQL in which `{row}` names the row's table; `None`
    /// when the table already has its `city_id` column (kept as it is).
    pub city_of: Option<&'static str>,
    /// The columns of each unique index (named `ix_<table>_<columns>`, as `m0001::index`
    /// names them; partitioned, `ix_<table>_city_id_<columns>`).
    pub unique: &'static [&'static [&'static str]],
    /// The columns of each other index, kept as they are (each partition has its own).
    pub plain: &'static [&'static [&'static str]],
    /// Each foreign key: column and the table whose `id` it names (`fk_<table>_<column>`,
    /// `ON DELETE RESTRICT`, as `m0001::fk` makes them).
    pub keys: &'static [(&'static str, &'static str)],
    /// Each foreign key to a table partitioned by city (this one included): `(city_id,
    /// column)` names the row's `(city_id, id)` once that table is partitioned (a referenced
    /// key must hold the partition key), `id` alone before. The row named is of the same
    /// city, as it is of the same compound.
    pub city_keys: &'static [(&'static str, &'static str)],
    /// The foreign keys of other tables, already partitioned by city, that name this table's
    /// rows, as `(table, column)`: dropped while the table is rebuilt, then made city keys.
    pub named_by: &'static [(&'static str, &'static str)],
}

/// A unique index's columns, led by the city.
fn with_city<'a>(cols: &[&'a str]) -> Vec<&'a str> {
    std::iter::once("city_id")
        .chain(cols.iter().copied())
        .collect()
}

fn ix(table: &str, cols: &[&str]) -> String {
    format!("ix_{table}_{}", cols.join("_"))
}

/// `CREATE [UNIQUE] INDEX ix_<table>_<columns> ON table (columns)`.
fn create_index(table: &str, cols: &[&str], unique: bool) -> String {
    format!(
        "CREATE {}INDEX {} ON {table} ({})",
        if unique { "UNIQUE " } else { "" },
        ix(table, cols),
        cols.join(", ")
    )
}

/// `table.column` naming `to`'s rows: by `(city_id, id)` when `to` is partitioned by city.
fn key(table: &str, col: &str, to: &str, by_city: bool) -> String {
    let (from, id) = if by_city {
        (format!("city_id, {col}"), "city_id, id")
    } else {
        (col.to_string(), "id")
    };
    format!(
        "ALTER TABLE {table} ADD CONSTRAINT fk_{table}_{col} FOREIGN KEY ({from}) \
         REFERENCES {to} ({id}) ON DELETE RESTRICT"
    )
}

impl ByCity {
    fn city_of(&self, row: &str) -> Option<String> {
        self.city_of.map(|c| c.replace("{row}", row))
    }

    /// The table's own foreign keys, `partitioned` saying whether this table is (a city key
    /// naming the table itself follows it; one naming another table, that table, which is
    /// partitioned before this one in `up` and after it in `down`).
    fn keys(&self, partitioned: bool) -> Vec<String> {
        let t = self.table;
        let plain = self.keys.iter().map(|(col, to)| key(t, col, to, false));
        let city = self.city_keys.iter().map(|(col, to)| {
            let by_city = if *to == t { partitioned } else { true };
            key(t, col, to, by_city)
        });
        plain.chain(city).collect()
    }

    fn drop_named_by(&self) -> Vec<String> {
        self.named_by
            .iter()
            .map(|(from, col)| format!("ALTER TABLE {from} DROP CONSTRAINT fk_{from}_{col}"))
            .collect()
    }

    fn named_by(&self, by_city: bool) -> Vec<String> {
        self.named_by
            .iter()
            .map(|(from, col)| key(from, col, self.table, by_city))
            .collect()
    }

    fn identity_past_rows(&self) -> String {
        let t = self.table;
        format!(
            "SELECT setval(pg_get_serial_sequence('{t}', 'id'), COALESCE(MAX(id), 0) + 1, false) \
             FROM {t}"
        )
    }

    /// PostgreSQL: the table becomes partitioned, with a partition for each existing city;
    /// `linli_city_partitions` is to name it too, for the cities to come.
    pub(super) fn postgres_up(&self) -> Vec<String> {
        let t = self.table;
        let mut s = self.drop_named_by();
        s.extend([
            format!("ALTER TABLE {t} RENAME TO {t}_unpartitioned"),
            format!("ALTER INDEX {t}_pkey RENAME TO {t}_unpartitioned_pkey"),
        ]);
        for cols in self.unique.iter().chain(self.plain) {
            s.push(format!("DROP INDEX {}", ix(t, cols)));
        }
        s.extend([
            format!(
                "CREATE TABLE {t} (LIKE {t}_unpartitioned INCLUDING DEFAULTS INCLUDING IDENTITY, \
                 {}PRIMARY KEY (city_id, id)) PARTITION BY LIST (city_id)",
                if self.city_of.is_some() {
                    "city_id bigint NOT NULL, "
                } else {
                    ""
                }
            ),
            format!("CREATE TABLE {t}_elsewhere PARTITION OF {t} DEFAULT"),
            // The existing cities' partitions of this table (`linli_city_partitions` may
            // already name tables not yet partitioned).
            format!(
                "DO $$ DECLARE r record; BEGIN \
                   FOR r IN SELECT id FROM region WHERE kind = 'city' LOOP \
                     EXECUTE format('CREATE TABLE %I PARTITION OF {t} FOR VALUES IN (%s)', \
                                    '{t}_city_' || r.id, r.id); \
                   END LOOP; \
                 END $$"
            ),
            match self.city_of("o") {
                Some(city) => format!(
                    "INSERT INTO {t} SELECT o.*, COALESCE({city}, 0) FROM {t}_unpartitioned o"
                ),
                None => format!("INSERT INTO {t} SELECT * FROM {t}_unpartitioned"),
            },
            format!("DROP TABLE {t}_unpartitioned"),
        ]);
        for cols in self.unique {
            s.push(create_index(t, &with_city(cols), true));
        }
        for cols in self.plain {
            s.push(create_index(t, cols, false));
        }
        s.extend(self.keys(true));
        s.extend(self.named_by(true));
        s.push(self.identity_past_rows());
        s.push(format!("ANALYZE {t}"));
        s
    }

    /// PostgreSQL: the table as it was before [`Self::postgres_up`].
    pub(super) fn postgres_down(&self) -> Vec<String> {
        let t = self.table;
        let mut s = self.drop_named_by();
        s.extend([
            format!("ALTER TABLE {t} RENAME TO {t}_partitioned"),
            format!("ALTER INDEX {t}_pkey RENAME TO {t}_partitioned_pkey"),
        ]);
        for cols in self.unique {
            s.push(format!("DROP INDEX {}", ix(t, &with_city(cols))));
        }
        for cols in self.plain {
            s.push(format!("DROP INDEX {}", ix(t, cols)));
        }
        s.extend([
            format!(
                "CREATE TABLE {t} (LIKE {t}_partitioned INCLUDING DEFAULTS INCLUDING IDENTITY)"
            ),
            format!("INSERT INTO {t} SELECT * FROM {t}_partitioned"),
            format!("DROP TABLE {t}_partitioned"),
        ]);
        if self.city_of.is_some() {
            s.push(format!("ALTER TABLE {t} DROP COLUMN city_id"));
        }
        s.push(format!("ALTER TABLE {t} ADD PRIMARY KEY (id)"));
        for cols in self.unique {
            s.push(create_index(t, cols, true));
        }
        for cols in self.plain {
            s.push(create_index(t, cols, false));
        }
        s.extend(self.keys(false));
        s.extend(self.named_by(false));
        s.push(self.identity_past_rows());
        s
    }

    /// SQLite: the column, filled, and each unique index led by it as on PostgreSQL (an upsert
    /// names its index's columns, the same on both); no partitions, the keys unchanged.
    pub(super) fn sqlite_up(&self) -> Vec<String> {
        let t = self.table;
        let mut s = Vec::new();
        if let Some(city) = self.city_of(t) {
            s.extend([
                format!("ALTER TABLE {t} ADD COLUMN city_id bigint NOT NULL DEFAULT 0"),
                format!("UPDATE {t} SET city_id = COALESCE({city}, 0)"),
            ]);
        }
        for cols in self.unique {
            s.push(format!("DROP INDEX {}", ix(t, cols)));
            s.push(create_index(t, &with_city(cols), true));
        }
        s
    }

    pub(super) fn sqlite_down(&self) -> Vec<String> {
        let t = self.table;
        let mut s = Vec::new();
        for cols in self.unique {
            s.push(format!("DROP INDEX {}", ix(t, &with_city(cols))));
            s.push(create_index(t, cols, true));
        }
        if self.city_of.is_some() {
            s.push(format!("ALTER TABLE {t} DROP COLUMN city_id"));
        }
        s
    }
}
