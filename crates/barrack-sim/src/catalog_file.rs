//! Reading `--catalog FILE`: the catalog file format of `barrack_wire::Catalog`, with the
//! path in every error.

use std::path::{Path, PathBuf};

use barrack_wire::{Catalog, CatalogError};

/// A catalog file that could not be used.
#[derive(Debug, thiserror::Error)]
pub enum CatalogFileError {
    /// The file could not be read.
    #[error("reading the catalog file `{path}`: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    /// The file is not a valid catalog.
    #[error("the catalog file `{path}` is invalid: {source}")]
    Invalid { path: PathBuf, source: CatalogError },
}

/// Reads and checks the catalog file at `path`.
pub fn read_catalog(path: &Path) -> Result<Catalog, CatalogFileError> {
    let text = std::fs::read_to_string(path).map_err(|source| CatalogFileError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    Catalog::from_json(&text).map_err(|source| CatalogFileError::Invalid {
        path: path.to_path_buf(),
        source,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_name_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("missing.json");
        let error = read_catalog(&missing).unwrap_err().to_string();
        assert!(error.contains("missing.json"), "{error}");
        let bad = dir.path().join("bad.json");
        std::fs::write(&bad, r#"{"regions": []}"#).unwrap();
        let error = read_catalog(&bad).unwrap_err().to_string();
        assert!(
            error.contains("bad.json") && error.contains("`regions` is empty"),
            "{error}"
        );
        let good = dir.path().join("good.json");
        std::fs::write(&good, Catalog::builtin().to_json()).unwrap();
        assert_eq!(read_catalog(&good).unwrap(), Catalog::builtin());
    }
}
