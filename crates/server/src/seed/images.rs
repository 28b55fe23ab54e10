//! Pictures made at seed time, so the demo needs no download: product images
//! and customers' "photos" of what went wrong, as real PNG files.

use image::codecs::jpeg::JpegEncoder;
use image::codecs::png::{CompressionType, FilterType, PngEncoder};
use image::{ImageEncoder, RgbImage};

/// Encodes an RGB buffer as PNG.
fn encode(width: u32, height: u32, rgb: &[u8]) -> anyhow::Result<Vec<u8>> {
    let mut out = Vec::new();
    PngEncoder::new_with_quality(&mut out, CompressionType::Best, FilterType::Adaptive)
        .write_image(rgb, width, height, image::ExtendedColorType::Rgb8)?;
    Ok(out)
}

/// A colour of the demo palette, chosen by `index`.
fn palette(index: usize) -> [u8; 3] {
    const COLOURS: [[u8; 3]; 8] = [
        [0x2f, 0x6f, 0xab],
        [0xc0, 0x5a, 0x3a],
        [0x3f, 0x8f, 0x5f],
        [0x8a, 0x5c, 0xa8],
        [0xc9, 0x9a, 0x2e],
        [0x4a, 0x90, 0x9a],
        [0xa8, 0x44, 0x6c],
        [0x5d, 0x6b, 0x7a],
    ];
    COLOURS[index % COLOURS.len()]
}

fn mix(a: [u8; 3], b: [u8; 3], t: f32) -> [u8; 3] {
    let m = |x: u8, y: u8| (f32::from(x) * (1.0 - t) + f32::from(y) * t) as u8;
    [m(a[0], b[0]), m(a[1], b[1]), m(a[2], b[2])]
}

/// A 160×160 product picture: a soft tile with a shape in the product's colour.
pub fn product_image(index: usize) -> anyhow::Result<Vec<u8>> {
    let (w, h) = (160u32, 160u32);
    let colour = palette(index);
    let background = mix(colour, [0xff; 3], 0.85);
    let mut rgb = Vec::with_capacity((w * h * 3) as usize);
    for y in 0..h {
        for x in 0..w {
            let (dx, dy) = (x as i32 - 80, y as i32 - 84);
            let inside = match index % 3 {
                0 => dx * dx + dy * dy < 48 * 48,
                1 => dx.abs() < 44 && dy.abs() < 40,
                _ => dy > -44 && dy < 40 && dx.abs() < (dy + 48) / 2 + 4,
            };
            rgb.extend_from_slice(&if inside { colour } else { background });
        }
    }
    encode(w, h, &rgb)
}

/// A 480×320 "photo" of a damaged parcel: a lit box with a dark crack and
/// a dent, placed, sized and lit by `seed`, so that no two cases' photos
/// are the same picture (the duplicate-photo check would flag them).
pub fn damage_picture(seed: usize) -> RgbImage {
    // splitmix64: a few well-spread numbers from one seed.
    let mut state = seed as u64;
    let mut next = move |range: u32| {
        state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        ((z ^ (z >> 31)) % u64::from(range)) as f32
    };
    let (w, h) = (480u32, 320u32);
    let (left, top) = (20.0 + next(140), 20.0 + next(80));
    let (right, bottom) = (left + 200.0 + next(120), top + 140.0 + next(90));
    let slope = next(100) / 80.0 - 0.6;
    let crack_at = top + (bottom - top) * (0.25 + next(50) / 100.0);
    let (dent_x, dent_y, dent_r) = (left + next(200), top + next(140), 14.0 + next(30));
    let light_from_left = next(2) == 0.0;
    let floor = mix([0x9a, 0x8f, 0x80], palette(seed), next(40) / 100.0);
    let cardboard = mix([0xc8, 0x9f, 0x6a], [0xff; 3], next(30) / 100.0);
    RgbImage::from_fn(w, h, |x, y| {
        let (x, y) = (x as f32, y as f32);
        let across = if light_from_left { x } else { w as f32 - x } / w as f32;
        let light = 1.0 - across * 0.45;
        let in_box = (left..right).contains(&x) && (top..bottom).contains(&y);
        let crack_y = crack_at + slope * (x - left) + (x / 9.0).sin() * 6.0;
        let on_crack = in_box && (y - crack_y).abs() < 3.0;
        let in_dent = in_box && (x - dent_x).powi(2) + (y - dent_y).powi(2) < dent_r * dent_r;
        let base = if on_crack {
            [0x3a, 0x2a, 0x1c]
        } else if in_dent {
            mix(cardboard, [0; 3], 0.35)
        } else if in_box {
            cardboard
        } else {
            floor
        };
        image::Rgb(mix([0; 3], base, light))
    })
}

/// `damage_picture(seed)` as the PNG file a customer would send.
pub fn damage_photo(seed: usize) -> anyhow::Result<Vec<u8>> {
    let picture = damage_picture(seed);
    encode(picture.width(), picture.height(), picture.as_raw())
}

/// The picture in `file` scaled by `scale` and saved again as JPEG at
/// `quality`: the same photo as another customer might send it.
pub fn resaved_as_jpeg(file: &[u8], scale: f32, quality: u8) -> anyhow::Result<Vec<u8>> {
    let picture = image::load_from_memory(file)?;
    let (w, h) = (
        picture.width() as f32 * scale,
        picture.height() as f32 * scale,
    );
    let scaled = picture
        .resize_exact(w as u32, h as u32, image::imageops::FilterType::Triangle)
        .to_rgb8();
    let mut out = Vec::new();
    JpegEncoder::new_with_quality(&mut out, quality).encode_image(&scaled)?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn images_are_png_and_differ() {
        let png_magic = b"\x89PNG\r\n\x1a\n";
        let a = product_image(0).unwrap();
        let b = product_image(1).unwrap();
        assert!(a.starts_with(png_magic) && b.starts_with(png_magic));
        assert_ne!(a, b);
        assert_ne!(damage_photo(1).unwrap(), damage_photo(2).unwrap());
    }
}
