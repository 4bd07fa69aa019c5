//! Thumbnails of uploaded photos: the longest side at most [`THUMB_PX`], as JPEG, turned
//! upright by the camera's orientation tag, transparency over white.
//!
//! Decoding is also the proof that a file starting like a JPEG or PNG is one: a photo that
//! does not decode is refused before anything is written. A small file can announce a huge
//! picture (a 389 KB PNG of 10,000 × 10,000 px decodes into 400 MB), so the size is read from
//! the header first and a picture over the pixel budget is refused without decoding; and the
//! decoding itself waits for one of a few slots ([`Photos`]), so many uploads at once queue
//! rather than multiply the memory.

use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader, Limits, RgbImage};
use std::io::Cursor;

/// The longest side of a thumbnail, in pixels: a list row or a card on a phone.
pub const THUMB_PX: u32 = 320;

/// How photos are decoded: the pixel budget and how many decode at once. `linli serve`
/// sets them from `--max-photo-megapixels` and `--photo-decoders`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PhotoLimits {
    /// The most pixels a photo may have (width × height), in millions. A 48 MP phone photo
    /// needs 48.
    pub max_megapixels: u32,
    /// How many photos decode at the same time; each takes about 3 to 4 bytes per pixel.
    pub decoders: usize,
}

impl Default for PhotoLimits {
    /// 40 megapixels (most phone cameras; 8000 × 5000), one at a time: eight 36 MP uploads at
    /// once peaked at 210 MiB of server memory this way, 349 MiB with two decoders.
    fn default() -> PhotoLimits {
        PhotoLimits {
            max_megapixels: 40,
            decoders: 1,
        }
    }
}

/// The photo decoder of a store: its limits and the slots decodes wait for.
#[derive(Debug)]
pub struct Photos {
    pub limits: PhotoLimits,
    slots: tokio::sync::Semaphore,
}

impl Photos {
    pub fn new(limits: PhotoLimits) -> Photos {
        let limits = PhotoLimits {
            max_megapixels: limits.max_megapixels.max(1),
            decoders: limits.decoders.max(1),
        };
        Photos {
            limits,
            slots: tokio::sync::Semaphore::new(limits.decoders),
        }
    }

    /// The thumbnail of `bytes` (see [`make`]), made on a blocking thread once a slot is
    /// free; the bytes are handed back with it.
    pub async fn thumbnail(
        &self,
        bytes: Vec<u8>,
        format: ImageFormat,
    ) -> anyhow::Result<(Vec<u8>, Result<Vec<u8>, Refused>)> {
        let _slot = self.slots.acquire().await?;
        let max_pixels = u64::from(self.limits.max_megapixels) * 1_000_000;
        Ok(tokio::task::spawn_blocking(move || {
            let made = make(&bytes, format, max_pixels);
            (bytes, made)
        })
        .await?)
    }
}

/// Why a photo got no thumbnail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refused {
    /// The header announces more pixels than the budget (or more memory than it allows).
    TooLarge { width: u32, height: u32 },
    /// Not a readable picture of its format; the decoder's reason, for the log.
    Unreadable(String),
}

/// The image formats that get a thumbnail, by sniffed content type.
pub fn thumbnailed(content_type: &str) -> Option<ImageFormat> {
    match content_type {
        "image/jpeg" => Some(ImageFormat::Jpeg),
        "image/png" => Some(ImageFormat::Png),
        _ => None,
    }
}

/// The thumbnail of a JPEG or PNG as JPEG bytes, or why there is none. The picture's size is
/// read from its header and checked against `max_pixels` before a pixel is decoded.
pub fn make(bytes: &[u8], format: ImageFormat, max_pixels: u64) -> Result<Vec<u8>, Refused> {
    let unreadable = |e: image::ImageError| Refused::Unreadable(e.to_string());
    let mut reader = ImageReader::new(Cursor::new(bytes));
    reader.set_format(format);
    // Up to 8 bytes a pixel (16-bit RGBA PNG) and some room for the decoder's own buffers.
    let mut limits = Limits::default();
    limits.max_alloc = Some(max_pixels.saturating_mul(8).saturating_add(64 << 20));
    reader.limits(limits);
    let mut decoder = reader.into_decoder().map_err(unreadable)?;
    let (width, height) = decoder.dimensions();
    let too_large = Refused::TooLarge { width, height };
    if u64::from(width) * u64::from(height) > max_pixels {
        return Err(too_large);
    }
    let orientation = decoder.orientation().map_err(unreadable)?;
    let mut img = DynamicImage::from_decoder(decoder).map_err(|e| match e {
        image::ImageError::Limits(_) => too_large,
        e => Refused::Unreadable(e.to_string()),
    })?;
    img.apply_orientation(orientation);
    let small = if img.width() > THUMB_PX || img.height() > THUMB_PX {
        img.thumbnail(THUMB_PX, THUMB_PX)
    } else {
        img
    };
    let rgb = over_white(&small);
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 80)
        .encode_image(&rgb)
        .map_err(unreadable)?;
    Ok(out)
}

