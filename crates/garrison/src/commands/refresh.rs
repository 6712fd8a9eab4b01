//! `garrison refresh`: read the cloud and record drift in the state (no changes made).

use crate::cli::{Global, VarArgs};
use crate::context;
use crate::exit::codes;
use garrison_engine::{prepare, PrepareOptions};
use std::path::PathBuf;

pub(crate) async fn run(
    global: &Global,
    dir: Option<PathBuf>,
    vars: &VarArgs,
) -> miette::Result<u8> {
    let dir = context::dir_or_cwd(dir);
    let model = match context::load_model(&dir, vars, global.no_color) {
        Ok(model) => model,
        Err(code) => return Ok(code),
    };
    let backend = context::backend(&model)?;
    let remote = context::connect(global, &dir).await?;
    let prepared = prepare(
        model,
        remote.client.clone(),
        backend,
        PrepareOptions {
            command: "garrison refresh".into(),
            ..PrepareOptions::default()
        },
    )
    .await;
    let result = prepared.and_then(|p| {
        let drift = p.plan().drift.len();
        p.refresh_only().map(|_| drift)
    });
    remote.close().await;
    let drift = result?;
    eprintln!(
        "Refreshed: {drift} attribute{} changed outside Garrison{}",
        if drift == 1 { "" } else { "s" },
        if drift > 0 {
            " (recorded in the state; `garrison plan` shows what apply would do)"
        } else {
            "."
        }
    );
    Ok(codes::OK)
}
