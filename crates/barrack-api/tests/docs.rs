//! `docs/api.md` lists every operation of the routing table with its method and path.

use barrack_api::ROUTES;

#[test]
fn api_doc_lists_every_route() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/api.md");
    let doc = std::fs::read_to_string(path).expect("docs/api.md exists");
    for route in ROUTES {
        let row = format!(
            "| `{:?}` | {} | `{}` |",
            route.op,
            route.method.as_str(),
            route.path
        );
        assert!(doc.contains(&row), "docs/api.md lacks the row `{row}`");
    }
}
