//! The ONE place server-provided text is scrubbed of the API key before it can reach an
//! error, a log line or a rendering: whatever a server echoes back (`bad key: Bearer sk-...`).

use std::borrow::Cow;

use crate::config::ApiKey;

/// What the key is replaced with.
pub(crate) const REDACTED: &str = "<redacted>";

/// Keys shorter than this are not scrubbed out of SUCCESS bodies: replacing every
/// occurrence of a 3-letter string would corrupt the JSON, and no real key is that short.
/// Error bodies and headers are always scrubbed, whatever the key's length.
const MIN_KEY_IN_DATA: usize = 6;

/// Removes the API key (and with it `Bearer <key>`) from text the server sent.
#[derive(Clone)]
pub(crate) struct Scrubber {
    key: Vec<u8>,
}

impl Scrubber {
    pub(crate) fn new(key: &ApiKey) -> Self {
        Scrubber {
            key: key.expose().trim().as_bytes().to_vec(),
        }
    }

    /// Scrubs a response body: always for an error answer, for a success answer when the
    /// key is long enough to be told apart from JSON syntax.
    pub(crate) fn body(&self, bytes: Vec<u8>, success: bool) -> Vec<u8> {
        if success && self.key.len() < MIN_KEY_IN_DATA {
            return bytes;
        }
        match replace(&bytes, &self.key) {
            Cow::Borrowed(_) => bytes,
            Cow::Owned(clean) => clean,
        }
    }

    /// Scrubs a piece of text (a header value, an error message).
    pub(crate) fn text(&self, text: &str) -> String {
        match replace(text.as_bytes(), &self.key) {
            Cow::Borrowed(_) => text.to_owned(),
            Cow::Owned(clean) => String::from_utf8_lossy(&clean).into_owned(),
        }
    }
}

/// `haystack` with every `needle` replaced by [`REDACTED`]; borrowed when there was none.
fn replace<'a>(haystack: &'a [u8], needle: &[u8]) -> Cow<'a, [u8]> {
    if needle.is_empty() || haystack.len() < needle.len() {
        return Cow::Borrowed(haystack);
    }
    let mut out: Option<Vec<u8>> = None;
    let mut start = 0;
    let mut i = 0;
    while i + needle.len() <= haystack.len() {
        if haystack[i] == needle[0] && haystack[i..].starts_with(needle) {
            let buf = out.get_or_insert_with(|| Vec::with_capacity(haystack.len()));
            buf.extend_from_slice(&haystack[start..i]);
            buf.extend_from_slice(REDACTED.as_bytes());
            i += needle.len();
            start = i;
        } else {
            i += 1;
        }
    }
    match out {
        None => Cow::Borrowed(haystack),
        Some(mut buf) => {
            buf.extend_from_slice(&haystack[start..]);
            Cow::Owned(buf)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scrubber(key: &str) -> Scrubber {
        Scrubber::new(&ApiKey::new(key))
    }

    #[test]
    fn every_occurrence_goes() {
        let s = scrubber("sk-live-123456");
        assert_eq!(
            s.text("bad key: Bearer sk-live-123456, sk-live-123456!"),
            "bad key: Bearer <redacted>, <redacted>!"
        );
        assert_eq!(s.text("nothing here"), "nothing here");
        assert_eq!(s.text("sk-live-12345"), "sk-live-12345");
    }

    #[test]
    fn success_bodies_keep_short_keys_intact() {
        let s = scrubber("id");
        assert_eq!(s.body(b"{\"id\": 1}".to_vec(), true), b"{\"id\": 1}");
        assert_eq!(s.body(b"bad id".to_vec(), false), b"bad <redacted>");
    }
}
