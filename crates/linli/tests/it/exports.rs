//! Every list page downloads as .xlsx and .csv with the filters it shows, on both backends.
#![allow(clippy::unwrap_used, clippy::expect_used)]

/// RFC 5987 percent-encoding, as a `filename*` carries a name.
fn percent(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b".-_~".contains(&b) {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

both_backends! {
    async fn a_list_page_downloads_whole_with_its_filters(app) {
        let b = app.browser_login("committee").await;
        let compound = app.persona_place("committee");
        let n = app.sql_i64(&format!("SELECT COUNT(*) FROM household WHERE compound_id = {compound}")).await;
        assert!(n > 50, "more than one page of households: {n}");
        let res = b.client.get(app.url(&format!("/compounds/{compound}/households?q=&format=csv"))).send().await.unwrap();
        assert_eq!(res.status(), 200);
        assert_eq!(res.headers()["content-type"], "text/csv; charset=utf-8");
        let bytes = res.bytes().await.unwrap();
        assert!(bytes.starts_with(b"\xEF\xBB\xBF"), "a BOM for Excel");
        let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
        let mut lines = text.lines();
        assert!(lines.next().unwrap().contains("房号"), "Chinese headers");
        assert_eq!(lines.count() as i64, n, "every household, not one page");
        let res = b.client.get(app.url(&format!("/compounds/{compound}/households?format=xlsx"))).send().await.unwrap();
        assert_eq!(res.status(), 200);
        // Named after what it holds and the day (the program's clock), in Chinese for browsers.
        let disposition = res.headers()["content-disposition"].to_str().unwrap().to_string();
        let day = app.today().to_string();
        let named = format!("filename*=UTF-8''{}", percent(&format!("纹江花园-房屋名录-{day}.xlsx")));
        assert!(disposition.starts_with("attachment; filename=\"") && disposition.ends_with(&named), "{disposition}");
        let bytes = res.bytes().await.unwrap();
        assert!(bytes.starts_with(b"PK"), "an xlsx");
        // Areas are numbers Excel can sum; rooms stay text.
        use calamine::{Data, Reader};
        let mut book = calamine::Xlsx::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
        let name = book.sheet_names()[0].clone();
        let range = book.worksheet_range(&name).unwrap();
        let header: Vec<String> = range.rows().next().unwrap().iter().map(|d| d.to_string()).collect();
        let area = header.iter().position(|h| h.contains("面积")).expect("an area column");
        let first = range.rows().nth(1).unwrap();
        assert!(matches!(first[area], Data::Float(f) if f > 0.0), "area as a number: {:?}", first[area]);
        // The compound list keeps its filter: only three-no compounds.
        let worker = app.browser_login("worker").await;
        let res = worker.client.get(app.url("/compounds?three_no=true&format=csv")).send().await.unwrap();
        assert_eq!(res.status(), 200);
        let text = res.text().await.unwrap();
        assert!(text.lines().skip(1).all(|l| l.contains(",是,")), "only three-no compounds: {text}");
        let (s, page) = worker.get("/compounds?format=pdf").await;
        assert_eq!(s, 422, "{page}");
    }
}
