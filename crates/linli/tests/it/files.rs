//! Uploaded files on disk, on SQLite and PostgreSQL: the bytes go into the content-addressed
//! directory (not the database) and come back identical; photos get a smaller JPEG thumbnail
//! under the same authorization; oversize files, non-files and photos that do not decode are
//! refused with nothing written; a backup carries the files and proves them.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use common::{TestApp, assert_api_error};
use linli_demo_load::DEMO_PASSWORD;
use linli_domain::authz::Role;
use serde_json::Value;
use std::io::Cursor;
use std::path::{Path, PathBuf};

/// A photo of `w`×`h` pixels with some structure (so JPEG has something to keep).
fn photo(w: u32, h: u32, format: image::ImageFormat) -> Vec<u8> {
    let img = image::RgbaImage::from_fn(w, h, |x, y| {
        image::Rgba([
            (x % 256) as u8,
            (y % 256) as u8,
            ((x + y) % 256) as u8,
            if y < 20 { 0 } else { 255 },
        ])
    });
    let img = image::DynamicImage::ImageRgba8(img);
    let img = if format == image::ImageFormat::Jpeg {
        image::DynamicImage::ImageRgb8(img.to_rgb8())
    } else {
        img
    };
    let mut out = Vec::new();
    img.write_to(&mut Cursor::new(&mut out), format).unwrap();
    out
}

async fn upload(
    app: &TestApp,
    token: &str,
    compound: i64,
    name: &str,
    purpose: &str,
    bytes: Vec<u8>,
) -> (u16, Value) {
    let res = app
        .client
        .post(app.url(&format!(
            "/api/v1/compounds/{compound}/files?name={name}&purpose={purpose}"
        )))
        .bearer_auth(token)
        .body(bytes)
        .send()
        .await
        .unwrap();
    let status = res.status().as_u16();
    let text = res.text().await.unwrap();
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

/// (status, content type, body) of `/files/{id}` (with `?thumb=1` when asked).
async fn fetch(app: &TestApp, token: &str, id: i64, thumb: bool) -> (u16, String, Vec<u8>) {
    let q = if thumb { "?thumb=1" } else { "" };
    let res = app
        .client
        .get(app.url(&format!("/files/{id}{q}")))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    let ct = res
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default();
    (
        res.status().as_u16(),
        ct,
        res.bytes().await.unwrap().to_vec(),
    )
}

fn on_disk(root: &Path, sha: &str) -> PathBuf {
    root.join(&sha[0..2]).join(&sha[2..4]).join(sha)
}

/// Every regular file under a directory (recursively).
fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    if let Ok(entries) = std::fs::read_dir(dir) {
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                out.extend(files_under(&p));
            } else {
                out.push(p);
            }
        }
    }
    out
}

/// (attachment rows, audit records, files on disk).
async fn state(app: &TestApp, root: &Path) -> (i64, i64, usize) {
    (
        app.sql_i64("SELECT COUNT(*) FROM attachment").await,
        app.audit_count().await,
        files_under(root).len(),
    )
}

/// A committee member of another compound than the committee persona's, and their token.
async fn outsider(app: &TestApp, compound: i64) -> String {
    let other = app
        .sql_i64(&format!(
            "SELECT MIN(id) FROM compound WHERE id <> {compound}"
        ))
        .await;
    let ids: Vec<i64> = {
        let mut v = Vec::new();
        for col in ["city_id", "district_id", "subdistrict_id", "community_id"] {
            v.push(
                app.sql_i64(&format!("SELECT {col} FROM compound WHERE id = {other}"))
                    .await,
            );
        }
        v
    };
    let path: linli_domain::place::Path = format!(
        "city:{}/district:{}/subdistrict:{}/community:{}/compound:{other}",
        ids[0], ids[1], ids[2], ids[3]
    )
    .parse()
    .unwrap();
    let id = app
        .store
        .create_account("outsider", None, "外小区 委员", DEMO_PASSWORD)
        .await
        .unwrap();
    app.store
        .grant_role(None, id, Role::CommitteeMember, &path)
        .await
        .unwrap();
    app.token("outsider").await
}

