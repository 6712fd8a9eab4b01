//! `garrison lock [--update] [DIR]`: pin what the config resolves to in the cloud in
//! `garrison.lock` (OS image ids, GPU models and volume types used, the state format).

use garrison_engine::pins;
use garrison_plan::pins::PinMoved;

use crate::cli::{Global, LockArgs};
use crate::console::Console;
use crate::context;
use crate::exit::{Ended, Outcome};

pub(crate) async fn run(global: &Global, console: &Console, args: &LockArgs) -> Ended {
    let dir = args.config.dir.path();
    let model = context::load_model(&dir, &args.config.vars, console)?;
    let remote = context::connect(global, &dir, model.rate_limit_per_minute).await?;
    let locked = pins::lock(&model, &remote.client, args.update).await;
    remote.close().await;
    let locked = match locked {
        Ok(locked) => locked,
        Err(garrison_engine::EngineError::LockRefused(refused)) => {
            if let garrison_plan::pins::RelockRefused::Moved(moved) = &refused {
                for m in moved {
                    errln!(console, "warning: {m}");
                }
            }
            return Err(garrison_engine::EngineError::LockRefused(refused).into());
        }
        Err(e) => return Err(e.into()),
    };
    let file = locked.path.display();
    let Some(_) = &locked.relock.write else {
        errln!(console, "`{file}` is up to date ({} pins).", locked.pins);
        return Ok(Outcome::Success);
    };
    if locked.existed {
        for change in &locked.relock.changes {
            errln!(console, "  {}", describe(change));
        }
        for key in &locked.relock.dropped {
            errln!(console, "  dropped: {key} (no longer used)");
        }
    }
    errln!(
        console,
        "{} `{file}`: {} pins.",
        if locked.existed { "Updated" } else { "Wrote" },
        locked.pins
    );
    Ok(Outcome::Success)
}

/// One line per pin `garrison lock` added or moved.
fn describe(change: &PinMoved) -> String {
    match change {
        PinMoved::Unpinned { key } => format!("added: {key}"),
        PinMoved::Changed { key, fields } => {
            let fields: Vec<String> = fields
                .iter()
                .map(|(f, was, now)| format!("{f} {was} -> {now}"))
                .collect();
            format!("updated: {key}: {}", fields.join(", "))
        }
        PinMoved::Unlisted { key, .. } => format!("unlisted: {key}"),
    }
}