/// JPEG has no transparency: blend any alpha over a white page.
fn over_white(img: &DynamicImage) -> RgbImage {
    if !img.color().has_alpha() {
        return img.to_rgb8();
    }
    let rgba = img.to_rgba8();
    let blend =
        |c: u8, a: u8| ((u16::from(c) * u16::from(a) + 255 * (255 - u16::from(a))) / 255) as u8;
    RgbImage::from_fn(rgba.width(), rgba.height(), |x, y| {
        let p = rgba.get_pixel(x, y).0;
        image::Rgb([blend(p[0], p[3]), blend(p[1], p[3]), blend(p[2], p[3])])
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    const MP: u64 = 40_000_000;

    fn png(w: u32, h: u32, alpha: u8) -> Vec<u8> {
        let img = image::RgbaImage::from_pixel(w, h, image::Rgba([200, 10, 10, alpha]));
        let mut out = Vec::new();
        DynamicImage::ImageRgba8(img)
            .write_to(&mut Cursor::new(&mut out), ImageFormat::Png)
            .unwrap();
        out
    }

    #[test]
    fn a_large_picture_shrinks_to_the_longest_side_keeping_its_shape() {
        let t = make(&png(1000, 500, 255), ImageFormat::Png, MP).unwrap();
        let img = image::load_from_memory_with_format(&t, ImageFormat::Jpeg).unwrap();
        assert_eq!((img.width(), img.height()), (320, 160));
    }

    #[test]
    fn a_small_picture_keeps_its_size_and_transparency_turns_white() {
        let t = make(&png(40, 30, 0), ImageFormat::Png, MP).unwrap();
        let img = image::load_from_memory_with_format(&t, ImageFormat::Jpeg)
            .unwrap()
            .to_rgb8();
        assert_eq!(img.dimensions(), (40, 30));
        assert!(
            img.get_pixel(5, 5).0.iter().all(|&c| c > 245),
            "{:?}",
            img.get_pixel(5, 5)
        );
    }

    #[test]
    fn bytes_that_only_start_like_a_picture_are_refused() {
        assert!(make(b"\x89PNG\r\n\x1a\nnot really", ImageFormat::Png, MP).is_err());
        assert!(make(b"\xFF\xD8\xFF\xE0 not really", ImageFormat::Jpeg, MP).is_err());
        let mut cut = png(100, 100, 255);
        cut.truncate(cut.len() / 2);
        assert!(make(&cut, ImageFormat::Png, MP).is_err());
    }

    /// A phone-shaped photo (4:3) comes out at most 320 px on its longest side, as a smaller
    /// JPEG. (Its speed is measured, not asserted: see docs/files.md.)
    #[test]
    fn a_phone_photo_shrinks_to_320_px_on_its_longest_side() {
        let img = image::RgbImage::from_fn(1200, 900, |x, y| {
            image::Rgb([(x % 251) as u8, (y % 241) as u8, ((x * y) % 239) as u8])
        });
        let mut jpeg = Vec::new();
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 85)
            .encode_image(&img)
            .unwrap();
        let t = make(&jpeg, ImageFormat::Jpeg, MP).unwrap();
        assert!(t.len() < jpeg.len(), "{} → {}", jpeg.len(), t.len());
        let thumb = image::load_from_memory_with_format(&t, ImageFormat::Jpeg).unwrap();
        assert_eq!((thumb.width(), thumb.height()), (320, 240));
    }

    /// A small file announcing a huge picture is refused from its header, without the
    /// memory its decoding would take.
    #[test]
    fn a_picture_over_the_pixel_budget_is_refused_before_decoding() {
        let big = png(2000, 1500, 255);
        assert_eq!(
            make(&big, ImageFormat::Png, 2_999_999),
            Err(Refused::TooLarge {
                width: 2000,
                height: 1500
            })
        );
        assert!(
            make(&big, ImageFormat::Png, 3_000_000).is_ok(),
            "exactly the budget is fine"
        );
    }
}
