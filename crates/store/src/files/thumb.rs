//! Thumbnails of uploaded photos: the longest side at most [`THUMB_PX`], as JPEG, turned
//! upright by the camera's orientation tag, transparency over white.
//!
//! Decoding is also the proof that a file starting like a JPEG or PNG is one: a photo that
//! does not decode is refused before anything is written. The decoder is bounded (pixels and
//! memory), so a small file claiming a huge picture cannot exhaust the server.

use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader, Limits, RgbImage};
use std::io::Cursor;

/// The longest side of a thumbnail, in pixels: a list row or a card on a phone.
pub const THUMB_PX: u32 = 320;

/// The largest picture decoded: 100 megapixels of any shape up to 16,000 px a side.
const MAX_SIDE: u32 = 16_000;
const MAX_ALLOC: u64 = 400 * 1024 * 1024;

/// The image formats that get a thumbnail, by sniffed content type.
pub fn thumbnailed(content_type: &str) -> Option<ImageFormat> {
    match content_type {
        "image/jpeg" => Some(ImageFormat::Jpeg),
        "image/png" => Some(ImageFormat::Png),
        _ => None,
    }
}

/// The thumbnail of a JPEG or PNG as JPEG bytes, or `Err` with the decoder's reason when the
/// bytes are not a readable picture of that format.
pub fn make(bytes: &[u8], format: ImageFormat) -> Result<Vec<u8>, String> {
    let mut reader = ImageReader::new(Cursor::new(bytes));
    reader.set_format(format);
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(MAX_ALLOC);
    reader.limits(limits);
    let mut decoder = reader.into_decoder().map_err(|e| e.to_string())?;
    let orientation = decoder.orientation().map_err(|e| e.to_string())?;
    let mut img = DynamicImage::from_decoder(decoder).map_err(|e| e.to_string())?;
    img.apply_orientation(orientation);
    let small = if img.width() > THUMB_PX || img.height() > THUMB_PX { img.thumbnail(THUMB_PX, THUMB_PX) } else { img };
    let rgb = over_white(&small);
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 80).encode_image(&rgb).map_err(|e| e.to_string())?;
    Ok(out)
}

/// JPEG has no transparency: blend any alpha over a white page.
fn over_white(img: &DynamicImage) -> RgbImage {
    if !img.color().has_alpha() {
        return img.to_rgb8();
    }
    let rgba = img.to_rgba8();
    let blend = |c: u8, a: u8| ((u16::from(c) * u16::from(a) + 255 * (255 - u16::from(a))) / 255) as u8;
    RgbImage::from_fn(rgba.width(), rgba.height(), |x, y| {
        let p = rgba.get_pixel(x, y).0;
        image::Rgb([blend(p[0], p[3]), blend(p[1], p[3]), blend(p[2], p[3])])
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn png(w: u32, h: u32, alpha: u8) -> Vec<u8> {
        let img = image::RgbaImage::from_pixel(w, h, image::Rgba([200, 10, 10, alpha]));
        let mut out = Vec::new();
        DynamicImage::ImageRgba8(img).write_to(&mut Cursor::new(&mut out), ImageFormat::Png).unwrap();
        out
    }

    #[test]
    fn a_large_picture_shrinks_to_the_longest_side_keeping_its_shape() {
        let t = make(&png(1000, 500, 255), ImageFormat::Png).unwrap();
        let img = image::load_from_memory_with_format(&t, ImageFormat::Jpeg).unwrap();
        assert_eq!((img.width(), img.height()), (320, 160));
    }

    #[test]
    fn a_small_picture_keeps_its_size_and_transparency_turns_white() {
        let t = make(&png(40, 30, 0), ImageFormat::Png).unwrap();
        let img = image::load_from_memory_with_format(&t, ImageFormat::Jpeg).unwrap().to_rgb8();
        assert_eq!(img.dimensions(), (40, 30));
        assert!(img.get_pixel(5, 5).0.iter().all(|&c| c > 245), "{:?}", img.get_pixel(5, 5));
    }

    #[test]
    fn bytes_that_only_start_like_a_picture_are_refused() {
        assert!(make(b"\x89PNG\r\n\x1a\nnot really", ImageFormat::Png).is_err());
        assert!(make(b"\xFF\xD8\xFF\xE0 not really", ImageFormat::Jpeg).is_err());
        let mut cut = png(100, 100, 255);
        cut.truncate(cut.len() / 2);
        assert!(make(&cut, ImageFormat::Png).is_err());
    }

    /// A phone-shaped photo (4:3) comes out at most 320 px on its longest side, as a smaller
    /// JPEG. (Its speed is measured, not asserted: see docs/files.md.)
    #[test]
    fn a_phone_photo_shrinks_to_320_px_on_its_longest_side() {
        let img = image::RgbImage::from_fn(1200, 900, |x, y| image::Rgb([(x % 251) as u8, (y % 241) as u8, ((x * y) % 239) as u8]));
        let mut jpeg = Vec::new();
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 85).encode_image(&img).unwrap();
        let t = make(&jpeg, ImageFormat::Jpeg).unwrap();
        assert!(t.len() < jpeg.len(), "{} → {}", jpeg.len(), t.len());
        let thumb = image::load_from_memory_with_format(&t, ImageFormat::Jpeg).unwrap();
        assert_eq!((thumb.width(), thumb.height()), (320, 240));
    }
}
