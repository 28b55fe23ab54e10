//! A stored file as it goes out: photos inline, anything else (a PDF) as
//! an attachment under a `sandbox` CSP, never a document of the app's
//! origin; the name as RFC 6266 `filename*`.

use axum::body::Body;
use axum::http::{header, HeaderValue};
use axum::response::Response;
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

use crate::error::{AppError, AppResult};
use crate::store::files::StoredFile;

/// A stored file as it is downloaded.
pub fn file_response(file: StoredFile) -> AppResult<Response> {
    let StoredFile {
        filename,
        content_type,
        bytes,
    } = file;
    // Photos show in the page; anything else (a PDF) is downloaded, and
    // sandboxed should a browser render it anyway: never a document of the
    // app's origin.
    let image = content_type.starts_with("image/");
    let mut response = Response::builder();
    if !image {
        response = response.header(header::CONTENT_SECURITY_POLICY, "sandbox");
    }
    let disposition = content_disposition(if image { "inline" } else { "attachment" }, &filename);
    response
        .header(header::CONTENT_TYPE, content_type)
        .header(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        )
        .header(header::CONTENT_DISPOSITION, disposition)
        // Files never change once stored; only this user's browser may keep them.
        .header(
            header::CACHE_CONTROL,
            HeaderValue::from_static("private, max-age=86400, immutable"),
        )
        .body(Body::from(bytes))
        .map_err(|e| AppError::Internal(e.into()))
}

/// A `Content-Disposition` naming the file (RFC 6266): a plain `filename`
/// for every browser (non-ASCII and quoting characters replaced), and the
/// exact name as UTF-8 in `filename*`.
pub fn content_disposition(kind: &str, filename: &str) -> String {
    let fallback: String = filename
        .chars()
        .map(|c| {
            if c.is_ascii() && !c.is_ascii_control() && c != '"' && c != '\\' {
                c
            } else {
                '_'
            }
        })
        .collect();
    // RFC 5987 attr-char: ALPHA / DIGIT / "!#$&+-.^_`|~"; all else encoded.
    const NOT_ATTR_CHAR: &AsciiSet = &NON_ALPHANUMERIC
        .remove(b'!')
        .remove(b'#')
        .remove(b'$')
        .remove(b'&')
        .remove(b'+')
        .remove(b'-')
        .remove(b'.')
        .remove(b'^')
        .remove(b'_')
        .remove(b'`')
        .remove(b'|')
        .remove(b'~');
    let exact = utf8_percent_encode(filename, NOT_ATTR_CHAR);
    format!("{kind}; filename=\"{fallback}\"; filename*=UTF-8''{exact}")
}

#[cfg(test)]
mod tests {
    use super::content_disposition;

    #[test]
    fn file_names_go_out_plain_and_exact() {
        assert_eq!(
            content_disposition("inline", "photo.png"),
            "inline; filename=\"photo.png\"; filename*=UTF-8''photo.png"
        );
        assert_eq!(
            content_disposition("attachment", "Kvitto för \"Malmö\".pdf"),
            "attachment; filename=\"Kvitto f_r _Malm__.pdf\"; filename*=UTF-8''Kvitto%20f%C3%B6r%20%22Malm%C3%B6%22.pdf"
        );
    }
}
