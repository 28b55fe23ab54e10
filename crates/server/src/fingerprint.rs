//! A photo's fingerprint: a perceptual hash, pHash as image_hasher makes it
//! (64 bits): the lowest 8×8 frequencies of a grey thumbnail's cosine
//! transform, each above or below their median. The coarse shape of the
//! picture survives resizing and re-encoding; another picture has another. Layer-neutral (a pure function of
//! the file): the upload, the demo seed and the backfill of older files
//! all fingerprint the same way. `domain/evidence.rs` compares them.

use image::{DynamicImage, ImageReader};
use image_hasher::{HashAlg, HasherConfig};

/// At most this many of the 64 bits may differ for two photos to be the
/// same picture. Measured (tests below) on the seed's drawings: a photo
/// scaled to between a quarter and one and a half and saved again as JPEG
/// (quality 50–90) differs from its original by at most 2 bits; two of the
/// 600 different drawings by at least 6. (A difference hash, image_hasher's
/// `Gradient`, was tried first: 4 bits after re-encoding, and 0 between
/// drawings that differ only where the light is even.)
pub const SAME_PICTURE_BITS: u32 = 3;

/// The largest picture decoded for hashing, in pixels per side; larger
/// ones (or a file claiming to be) get no fingerprint rather than the
/// memory a decompression bomb asks for.
const MAX_SIDE: u32 = 12_000;

/// The perceptual hash of an image file (JPEG, PNG or WebP), or `None`
/// for anything that does not decode as one. CPU-bound: call it off the
/// async runtime (`fingerprint_blocking`).
pub fn fingerprint(bytes: &[u8]) -> Option<i64> {
    let mut reader = ImageReader::new(std::io::Cursor::new(bytes))
        .with_guessed_format()
        .ok()?;
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(512 * 1024 * 1024);
    reader.limits(limits);
    Some(of_picture(&reader.decode().ok()?))
}

/// The fingerprint of a decoded picture.
pub fn of_picture(picture: &DynamicImage) -> i64 {
    let hash = HasherConfig::with_bytes_type::<[u8; 8]>()
        .hash_alg(HashAlg::Median)
        .hash_size(8, 8)
        .preproc_dct()
        .to_hasher()
        .hash_image(picture);
    let mut bytes = [0u8; 8];
    bytes.copy_from_slice(hash.as_bytes());
    i64::from_be_bytes(bytes)
}

/// `fingerprint` on the blocking pool, so a large photo does not hold up
/// the requests sharing this worker thread.
pub async fn fingerprint_blocking(bytes: impl AsRef<[u8]> + Send + 'static) -> Option<i64> {
    tokio::task::spawn_blocking(move || fingerprint(bytes.as_ref()))
        .await
        .ok()
        .flatten()
}

/// How many bits two fingerprints differ in.
pub fn distance(a: i64, b: i64) -> u32 {
    (a ^ b).count_ones()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::seed::images;

    #[test]
    fn the_same_picture_resized_and_reencoded_is_the_same() {
        for seed in [0, 7, 41, 100] {
            let original = images::damage_photo(seed).unwrap();
            let a = fingerprint(&original).unwrap();
            for (scale, quality) in [(1.0, 90), (0.5, 75), (0.3, 60), (0.25, 50), (1.5, 85)] {
                let b = fingerprint(&images::resaved_as_jpeg(&original, scale, quality).unwrap())
                    .unwrap();
                assert!(
                    distance(a, b) <= SAME_PICTURE_BITS,
                    "seed {seed} ×{scale} q{quality}: {} bits",
                    distance(a, b)
                );
            }
        }
    }

    #[test]
    fn different_seeded_photos_are_different_pictures() {
        // More drawings than the demo seed makes (two per case at most).
        let hashes: Vec<i64> = (0..600)
            .map(|seed| of_picture(&images::damage_picture(seed).into()))
            .collect();
        let mut closest = u32::MAX;
        for (i, a) in hashes.iter().enumerate() {
            for b in &hashes[i + 1..] {
                closest = closest.min(distance(*a, *b));
            }
        }
        assert!(
            closest > SAME_PICTURE_BITS + 2,
            "closest pair: {closest} bits"
        );
    }

    #[test]
    fn what_is_not_a_picture_has_no_fingerprint() {
        assert_eq!(fingerprint(b"%PDF-1.7\n"), None);
        assert_eq!(fingerprint(b"\x89PNG\r\n\x1a\ntruncated"), None);
        assert_eq!(fingerprint(b""), None);
    }
}
