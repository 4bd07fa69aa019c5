//! QR codes as small inline SVG, for the links printed on bills, consent forms, ballot papers
//! and invite sheets.
//!
//! A committee prints a compound's bills in one go (甘泉苑: 34 projects, 798 bills), so the
//! code is drawn on every such page hundreds of times. Two choices keep that cheap:
//! - **One mask.** The QR standard lets the encoder pick any of eight masks; `qrcode` tries all
//!   eight and scores each, which was most of a bills page's CPU. A fixed mask is a valid code
//!   every reader decodes; the scoring only avoids patterns that confuse poor scanners, which a
//!   short printed URL at error-correction level M does not need.
//! - **One path of runs.** Each row's dark runs become one `M x y h w v1 h-w z` rectangle in
//!   module units, scaled by the `viewBox`, instead of one absolute rectangle per pixel block:
//!   about a third of the bytes, and no XML declaration inside the HTML.

use std::fmt::Write as _;

use qrcode::canvas::{Canvas, MaskPattern};
use qrcode::types::{QrError, QrResult};
use qrcode::{Color, EcLevel};

/// The blank margin the standard asks around a code, in modules.
const QUIET_ZONE: usize = 4;

/// The dark modules of `text`'s smallest QR code at level M, row by row (`width × width`).
fn modules(text: &str) -> QrResult<(usize, Vec<bool>)> {
    let bits = qrcode::bits::encode_auto(text.as_bytes(), EcLevel::M)?;
    let version = bits.version();
    let (data, ec) = qrcode::ec::construct_codewords(&bits.into_bytes(), version, EcLevel::M)?;
    let mut canvas = Canvas::new(version, EcLevel::M);
    canvas.draw_all_functional_patterns();
    canvas.draw_data(&data, &ec);
    canvas.apply_mask(MaskPattern::Checkerboard);
    let width = usize::try_from(version.width()).map_err(|_| QrError::InvalidVersion)?;
    let dark = canvas
        .into_colors()
        .into_iter()
        .map(|c| c == Color::Dark)
        .collect();
    Ok((width, dark))
}

/// A QR code of `text` as inline SVG, `px` pixels square; empty if the text cannot be encoded
/// (longer than a QR code holds).
pub fn svg(text: &str, px: u32) -> String {
    let Ok((width, dark)) = modules(text) else {
        return String::new();
    };
    let side = width + 2 * QUIET_ZONE;
    let mut out = String::with_capacity(3 * width * width / 2 + 300);
    // Writing to a String cannot fail.
    let _ = write!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"qr-code\" width=\"{px}\" \
         height=\"{px}\" viewBox=\"0 0 {side} {side}\" shape-rendering=\"crispEdges\" \
         role=\"img\" aria-label=\"QR\"><rect width=\"{side}\" height=\"{side}\" \
         fill=\"#fff\"/><path fill=\"#000\" d=\""
    );
    for (y, row) in dark.chunks(width).enumerate() {
        let mut x = 0;
        while x < width {
            if !row[x] {
                x += 1;
                continue;
            }
            let start = x;
            while x < width && row[x] {
                x += 1;
            }
            let run = x - start;
            let _ = write!(
                out,
                "M{} {}h{run}v1h-{run}z",
                start + QUIET_ZONE,
                y + QUIET_ZONE
            );
        }
    }
    out.push_str("\"/></svg>");
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    /// The modules drawn by the SVG path, read back: each `M x y h w v1 h-w z` run.
    fn drawn(svg: &str) -> (usize, Vec<bool>) {
        let side: usize = svg
            .split("viewBox=\"0 0 ")
            .nth(1)
            .and_then(|s| s.split(' ').next())
            .unwrap()
            .parse()
            .unwrap();
        let d = svg
            .split(" d=\"")
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap();
        let mut dark = vec![false; side * side];
        for run in d.split('M').filter(|r| !r.is_empty()) {
            let nums: Vec<usize> = run
                .split(|c: char| !c.is_ascii_digit())
                .filter(|n| !n.is_empty())
                .map(|n| n.parse().unwrap())
                .collect();
            let (x, y, w) = (nums[0], nums[1], nums[2]);
            for xx in x..x + w {
                dark[y * side + xx] = true;
            }
        }
        (side, dark)
    }

    #[test]
    fn the_path_draws_exactly_the_codes_modules_inside_the_quiet_zone() {
        let text = "http://127.0.0.1:8080/elevators/1/bills/553";
        let (width, modules) = modules(text).unwrap();
        let (side, drawn) = drawn(&svg(text, 96));
        assert_eq!(side, width + 8);
        for y in 0..side {
            for x in 0..side {
                let inside = (4..4 + width).contains(&x) && (4..4 + width).contains(&y);
                let expected = inside && modules[(y - 4) * width + (x - 4)];
                assert_eq!(drawn[y * side + x], expected, "module ({x}, {y})");
            }
        }
    }

    #[test]
    fn the_code_decodes_to_the_text() {
        // The same decoder a phone's camera library uses on a bitmap drawn 4 pixels a module.
        let text = "http://linli.example.cn/households/296/claim?token=abcDEF123";
        let (side, dark) = drawn(&svg(text, 200));
        let scale = 4;
        let mut img =
            rqrr::PreparedImage::prepare_from_greyscale(side * scale, side * scale, |x, y| {
                if dark[(y / scale) * side + x / scale] {
                    0
                } else {
                    255
                }
            });
        let grids = img.detect_grids();
        assert_eq!(grids.len(), 1);
        assert_eq!(grids[0].decode().unwrap().1, text);
    }

    #[test]
    fn a_text_too_long_for_any_code_draws_nothing() {
        assert_eq!(svg(&"x".repeat(5000), 96), "");
    }

    #[test]
    fn a_link_is_a_few_kilobytes_and_carries_no_xml_declaration() {
        let svg = svg("http://127.0.0.1:8080/elevators/12/bills/10553", 96);
        assert!(svg.starts_with("<svg "), "{svg}");
        assert!(svg.len() < 5_000, "{} bytes", svg.len());
    }
}