both_backends! {
    async fn a_photo_goes_to_disk_comes_back_whole_and_has_a_smaller_thumbnail(app) {
        let c = app.persona_place("committee");
        let token = app.token("committee").await;
        let audit = app.audit_count().await;
        let jpeg = photo(1200, 900, image::ImageFormat::Jpeg);
        let (s, info) = upload(&app, &token, c, "leak.jpg", "attachment", jpeg.clone()).await;
        assert_eq!(s, 201, "{info}");
        assert_eq!(info["content_type"], "image/jpeg");
        assert_eq!(info["size"], jpeg.len());
        assert_eq!(info["thumbnail"], true);
        let id = info["id"].as_i64().unwrap();
        let sha = info["sha256"].as_str().unwrap();
        assert_eq!(app.audit_count().await, audit + 1, "the upload is audited");

        // Byte-identical back.
        let (s, ct, body) = fetch(&app, &token, id, false).await;
        assert_eq!((s, ct.as_str()), (200, "image/jpeg"));
        assert!(body == jpeg, "the same bytes come back");

        // The bytes are on disk under their hash, and not in the database.
        let root = app.store.files_dir().to_path_buf();
        assert_eq!(std::fs::read(on_disk(&root, sha)).unwrap(), jpeg);
        assert_eq!(app.sql_i64(&format!("SELECT length(content) FROM attachment WHERE id = {id}")).await, 0);

        // The thumbnail: a valid JPEG, 320 px on the longest side, much smaller.
        let (s, ct, thumb) = fetch(&app, &token, id, true).await;
        assert_eq!((s, ct.as_str()), (200, "image/jpeg"));
        let t = image::load_from_memory_with_format(&thumb, image::ImageFormat::Jpeg).unwrap();
        assert_eq!((t.width(), t.height()), (320, 240));
        assert!(thumb.len() * 4 < jpeg.len(), "thumbnail {} bytes, photo {}", thumb.len(), jpeg.len());

        // A PNG with transparency gets a JPEG thumbnail too; a PDF gets none.
        let png = photo(400, 1000, image::ImageFormat::Png);
        let (s, info) = upload(&app, &token, c, "plan.png", "attachment", png.clone()).await;
        assert_eq!(s, 201, "{info}");
        let (_, _, thumb) = fetch(&app, &token, info["id"].as_i64().unwrap(), true).await;
        let t = image::load_from_memory_with_format(&thumb, image::ImageFormat::Jpeg).unwrap();
        assert_eq!((t.width(), t.height()), (128, 320));
        let (_, _, back) = fetch(&app, &token, info["id"].as_i64().unwrap(), false).await;
        assert!(back == png);
        let (s, info) = upload(&app, &token, c, "quote.pdf", "attachment", b"%PDF-1.7 a quote".to_vec()).await;
        assert_eq!((s, &info["thumbnail"]), (201, &Value::Bool(false)), "{info}");
        let (s, _, _) = fetch(&app, &token, info["id"].as_i64().unwrap(), true).await;
        assert_eq!(s, 404, "no thumbnail for a PDF");
        let (s, _, back) = fetch(&app, &token, info["id"].as_i64().unwrap(), false).await;
        assert_eq!((s, back.as_slice()), (200, &b"%PDF-1.7 a quote"[..]));

        // The same photo twice: two records, one file.
        let before = files_under(&root).len();
        let (s, again) = upload(&app, &token, c, "leak-again.jpg", "attachment", jpeg.clone()).await;
        assert_eq!(s, 201, "{again}");
        assert_ne!(again["id"], id);
        assert_eq!(files_under(&root).len(), before);
        assert!(files_under(&root).iter().all(|p| !p.to_string_lossy().ends_with(".tmp")), "no temporary file left");

        // A second server over the same database and directory serves it too.
        let second = app.second_instance().await;
        let (s, _, body) = fetch(&second, &token, id, false).await;
        assert_eq!(s, 200);
        assert!(body == jpeg);
    }

    async fn a_file_and_its_thumbnail_are_only_for_those_who_may_see_them(app) {
        let c = app.persona_place("committee");
        let token = app.token("committee").await;
        let (_, evidence) = upload(&app, &token, c, "consent.jpg", "evidence", photo(600, 400, image::ImageFormat::Jpeg)).await;
        let (_, plan) = upload(&app, &token, c, "plan.jpg", "attachment", photo(600, 400, image::ImageFormat::Jpeg)).await;
        let (evidence, plan) = (evidence["id"].as_i64().unwrap(), plan["id"].as_i64().unwrap());
        let outsider = outsider(&app, c).await;
        for id in [evidence, plan] {
            for thumb in [false, true] {
                let (s, _, body) = fetch(&app, &outsider, id, thumb).await;
                assert_eq!(s, 403, "another compound's committee, file {id}, thumb {thumb}");
                assert!(image::load_from_memory(&body).is_err(), "no picture in the refusal");
            }
        }
        // A resident of the compound sees the proposal's plan but not a ballot's evidence,
        // and the thumbnail follows the photo.
        let resident = app.token("resident").await;
        assert_eq!(fetch(&app, &resident, plan, true).await.0, 200);
        assert_eq!(fetch(&app, &resident, evidence, false).await.0, 403);
        assert_eq!(fetch(&app, &resident, evidence, true).await.0, 403);
        // Not signed in.
        let res = app.client.get(app.url(&format!("/files/{plan}?thumb=1"))).send().await.unwrap();
        assert!(matches!(res.status().as_u16(), 401 | 303), "{}", res.status());
        // A file that does not exist.
        assert_eq!(fetch(&app, &token, 999_999, true).await.0, 404);
        // Someone from elsewhere may not upload here.
        let (s, e) = upload(&app, &outsider, c, "x.jpg", "attachment", photo(10, 10, image::ImageFormat::Jpeg)).await;
        assert_api_error(s, &e, 403, "forbidden", None);
    }

    async fn oversize_files_non_files_and_broken_photos_are_refused_with_nothing_written(app) {
        let c = app.persona_place("committee");
        let token = app.token("committee").await;
        let root = app.store.files_dir().to_path_buf();
        let before = state(&app, &root).await;

        // Starts like a JPEG, is not one.
        let (s, e) = upload(&app, &token, c, "fake.jpg", "attachment", b"\xFF\xD8\xFF\xE0\x00\x10JFIF\x00not a photo".to_vec()).await;
        assert_api_error(s, &e, 422, "image_unreadable", Some("file"));
        assert!(e["message"].as_str().unwrap().contains("照片打不开"), "{e}");
        // A PNG cut in half (an interrupted upload).
        let mut cut = photo(300, 300, image::ImageFormat::Png);
        cut.truncate(cut.len() / 2);
        let (s, e) = upload(&app, &token, c, "cut.png", "attachment", cut).await;
        assert_api_error(s, &e, 422, "image_unreadable", Some("file"));
        // Not a kind we take, whatever its name.
        let (s, e) = upload(&app, &token, c, "photo.jpg", "attachment", b"MZ\x90\x00 an executable".to_vec()).await;
        assert_api_error(s, &e, 422, "file_type", Some("file"));
        // Empty.
        let (s, e) = upload(&app, &token, c, "empty.jpg", "attachment", Vec::new()).await;
        assert_api_error(s, &e, 422, "required", Some("file"));
        // Over 10 MB: refused (by the body limit, or by the service just under it).
        let mut big = b"%PDF-1.7\n".to_vec();
        big.resize(10 * 1024 * 1024 + 1, b' ');
        let (s, e) = upload(&app, &token, c, "big.pdf", "attachment", big).await;
        assert!(s == 413 || (s == 422 && e["code"] == "file_too_large"), "{s} {e}");

        assert_eq!(state(&app, &root).await, before, "no row, no audit record, no file on disk");
    }

    async fn a_backup_carries_the_files_and_proves_them(app) {
        let c = app.persona_place("committee");
        let token = app.token("committee").await;
        let jpeg = photo(800, 600, image::ImageFormat::Jpeg);
        let (_, a) = upload(&app, &token, c, "a.jpg", "attachment", jpeg.clone()).await;
        let (_, b) = upload(&app, &token, c, "b.pdf", "evidence", b"%PDF-1.4 signed".to_vec()).await;
        let (sha_a, sha_b) = (a["sha256"].as_str().unwrap().to_string(), b["sha256"].as_str().unwrap().to_string());

        let (code, out, err) = app.cli(&["verify-files"]);
        assert_eq!(code, 0, "{out}{err}");
        assert!(out.contains("files intact: 2 files"), "{out}");

        let dir = app.scratch_dir();
        let file = dir.0.join(match app.backend {
            common::Backend::Sqlite => "backup.db",
            common::Backend::Postgres => "backup.dump",
        });
        let (code, out, err) = app.cli(&["backup", file.to_str().unwrap()]);
        assert_eq!(code, 0, "{out}{err}");
        assert!(out.contains("(3 files)"), "the two originals and the thumbnail: {out}");
        let copy = dir.0.join("backup-files");
        assert_eq!(std::fs::read(on_disk(&copy, &sha_a)).unwrap(), jpeg);
        assert_eq!(std::fs::read(on_disk(&copy, &sha_b)).unwrap(), b"%PDF-1.4 signed");
        assert!(on_disk(&copy, &sha_a).with_file_name(format!("{sha_a}.thumb.jpg")).is_file());

        // Restored: the copy of the database finds every file in the copy of the directory.
        let (url, _keep) = match app.backend {
            common::Backend::Sqlite => (format!("sqlite://{}", file.display()), None),
            common::Backend::Postgres => {
                let (url, keep) = common::fresh_database(common::Backend::Postgres).await;
                let restore = std::process::Command::new("pg_restore").args(["--no-owner", "--dbname", &url]).arg(&file).output().unwrap();
                assert!(restore.status.success(), "{}", String::from_utf8_lossy(&restore.stderr));
                (url, keep)
            }
        };
        let linli = |args: &[&str]| {
            let o = std::process::Command::new(env!("CARGO_BIN_EXE_linli")).args(args).env("RUST_LOG", "warn").env_remove("LINLI_FILES_DIR").output().unwrap();
            (o.status.code().unwrap_or(-1), String::from_utf8_lossy(&o.stdout).into_owned())
        };
        let copy_arg = copy.to_str().unwrap();
        let (code, out) = match app.backend {
            // A SQLite backup finds its files by default, beside it.
            common::Backend::Sqlite => linli(&["--database-url", &url, "verify-files"]),
            common::Backend::Postgres => linli(&["--database-url", &url, "--files-dir", copy_arg, "verify-files"]),
        };
        assert_eq!(code, 0, "{out}");
        assert!(out.contains("files intact: 2 files"), "{out}");

        // A damaged file is found, and a backup refuses to call itself complete.
        std::fs::write(on_disk(app.store.files_dir(), &sha_b), b"%PDF-1.4 forged").unwrap();
        let (code, out, _) = app.cli(&["verify-files"]);
        assert_eq!(code, 1, "{out}");
        assert!(out.contains(&format!("[{}]", b["id"])), "names the attachment: {out}");
        let (code, _, err) = app.cli(&["backup", dir.0.join("second.db").to_str().unwrap()]);
        assert_ne!(code, 0);
        assert!(err.contains("missing or damaged"), "{err}");
    }
}
