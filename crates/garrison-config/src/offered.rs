//! The catalog a config is validated against, and where it came from: the API's lists
//! read at plan time (an unknown value is an error: the API would refuse it), the last
//! catalog `garrison plan` cached in `.garrison/catalog.json`, or the built-in one (an
//! unknown value is then a warning with a did-you-mean: the cloud may offer more than
//! this Garrison knows).

use barrack_wire::catalog::GPU_COUNTS;
use barrack_wire::Catalog;

use crate::build::Builder;

use crate::collect::suggest;
use crate::diagnostic::Code;
use crate::eval::Eval;
use crate::model::Span;

/// Where a [`Offered`] catalog came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CatalogSource {
    /// Compiled into this Garrison.
    BuiltIn,
    /// The catalog cached by the last `garrison plan`, read `age_secs` after it was fetched.
    Cached { age_secs: u64 },
    /// Read from the API just now.
    Live,
}

/// A catalog and its source: what `load_dir_with` validates against.
#[derive(Clone, Debug, PartialEq)]
pub struct Offered {
    /// The lists.
    pub catalog: Catalog,
    /// Where they came from.
    pub source: CatalogSource,
    /// The account's objects and stock for object data sources, read at plan time; `None`
    /// offline (they are not read: `data_not_read`).
    pub account: Option<crate::account::Account>,
}

impl Default for Offered {
    fn default() -> Self {
        Offered {
            catalog: Catalog::builtin(),
            source: CatalogSource::BuiltIn,
            account: None,
        }
    }
}

impl CatalogSource {
    /// How a message names this catalog.
    pub fn describe(&self) -> String {
        match self {
            CatalogSource::BuiltIn => "the built-in catalog".to_owned(),
            CatalogSource::Cached { age_secs } => {
                format!("the cached catalog (fetched {} ago)", age(*age_secs))
            }
            CatalogSource::Live => "the catalog the API lists".to_owned(),
        }
    }
}

/// `age_secs` in the largest whole unit: `42s`, `5m`, `3h`, `2d`.
pub fn age(age_secs: u64) -> String {
    match age_secs {
        s if s < 60 => format!("{s}s"),
        s if s < 3600 => format!("{}m", s / 60),
        s if s < 86_400 => format!("{}h", s / 3600),
        s => format!("{}d", s / 86_400),
    }
}

/// A list of the catalog.
#[derive(Clone, Copy, Debug)]
pub(crate) enum List {
    Regions,
    GpuModels,
    OsImages,
    VolumeTypes,
    Protocols,
}

impl List {
    fn names(self, catalog: &Catalog) -> Vec<&str> {
        match self {
            List::Regions => catalog.regions.iter().map(String::as_str).collect(),
            List::GpuModels => catalog.gpu_models.iter().map(|m| m.name.as_str()).collect(),
            List::OsImages => catalog.os_images.iter().map(String::as_str).collect(),
            List::VolumeTypes => catalog.volume_types.iter().map(String::as_str).collect(),
            List::Protocols => catalog.protocols.iter().map(String::as_str).collect(),
        }
    }
}

impl Eval<'_> {
    /// Whether `value` may be used as a `what` of `list`: true when the catalog lists it;
    /// otherwise an error with a did-you-mean against a live catalog (false), a
    /// `unknown_catalog_value` warning against a cached or built-in one (true: the cloud
    /// may offer more). `sensitive` hides the value and gets the whole list instead of a
    /// close match.
    pub(crate) fn offered(
        &mut self,
        value: &str,
        sp: &Span,
        what: &str,
        list: List,
        sensitive: bool,
    ) -> bool {
        let names = list.names(&self.offered.catalog);
        if names.contains(&value) {
            return true;
        }
        let (shown, help) = if sensitive {
            (crate::provenance::REDACTED.to_owned(), suggest("", &names))
        } else {
            (format!("`{value}`"), suggest(value, &names))
        };
        let source = self.offered.source.describe();
        if self.offered.source == CatalogSource::Live {
            self.diags.error(
                Code::InvalidValue,
                sp,
                format!("unknown {what} {shown}: not in {source}"),
                format!("not a known {what}"),
                help,
            );
            return false;
        }
        let help = help.map(|h| format!("{h} (`garrison plan` checks the API's catalog)"));
        self.diags.warning(
            Code::UnknownCatalogValue,
            sp,
            format!("unknown {what} {shown}: not in {source}"),
            format!("not in {source}"),
            help,
        );
        true
    }
}

impl Offered {
    /// The GPU counts a VM of `model` may have (the built-in ones for a model the catalog
    /// does not list).
    pub(crate) fn gpu_counts(&self, model: &str) -> Vec<u32> {
        self.catalog
            .gpu_model(model)
            .map_or_else(|| GPU_COUNTS.to_vec(), |m| m.counts.clone())
    }
}

/// `[1, 2, 4, 8]` as `1, 2, 4 or 8`.
pub(crate) fn spoken(counts: &[u32]) -> String {
    let words: Vec<String> = counts.iter().map(ToString::to_string).collect();
    match words.split_last() {
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
        None => String::new(),
    }
}

impl Builder<'_, '_> {
    /// [`Eval::offered`] for an entry of this block (sensitive when it derives from a
    /// sensitive variable).
    pub(crate) fn offered(&mut self, value: &str, sp: &Span, what: &str, list: List) -> bool {
        let sensitive = self.sensitive_spans.contains(sp);
        self.ev.offered(value, sp, what, list, sensitive)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ages_read_in_one_unit() {
        assert_eq!(age(42), "42s");
        assert_eq!(age(300), "5m");
        assert_eq!(age(3 * 3600 + 5), "3h");
        assert_eq!(age(2 * 86_400), "2d");
        assert_eq!(spoken(&[1, 2, 4, 8]), "1, 2, 4 or 8");
        assert_eq!(spoken(&[8]), "8");
    }
}
