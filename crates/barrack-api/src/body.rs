//! Reading a response body under a size cap, so an endless or huge answer cannot exhaust
//! memory: chunks are read until the cap and the read stops there.

/// Why a body could not be read.
#[derive(Debug)]
pub(crate) enum BodyError {
    /// The body (or its announced `Content-Length`) is larger than the cap.
    TooLarge,
    /// The transfer failed (including the request's timeout running out mid-body).
    Transport(reqwest::Error),
}

/// Reads the whole body of `response`, at most `limit` bytes.
pub(crate) async fn read_capped(
    mut response: reqwest::Response,
    limit: usize,
) -> Result<Vec<u8>, BodyError> {
    let announced = response.content_length().unwrap_or(0);
    if announced > limit as u64 {
        return Err(BodyError::TooLarge);
    }
    let mut body = Vec::with_capacity(usize::try_from(announced).unwrap_or(0).min(limit));
    while let Some(chunk) = response.chunk().await.map_err(BodyError::Transport)? {
        if body.len() + chunk.len() > limit {
            return Err(BodyError::TooLarge);
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}
