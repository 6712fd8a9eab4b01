//! `garrison refresh`: read the cloud and record drift in the state (no changes made).

use garrison_engine::{prepare, PrepareOptions};

use crate::cli::{ConfigArgs, Global};
use crate::console::Console;
use crate::context;
use crate::exit::{Ended, Outcome};

pub(crate) async fn run(global: &Global, console: &Console, args: &ConfigArgs) -> Ended {
    let dir = args.dir.path();
    let model = context::load_model(&dir, &args.vars, console)?;
    let backend = context::backend(&model)?;
    let remote = context::connect(global, &dir, model.rate_limit_per_minute).await?;
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
    errln!(
        console,
        "Refreshed: {drift} attribute{} changed outside Garrison{}",
        if drift == 1 { "" } else { "s" },
        if drift > 0 {
            " (recorded in the state; `garrison plan` shows what apply would do)"
        } else {
            "."
        }
    );
    Ok(Outcome::Success)
}
