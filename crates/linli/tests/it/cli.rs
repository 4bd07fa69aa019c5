//! The operator's commands of the real `linli` binary: the roster export and import round
//! trip, an import with bad rows, and backups.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

use common::{Backend, TestApp};

/// What an import must not change when it changes nothing: households, their versions, the
/// buildings and units, the audit trail.
async fn state(app: &TestApp) -> [i64; 5] {
    [
        app.sql_i64("SELECT COUNT(*) FROM household").await,
        app.sql_i64("SELECT CAST(SUM(version) AS BIGINT) FROM household")
            .await,
        app.sql_i64("SELECT CAST(SUM(area_centi) AS BIGINT) FROM household")
            .await,
        app.sql_i64("SELECT COUNT(*) FROM building").await
            + app.sql_i64("SELECT COUNT(*) FROM unit").await,
        app.audit_count().await,
    ]
}

both_backends! {
    async fn an_exported_roster_imports_back_without_changes(app) {
        let dir = app.scratch_dir();
        let file = dir.0.join("roster.csv");
        let (code, out, err) = app.cli(&["export", "roster", "--compound", "1", "--out", file.to_str().unwrap()]);
        assert_eq!(code, 0, "{out}{err}");
        assert!(err.contains("240 households"), "{err}");
        let csv = std::fs::read_to_string(&file).unwrap();
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(lines.len(), 241);
        assert_eq!(lines[0], "楼栋,单元,楼层,房号,专有面积,面积来源,业主,电话,是否未售");
        assert!(lines[1].starts_with("1栋,1单元,1,101,"), "{}", lines[1]);

        let before = state(&app).await;
        let (code, out, err) = app.cli(&["import", "roster", file.to_str().unwrap(), "--compound", "1", "--lang", "en"]);
        assert_eq!(code, 0, "{out}{err}");
        assert!(out.trim().starts_with("created 0, updated 0, unchanged 240;"), "{out}");
        assert_eq!(state(&app).await, before, "the round trip changed nothing");

        // One changed area and one new flat: exactly those are written, and audited.
        let mut edited: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
        let mut cells: Vec<String> = edited[1].split(',').map(str::to_string).collect();
        cells[4] = "99.99".into();
        edited[1] = cells.join(",");
        edited.push("6栋,1单元,1,101,55.5,测绘,,".into());
        std::fs::write(&file, edited.join("\n")).unwrap();
        let (code, out, err) = app.cli(&["import", "roster", file.to_str().unwrap(), "--compound", "1", "--lang", "zh"]);
        assert_eq!(code, 0, "{out}{err}");
        assert!(out.trim().starts_with("新增 1，修改 1，不变 239"), "{out}");
        let token = app.token("committee").await;
        let h = app.household_json(&token, 1).await;
        assert_eq!(h["household"]["area"], "99.99");
        assert_eq!(h["household"]["version"], 2);
        assert_eq!(app.sql_i64("SELECT COUNT(*) FROM household WHERE compound_id = 1").await, 241);
        assert_eq!(app.audit_count().await, before[4] + 3, "one record per change");
        assert!(app.store.verify_audit().await.unwrap().broken.is_none());
    }

    async fn an_import_with_bad_rows_lists_each_and_writes_nothing(app) {
        let dir = app.scratch_dir();
        let file = dir.0.join("bad.csv");
        std::fs::write(
            &file,
            "楼栋,单元,楼层,房号,专有面积,面积来源,业主,电话\n\
             1栋,1单元,1,101,80.66,不动产登记,,\n\
             1栋,1单元,2,201,-3,,,\n\
             1栋,1单元,零,202,70,,,\n\
             7栋,1单元,1,1 01,70,,,\n\
             7栋,1单元,2,201,70.123,估计,,\n\
             7栋,1单元,3,301,70,,,\n\
             7栋,1单元,3,301,71,,,\n\
             8栋,1单元,1,101,70,,,\n",
        )
        .unwrap();
        let before = state(&app).await;
        let (code, out, err) = app.cli(&["import", "roster", file.to_str().unwrap(), "--compound", "1", "--lang", "en"]);
        assert_eq!(code, 1, "{out}{err}");
        // A table: row, column letter, the sheet's header, the value, the problem. Row 6 is
        // faulted on its area only: its area source is about the area.
        let table: Vec<Vec<&str>> = err.lines().map(|l| l.split_whitespace().collect()).collect();
        for (row, letter, header) in [("3", "E", "专有面积"), ("4", "C", "楼层"), ("5", "D", "房号"), ("6", "E", "专有面积"), ("8", "D", "房号")] {
            assert!(table.iter().any(|c| c.len() > 3 && c[0] == row && c[1] == letter && c[2] == header), "row {row} {letter} is listed: {err}");
        }
        for good in ["2", "7", "9"] {
            assert!(!table.iter().any(|c| c.first() == Some(&good)), "row {good} is fine: {err}");
        }
        assert!(err.contains("5 problems; nothing was imported") && !err.contains("Error:"), "{err}");
        assert_eq!(state(&app).await, before, "nothing was written, not even the good rows");

        // A file without a needed column is refused as a whole.
        std::fs::write(&file, "楼栋,单元,楼层,房号\n1栋,1单元,1,101\n").unwrap();
        let (code, _, err) = app.cli(&["import", "roster", file.to_str().unwrap(), "--compound", "1", "--lang", "zh"]);
        assert_eq!(code, 1);
        assert!(err.contains("专有面积") && err.contains("缺少这一列") && err.contains("可以用的列名"), "{err}");
        assert_eq!(state(&app).await, before);
    }

    async fn a_backup_is_a_database_that_opens(app) {
        let dir = app.scratch_dir();
        let households = app.sql_i64("SELECT COUNT(*) FROM household").await;
        let audit = app.audit_count().await;
        let name = match app.backend {
            Backend::Sqlite => "backup.db",
            Backend::Postgres => "backup.dump",
        };
        let file = dir.0.join(name);
        let (code, out, err) = app.cli(&["backup", file.to_str().unwrap()]);
        assert_eq!(code, 0, "{out}{err}");
        assert!(file.exists());
        // Open the copy as a database of its own.
        let (url, _keep) = match app.backend {
            Backend::Sqlite => (format!("sqlite://{}", file.display()), None),
            Backend::Postgres => {
                let (url, keep) = common::fresh_database(Backend::Postgres).await;
                let restore = std::process::Command::new("pg_restore").args(["--no-owner", "--dbname", &url]).arg(&file).output().unwrap();
                assert!(restore.status.success(), "{}", String::from_utf8_lossy(&restore.stderr));
                (url, keep)
            }
        };
        let copy = linli_store::Store::open(&url).await.unwrap();
        let report = copy.verify_audit().await.unwrap();
        assert!(report.broken.is_none(), "{report:?}");
        assert_eq!(report.records as i64, audit);
        let conn = sea_orm::Database::connect(url.as_str()).await.unwrap();
        use sea_orm::ConnectionTrait;
        let row = conn
            .query_one_raw(sea_orm::Statement::from_string(conn.get_database_backend(), "SELECT COUNT(*) FROM household"))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(row.try_get_by_index::<i64>(0).unwrap(), households);

        // A backup never overwrites a file.
        let (code, _, err) = app.cli(&["backup", file.to_str().unwrap()]);
        assert_ne!(code, 0);
        assert!(err.contains("already exists"), "{err}");
    }
}
