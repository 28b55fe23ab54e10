//! Pictures made at seed time, so the demo needs no download: product images
//! and customers' "photos" of what went wrong, as real PNG files.

/// Encodes an RGB buffer as PNG.
fn encode(width: u32, height: u32, rgb: &[u8]) -> anyhow::Result<Vec<u8>> {
    let mut out = Vec::new();
    {
        let mut encoder = png::Encoder::new(&mut out, width, height);
        encoder.set_color(png::ColorType::Rgb);
        encoder.set_depth(png::BitDepth::Eight);
        encoder.set_compression(png::Compression::Best);
        let mut writer = encoder.write_header()?;
        writer.write_image_data(rgb)?;
    }
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

/// A 480×320 "photo" of a damaged parcel: a lit box with a dark crack whose
/// angle depends on `seed`, so every case's photo differs.
pub fn damage_photo(seed: usize) -> anyhow::Result<Vec<u8>> {
    let (w, h) = (480u32, 320u32);
    let floor = [0x9a, 0x8f, 0x80];
    let cardboard = [0xc8, 0x9f, 0x6a];
    let slope = (seed % 7) as f32 / 7.0 - 0.5;
    let mut rgb = Vec::with_capacity((w * h * 3) as usize);
    for y in 0..h {
        for x in 0..w {
            let light = 1.0 - (x as f32 / w as f32) * 0.35;
            let in_box = (80..400).contains(&x) && (50..280).contains(&y);
            let crack_y = 160.0 + slope * (x as f32 - 240.0) + ((x as f32) / 9.0).sin() * 6.0;
            let on_crack = in_box && (y as f32 - crack_y).abs() < 3.0;
            let base = if on_crack {
                [0x3a, 0x2a, 0x1c]
            } else if in_box {
                cardboard
            } else {
                floor
            };
            rgb.extend_from_slice(&mix([0; 3], base, light));
        }
    }
    encode(w, h, &rgb)
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
