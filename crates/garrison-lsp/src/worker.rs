//! Checks run on a thread of their own, so requests (completion, hover) are answered while
//! a directory is being checked; each check carries the generation of the documents it saw,
//! and a result a newer change has superseded is dropped unpublished.

use std::path::PathBuf;

use crossbeam_channel::{unbounded, Receiver, Sender};
use garrison_config::VarInputs;

use crate::diagnostics::ByFile;
use crate::documents::Documents;

/// One check to run.
pub(crate) struct Job {
    /// The config directory.
    pub(crate) dir: PathBuf,
    /// The directory's generation when the job was made.
    pub(crate) generation: u64,
    /// The open documents then.
    pub(crate) docs: Documents,
    /// The variable inputs for the directory.
    pub(crate) inputs: VarInputs,
    /// The catalog to check against.
    pub(crate) offered: garrison_config::Offered,
}

/// A finished check.
pub(crate) struct Done {
    /// The config directory.
    pub(crate) dir: PathBuf,
    /// The generation it checked.
    pub(crate) generation: u64,
    /// Its diagnostics.
    pub(crate) by_file: ByFile,
}

/// The checking thread: jobs in, results out, in order.
pub(crate) struct Worker {
    jobs: Sender<Job>,
    /// Finished checks.
    pub(crate) done: Receiver<Done>,
}

impl Worker {
    /// Starts the thread (it ends when the worker is dropped).
    pub(crate) fn start() -> std::io::Result<Worker> {
        let (jobs, job_rx) = unbounded::<Job>();
        let (done_tx, done) = unbounded();
        std::thread::Builder::new()
            .name("garrison-lsp-check".into())
            .spawn(move || {
                for job in job_rx {
                    let by_file =
                        crate::diagnostics::check(&job.dir, &job.docs, &job.inputs, &job.offered);
                    let finished = Done {
                        dir: job.dir,
                        generation: job.generation,
                        by_file,
                    };
                    if done_tx.send(finished).is_err() {
                        break;
                    }
                }
            })?;
        Ok(Worker { jobs, done })
    }

    /// Queues a check.
    pub(crate) fn submit(&self, job: Job) {
        // The thread lives as long as the worker; a send cannot fail while it does.
        let _ = self.jobs.send(job);
    }
}
